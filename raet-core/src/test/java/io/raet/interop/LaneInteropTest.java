package io.raet.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PackKind;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lane exchanges with a reference (raet 0.6.8) yard, both directions, small and paged, JSON and msgpack. */
class LaneInteropTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private void exchange(String pk, PackKind javaPk) throws Exception {
        try (RefPeer py = new RefPeer("lanepeer.py", List.of("--yard", "pyyard", "--lane", "test", "--dir",
                dir.toString(), "--pk", pk, "--digest-over", "400000"));
                LaneStack j = LaneStack.builder().lane("test").yard("jyard").dir(dir).packKind(javaPk).build()) {
            // reference -> Java, one page
            py.command(Map.of("cmd", "send", "yard", "jyard", "msg", Map.of("content", "hello java")));
            LaneMessage m = j.receive(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.from()).isEqualTo("pyyard");
            assertThat(m.body()).containsEntry("content", "hello java");
            // reference -> Java, paged (> 65535 bytes)
            py.command(Map.of("cmd", "send", "yard", "jyard", "msg", Map.of("content", "big"), "pad", 150_000));
            LaneMessage big = j.receive(WAIT);
            assertThat(big).isNotNull();
            assertThat((String) big.body().get("pad")).hasSize(150_000).startsWith("abcdefghijklmnopqrstuvwxyz");
            // Java -> reference, one page and paged
            j.send("pyyard", Map.of("content", "hello python")).get(5, TimeUnit.SECONDS);
            Map<String, Object> got = py.awaitEvent("message", "from", "jyard", WAIT);
            assertThat(got.get("msg")).isEqualTo(Map.of("content", "hello python"));
            String payload = "q".repeat(200_000);
            j.send("pyyard", Map.of("content", payload)).get(5, TimeUnit.SECONDS);
            Map<String, Object> gotBig = py.await(e -> "message".equals(e.get("event"))
                    && e.get("msg") instanceof Map<?, ?> mm && payload.equals(mm.get("content")), WAIT);
            assertThat(gotBig).isNotNull();
        }
    }

    @Test
    void jsonPagesBothWays() throws Exception {
        exchange("json", PackKind.JSON);
    }

    @Test
    void msgpackPagesBothWays() throws Exception {
        exchange("msgpack", PackKind.MSGPACK);
    }
}
