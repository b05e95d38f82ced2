package io.raet.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.keep.AutoMode;
import io.raet.road.Delivery;
import io.raet.road.MessageOptions;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic with the Python reference (raet 0.6.8) on loopback under the Java road's congestion control and session
 * renewal: many large messages queued at once to a reference receiver, and a Java estate renewing its session with
 * a reference peer while messages flow both ways (the reference sees ordinary allows).
 */
class RoadInteropTrafficTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private RefPeer referenceMain(String name, int port) throws Exception {
        return new RefPeer(List.of("--name", name, "--port", String.valueOf(port), "--auto", "always", "--keep",
                tmp.resolve("py-" + name).toString(), "--main", "--digest-over", "400000"));
    }

    private RoadStack java(String name, RoadConfig config) {
        return RoadStack.builder().name(name).port(0).auto(AutoMode.ALWAYS).config(config.withAuto(AutoMode.ALWAYS))
                .keep(tmp.resolve("java-" + name)).build();
    }

    private static long stat(RoadStack j, String key) {
        return j.stats().getOrDefault(key, 0L);
    }

    @Test
    void manyLargeMessagesQueuedAtOnceReachTheReferenceWithFewDatagramsMoreThanTheirSegments() throws Exception {
        int port = freePort();
        int n = 60;
        int size = 60 * 1024;
        try (RefPeer py = referenceMain("pymain", port); RoadStack j = java("jsender", RoadConfig.defaults())) {
            j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jsender", WAIT);
            py.command(Map.of("cmd", "expect", "count", n));
            py.awaitEvent("expecting", "count", n, WAIT);
            long sentBefore = stat(j, "packets_sent");
            Random r = new Random(5);
            List<CompletableFuture<Delivery>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                StringBuilder sb = new StringBuilder(size);
                for (int k = 0; k < size; k++) {
                    sb.append((char) ('a' + r.nextInt(26)));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("i", (long) i);
                body.put("content", sb.toString());
                all.add(j.send("pymain", body, MessageOptions.DEFAULT.withTimeout(WAIT)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            py.awaitEvent("received", "count", n, WAIT);
            long sent = stat(j, "packets_sent") - sentBefore;
            // Each message needs more than size / 1024 segments; the reference's default (every segment of every
            // message at once) used to send several times that. Sent here: about the segments themselves.
            long atLeast = (long) n * (size / 1024 + 1);
            assertThat(sent).isGreaterThanOrEqualTo(atLeast);
            assertThat(sent).isLessThanOrEqualTo(2 * atLeast);
            assertThat(stat(j, "resend_budget")).isZero();
        }
    }

    @Test
    void aJavaEstateRenewsItsSessionWithTheReferenceWhileMessagesFlowBothWays() throws Exception {
        int port = freePort();
        RoadConfig renewing = RoadConfig.defaults().withSessionRenewal(Duration.ofSeconds(2), 0);
        try (RefPeer py = referenceMain("pymain", port); RoadStack j = java("jrenew", renewing)) {
            j.join(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jrenew", WAIT);
            long renewedBefore = stat(j, "session_renewed");
            Random r = new Random(6);
            List<CompletableFuture<Delivery>> fromJava = new ArrayList<>();
            int fromReference = 0;
            long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
            int k = 0;
            while (System.nanoTime() < end) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("subject", "java");
                body.put("i", (long) k);
                body.put("content", "x".repeat(r.nextInt(10) == 0 ? 20_000 + r.nextInt(20_000) : r.nextInt(500)));
                fromJava.add(j.send("pymain", body, MessageOptions.DEFAULT.withTimeout(WAIT)));
                if (k % 2 == 0) {
                    py.command(Map.of("cmd", "send", "name", "jrenew", "id", k, "msg", Map.of("subject", "py", "i",
                            k, "content", "y".repeat(r.nextInt(3_000)))));
                    fromReference++;
                }
                k++;
                Thread.sleep(40);
            }
            CompletableFuture.allOf(fromJava.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            // Every message of Java's arrived once (Java renews only when none of its own is under way).
            Map<Object, Integer> atReference = new HashMap<>();
            while (atReference.size() < fromJava.size()) {
                Map<String, Object> e = py.await(ev -> "message".equals(ev.get("event"))
                        && ev.get("msg") instanceof Map<?, ?> m && "java".equals(m.get("subject")), WAIT);
                atReference.merge(((Map<?, ?>) e.get("msg")).get("i"), 1, Integer::sum);
            }
            assertThat(atReference.values()).allMatch(c -> c == 1);
            // Every message the reference sent arrived. Two weaknesses of the reference, not counted here: it
            // re-sends a message of its own that an allow interrupted, so one may arrive twice; and while an allow
            // runs (from its hello to its initiate, one round trip) it drops, unreported, a message its application
            // sends to that remote ("Must be allowed"): the harness reports those as dropped.
            java.util.Set<Long> sentByReference = new java.util.TreeSet<>();
            for (int q = 0; q < k; q += 2) {
                final int id = q;
                Map<String, Object> e = py.await(ev -> "sent".equals(ev.get("event"))
                        && ev.get("id") instanceof Number n && n.intValue() == id, WAIT);
                if (((Number) e.get("dropped")).intValue() == 0) {
                    sentByReference.add((long) q);
                }
            }
            assertThat(sentByReference.size()).as("messages the reference did not drop itself")
                    .isGreaterThanOrEqualTo(fromReference * 9 / 10);
            Map<Long, Integer> atJava = new HashMap<>();
            while (!atJava.keySet().containsAll(sentByReference)) {
                RoadEvent.Message m = j.receive(WAIT);
                assertThat(m).as("messages from the reference so far: %s of %s", atJava.size(), sentByReference.size())
                        .isNotNull();
                atJava.merge(((Number) m.body().get("i")).longValue(), 1, Integer::sum);
            }
            assertThat(stat(j, "session_renewed") - renewedBefore).isGreaterThanOrEqualTo(2);
            // The session still renews every 2 s, and the reference holds its remote unallowed from a hello to
            // its initiate: a status taken inside that window shows allowed=null. The session is sound when the
            // reference shows it allowed again once that renewal has run (a stuck renewal never does).
            String remotes = "";
            long statusEnd = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < statusEnd) {
                py.command(Map.of("cmd", "status"));
                remotes = py.awaitEvent("status", "name", "pymain", WAIT).get("remotes").toString();
                if (remotes.contains("allowed=true")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(remotes).contains("allowed=true");
        }
    }
}
