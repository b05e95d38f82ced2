package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.keep.AutoMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Live, over loopback: a stack of several owner threads. Each remote is run by one of them, its messages come in its
 * order, joins and identities are decided for all of them together, and what the API reports is summed over them.
 */
class RoadStackShardsTest {
    private static RoadStack.Builder estate(String name, boolean main, int shards) {
        return RoadStack.builder().name(name).main(main).host("127.0.0.1").port(0).auto(AutoMode.ALWAYS)
                .shards(shards);
    }

    /** Sends {@code n} numbered messages with {@code window} in flight; returns when all are delivered. */
    private static void sendNumbered(RoadStack from, String to, int n, int window) throws Exception {
        Semaphore inFlight = new Semaphore(window);
        List<CompletableFuture<Delivery>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            all.add(from.send(to, Map.of("i", (long) i, "pad", "x".repeat(100)))
                    .whenComplete((d, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** Takes {@code n} messages; each remote's numbers, in the order they came. */
    private static Map<String, List<Long>> take(RoadStack at, int n, Map<String, List<Long>> into) throws Exception {
        for (int k = 0; k < n; k++) {
            RoadEvent.Message m = at.receive(Duration.ofSeconds(60));
            assertThat(m).as("message %d of %d", k, n).isNotNull();
            into.computeIfAbsent(m.from(), x -> new ArrayList<>()).add(((Number) m.body().get("i")).longValue());
        }
        return into;
    }

    private static void awaitKnown(RoadStack at, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (at.remote(name).get(5, TimeUnit.SECONDS).isEmpty()) {
            assertThat(System.nanoTime()).as("%s knows %s", at.name(), name).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void eachRemotesMessagesComeInItsOrderWhetherOneOwnerOrTheReaderReadsTheSocket() throws Exception {
        try (RoadStack main = estate("main", true, 4).build()) {
            assertThat(main.shards()).isEqualTo(4);
            List<RoadStack> senders = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    RoadStack s = estate("sender" + i, false, 1).build();
                    senders.add(s);
                    s.allow(s.join(main.address()).get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
                }
                // One remote alone (its owner comes to read the socket itself), then all of them at once.
                sendNumbered(senders.get(0), "main", 200, 16);
                Map<String, List<Long>> got = take(main, 200, new HashMap<>());
                List<Thread> threads = new ArrayList<>();
                List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
                for (RoadStack s : senders) {
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            sendNumbered(s, "main", 150, 16);
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }));
                }
                take(main, 6 * 150, got);
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(failures).isEmpty();
                assertThat(got).hasSize(6);
                for (Map.Entry<String, List<Long>> e : got.entrySet()) {
                    List<Long> seq = e.getValue();
                    if (e.getKey().equals("sender0")) {
                        assertThat(seq.subList(0, 200)).isSorted();
                        seq = seq.subList(200, seq.size());
                    }
                    assertThat(seq).as(e.getKey()).hasSize(150).isSorted();
                }
                Map<String, Long> levels = main.levels();
                assertThat(levels).containsEntry("remotes", 6L).containsEntry("remotes_allowed", 6L)
                        .containsEntry("queue_inbox", 0L);
                Map<String, Long> stats = main.stats();
                assertThat(stats.get("messages_received")).isEqualTo(200L + 6 * 150);
                assertThat(stats.getOrDefault("drop_internal_error", 0L)).isZero();
                assertThat(stats.getOrDefault("drop_backlog", 0L)).isZero();
            } finally {
                for (RoadStack s : senders) {
                    s.close();
                }
            }
        }
    }

    @Test
    void stacksOfAnyNumberOfOwnersJoinAllowAndTalkBothWays() throws Exception {
        try (RoadStack main = estate("main", true, 3).build()) {
            List<RoadStack> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    RoadStack p = estate("peer" + i, false, 1 + i % 4).build();
                    peers.add(p);
                    assertThat(p.join(main.address()).get(10, TimeUnit.SECONDS)).isEqualTo("main");
                }
                // A joiner's join completes when it acknowledges the answer; the main admits it when that
                // acknowledgement arrives, an instant later.
                for (RoadStack p : peers) {
                    awaitKnown(main, p.name());
                }
                List<CompletableFuture<Delivery>> sent = new ArrayList<>();
                for (RoadStack p : peers) {
                    sent.add(p.send("main", Map.of("i", 0L)));
                    sent.add(main.send(p.name(), Map.of("i", 0L)));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertThat(take(main, 8, new HashMap<>())).hasSize(8);
                for (RoadStack p : peers) {
                    assertThat(p.receive(Duration.ofSeconds(10))).isNotNull();
                    assertThat(main.remote(p.name()).get(5, TimeUnit.SECONDS)).get()
                            .satisfies(r -> assertThat(r.allowed()).isTrue());
                    assertThat(main.alive(p.name())).succeedsWithin(Duration.ofSeconds(10));
                }
                List<RemoteInfo> remotes = main.remotes().get(5, TimeUnit.SECONDS);
                assertThat(remotes).extracting(RemoteInfo::name).containsExactlyInAnyOrder(
                        peers.stream().map(RoadStack::name).toArray(String[]::new));
                assertThat(main.levels()).containsEntry("remotes", 8L).containsEntry("remotes_alive", 8L);
                assertThat(main.allow("nobody")).failsWithin(Duration.ofSeconds(5))
                        .withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(IllegalArgumentException.class);
            } finally {
                for (RoadStack p : peers) {
                    p.close();
                }
            }
        }
    }

    @Test
    void cryptoHelperThreadsChangeNothingButWhoSignsAndChecks() throws Exception {
        for (int shards : new int[] {1, 3}) {
            try (RoadStack main = estate("main", true, shards).cryptoThreads(2).build();
                    RoadStack sender = estate("sender", false, 1).cryptoThreads(2).build()) {
                sender.allow(sender.join(main.address()).get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
                java.util.Random r = new java.util.Random(shards);
                StringBuilder sb = new StringBuilder(1 << 20);
                for (int c = 0; c < 1 << 20; c++) {
                    sb.append((char) ('a' + r.nextInt(26)));
                }
                String big = sb.toString();
                CompletableFuture<Delivery> bigSent = sender.send("main", Map.of("i", -1L, "blob", big));
                sendNumbered(sender, "main", 300, 32);
                bigSent.get(60, TimeUnit.SECONDS);
                Map<String, List<Long>> got = new HashMap<>();
                Object bigGot = null;
                for (int k = 0; k < 301; k++) {
                    RoadEvent.Message m = main.receive(Duration.ofSeconds(60));
                    assertThat(m).as("message %d", k).isNotNull();
                    long i = ((Number) m.body().get("i")).longValue();
                    if (i < 0) {
                        bigGot = m.body().get("blob");
                    } else {
                        got.computeIfAbsent(m.from(), f -> new ArrayList<>()).add(i);
                    }
                }
                assertThat(bigGot).isEqualTo(big);
                assertThat(got.get("sender")).hasSize(300).isSorted();
                Map<String, Long> stats = main.stats();
                assertThat(stats.get("packets_verified_ahead")).as("shards %d: %s", shards, stats).isPositive();
                assertThat(sender.stats().get("packets_signed_ahead")).as("sender %s", sender.stats()).isPositive();
                assertThat(stats.getOrDefault("drop_bad_signature", 0L)).isZero();
                assertThat(stats.getOrDefault("drop_internal_error", 0L)).isZero();
            }
        }
    }

    @Test
    void aJoinClaimingANameAnotherOwnersRemoteHoldsIsRefusedThere() throws Exception {
        try (RoadStack main = estate("main", true, 4).build();
                RoadStack legit = estate("legit", false, 1).build();
                RoadStack impostor = estate("legit", false, 2).build()) {
            legit.allow(legit.join(main.address()).get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
            RemoteInfo bound = main.remote("legit").get(5, TimeUnit.SECONDS).orElseThrow();

            // The impostor's join lands on an owner without remotes, which hands it to legit's.
            assertThatThrownBy(() -> impostor.join(main.address()).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(JoinException.class);
            Map<String, Long> stats = main.stats();
            assertThat(stats.get("packets_handed_on")).isPositive();
            assertThat(stats.get("join_refused")).isPositive();
            RemoteInfo after = main.remote("legit").get(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(after.verifyKey()).isEqualTo(bound.verifyKey());
            assertThat(after.uid()).isEqualTo(bound.uid());

            legit.send("main", Map.of("i", 1L)).get(10, TimeUnit.SECONDS);
            RoadEvent.Message m = main.receive(Duration.ofSeconds(10));
            assertThat(m.from()).isEqualTo("legit");
            assertThat(main.receive(Duration.ofMillis(200))).isNull();
        }
    }
}
