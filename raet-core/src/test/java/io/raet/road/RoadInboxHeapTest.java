package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An application that does not read while a peer sends as fast as it can, in a JVM with a 256 MB heap: the inbox
 * stays within its bounds, nothing runs out of memory, the owner thread keeps serving, the sender sees back
 * pressure, and once the application reads every acknowledged message arrives exactly once.
 */
class RoadInboxHeapTest {
    @Test
    void aNeverReadingApplicationUnderA256MbHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                InboxPressure.class.getName(), "4000", "2000", "512", String.valueOf(4 << 20))
                .redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(
                () -> new AssertionError("no result: " + out));
        System.out.println(line);
        Map<String, Long> r = new HashMap<>();
        for (String kv : List.of(line.substring(7).split(" "))) {
            String[] pair = kv.split("=");
            r.put(pair[0], pair[1].equals("true") ? 1 : pair[1].equals("false") ? 0 : Long.parseLong(pair[1]));
        }
        RoadLimits limits = RoadLimits.defaults().withInbox(512, 4 << 20);
        assertThat(r.get("openWhileFull")).isEqualTo(1);
        assertThat(r.get("open")).isEqualTo(1);
        // Bounded: the inbox limits plus at most the messages already being received when it filled.
        assertThat(r.get("maxInbox")).isLessThanOrEqualTo(limits.inboxMessages() + limits.maxIncompletePerRemote());
        assertThat(r.get("maxInboxBytes")).isLessThanOrEqualTo(limits.inboxBytes()
                + limits.maxIncompleteBytesPerRemote());
        assertThat(r.get("inboxHeld")).isPositive();
        assertThat(r.get("dropInboxFull")).isPositive();
        // The sender saw it: its messages waited and were retried, or were refused at its own bound.
        assertThat(r.get("senderResent") + r.get("senderOutgoingLimit")).isPositive();
        assertThat(r.get("deliveredBeforeReading")).isLessThan(r.get("pushed"));
        // Everything acknowledged is there once, and nothing twice.
        assertThat(r.get("duplicates")).isZero();
        assertThat(r.get("missing")).isZero();
        assertThat(r.get("delivered")).isPositive();
    }
}
