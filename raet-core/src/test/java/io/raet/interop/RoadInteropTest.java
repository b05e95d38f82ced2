package io.raet.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.BodyKind;
import io.raet.keep.AutoMode;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live exchanges with the Python reference (raet 0.6.8) on loopback, in both roles. */
class RoadInteropTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String text(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private RefPeer python(String name, int port, boolean main, String bk, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--name", name, "--port", String.valueOf(port),
                "--auto", "always", "--keep", tmp.resolve("py-" + name).toString(), "--bk", bk, "--digest-over",
                "400000"));
        if (main) {
            args.add("--main");
        }
        args.addAll(List.of(extra));
        return new RefPeer(args);
    }

    private RoadStack java(String name, boolean main, BodyKind bk) {
        return java(name, main, bk, 0);
    }

    private RoadStack java(String name, boolean main, BodyKind bk, int cryptoThreads) {
        return RoadStack.builder().name(name).main(main).port(0).auto(AutoMode.ALWAYS).bodyKind(bk)
                .keep(tmp.resolve("java-" + name)).cryptoThreads(cryptoThreads).build();
    }

    /** Messages both ways: small JSON (or msgpack), and 100 KiB segmented, checked for exact content. */
    private void exchange(RoadStack j, RefPeer py, String pyName, String javaName) throws Exception {
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("subject", "interop");
        small.put("content", "hello from java");
        small.put("n", 42L);
        j.send(pyName, small, MessageOptions.DEFAULT.withTimeout(WAIT)).get(30, TimeUnit.SECONDS);
        Map<String, Object> got = py.awaitEvent("message", "from", javaName, WAIT);
        assertThat(got.get("msg")).isEqualTo(Map.of("subject", "interop", "content", "hello from java", "n", 42));

        String big = text(100 * 1024, 7);
        Map<String, Object> large = new LinkedHashMap<>();
        large.put("subject", "big");
        large.put("content", big);
        j.send(pyName, large, MessageOptions.DEFAULT.withTimeout(WAIT)).get(30, TimeUnit.SECONDS);
        Map<String, Object> gotBig = py.await(e -> "message".equals(e.get("event")) && javaName.equals(e.get("from"))
                && e.get("msg") instanceof Map<?, ?> m && "big".equals(m.get("subject")), WAIT);
        @SuppressWarnings("unchecked")
        Map<String, Object> bigMsg = (Map<String, Object>) gotBig.get("msg");
        assertThat(bigMsg.get("content")).isEqualTo(big);

        py.command(Map.of("cmd", "send", "name", javaName, "msg", Map.of("subject", "interop", "content",
                "hello from python")));
        RoadEvent.Message m = j.receive(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.from()).isEqualTo(pyName);
        assertThat(m.body()).containsEntry("subject", "interop").containsEntry("content", "hello from python");

        String pyBig = text(100 * 1024, 11);
        py.command(Map.of("cmd", "send", "name", javaName, "msg", Map.of("subject", "big", "content", pyBig)));
        RoadEvent.Message mb = j.receive(WAIT);
        assertThat(mb).isNotNull();
        assertThat((String) mb.body().get("content")).isEqualTo(pyBig);
    }

    /**
     * Drops that would mean the reference's packets are not understood or not trusted. Drops that timing alone
     * explains (a late duplicate, a stale reply after a retry on a loaded machine) are not counted against it.
     */
    private static java.util.List<String> refusedAsMalformed(RoadStack j) {
        return j.stats().keySet().stream()
                .filter(k -> k.matches("drop_(parse_.*|bad_.*|unsigned|message_bad_.*|message_malformed_head|invalid_.*|internal_error|oversized)"))
                .toList();
    }

    @Test
    void javaMainPythonJoinerJson() throws Exception {
        try (RoadStack j = java("jmain", true, BodyKind.JSON);
                RefPeer py = python("pyjoiner", freePort(), false, "json")) {
            py.command(Map.of("cmd", "join", "host", "127.0.0.1", "port", j.address().getPort()));
            py.awaitEvent("joined", "name", "jmain", WAIT);
            py.command(Map.of("cmd", "allow", "name", "jmain"));
            py.awaitEvent("allowed", "name", "jmain", WAIT);
            py.command(Map.of("cmd", "alive", "name", "jmain"));
            py.awaitEvent("alive", "name", "jmain", WAIT);
            exchange(j, py, "pyjoiner", "jmain");
            assertThat(refusedAsMalformed(j)).isEmpty();
        }
    }

    @Test
    void aJavaEstateWithCryptoHelpersIsUnderstoodByTheReference() throws Exception {
        int port = freePort();
        try (RefPeer py = python("pymain", port, true, "json");
                RoadStack j = java("jhelped", false, BodyKind.JSON, 2)) {
            j.allow(j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS))
                    .get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jhelped", WAIT);
            // Its segments go out signed late (by a helper, or by the owner where no helper came first): the
            // reference takes them as any.
            exchange(j, py, "pymain", "jhelped");
            assertThat(refusedAsMalformed(j)).isEmpty();
        }
    }

    @Test
    void pythonMainJavaJoinerJson() throws Exception {
        int port = freePort();
        try (RefPeer py = python("pymain", port, true, "json");
                RoadStack j = java("jjoiner", false, BodyKind.JSON)) {
            String name = j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            assertThat(name).isEqualTo("pymain");
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jjoiner", WAIT);
            j.alive("pymain");
            exchange(j, py, "pymain", "jjoiner");
        }
    }

    @Test
    void referenceSendingJsonHeadsAndJavaSendingJsonHeads() throws Exception {
        int port = freePort();
        try (RefPeer py = python("pymain", port, true, "json", "--hk", "json");
                RoadStack j = RoadStack.builder().name("jjoiner").port(0).auto(AutoMode.ALWAYS)
                        .config(io.raet.road.RoadConfig.defaults().withAuto(AutoMode.ALWAYS)
                                .withHeadKind(io.raet.codec.HeadKind.JSON))
                        .keep(tmp.resolve("java-jjoiner")).build()) {
            j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jjoiner", WAIT);
            exchange(j, py, "pymain", "jjoiner");
        }
    }

    @Test
    void msgpackBodiesBothWays() throws Exception {
        int port = freePort();
        try (RefPeer py = python("pymain", port, true, "msgpack");
                RoadStack j = java("jjoiner", false, BodyKind.MSGPACK)) {
            j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jjoiner", WAIT);
            exchange(j, py, "pymain", "jjoiner");
        }
    }
}
