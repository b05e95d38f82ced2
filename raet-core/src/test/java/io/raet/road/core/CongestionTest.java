package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Congestion control per remote (the {@link SendWindow} every message to a remote shares): slow start and additive
 * increase on a clean network, backoff on loss at a bottleneck, many large messages at once without a storm of
 * resends, pacing, fairness between the messages of one remote; and the receiver's side of late duplicates.
 */
class CongestionTest {
    static final MessageOptions SLOW = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(600));

    /** A message packet seen on the wire: when, from the sender (beta) or not, and its head. */
    record Seen(long at, boolean fromBeta, RoadHead head) {}

    static RoadHead head(byte[] d) {
        return BurstPacingTest.head(d);
    }

    /** Alpha (7540, main) and beta (7541), joined and allowed on {@code net}: {alpha, beta}. */
    static RoadEngine[] pair(SimNetwork net) {
        return BurstPacingTest.joinedPair(net);
    }

    /** Records every message packet (both ways) from now on. */
    static List<Seen> watch(SimNetwork net) {
        List<Seen> seen = new ArrayList<>();
        SimNetwork.Tap before = net.tap;
        net.tap = (at, data, from, to) -> {
            before.sent(at, data, from, to);
            RoadHead h = head(data);
            if (h.tk() == TransactionKind.MESSAGE) {
                seen.add(new Seen(at, from.getPort() == 7541, h));
            }
        };
        return seen;
    }

    /** Segments beta sent for messages (first copies and again). */
    static long segmentsSent(List<Seen> seen) {
        return seen.stream().filter(s -> s.fromBeta() && s.head().pk() == PacketKind.MESSAGE).count();
    }

    /** Segments the messages need: the sum of their segment counts, each message counted once. */
    static long segmentsNeeded(List<Seen> seen) {
        Map<Long, Integer> counts = new HashMap<>();
        for (Seen s : seen) {
            if (s.fromBeta() && s.head().pk() == PacketKind.MESSAGE) {
                counts.put(s.head().ti(), Math.max(1, s.head().sc()));
            }
        }
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    static Map<String, Object> text(long seed, int n) {
        return body(RoadEngineSimTest.text(new Random(seed), n));
    }

    @Test
    void theWindowGrowsInSlowStartAndNothingIsSentTwiceOnACleanNetwork() {
        SimNetwork net = new SimNetwork(101);
        net.delay = 5 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        SendWindow w = beta.peer("alpha").window;
        assertThat(w.window()).isEqualTo(SendWindow.INITIAL_WINDOW);
        List<Seen> seen = watch(net);
        List<Integer> windows = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        beta.send("alpha", text(1, 1_500_000), SLOW.withBurst(4096), net.now);
        long start = net.now;
        while (net.events(beta, RoadEvent.Delivered.class).isEmpty() && net.now - start < 60 * S) {
            net.step(10 * MS);
            windows.add(w.window());
            times.add(net.now - start);
        }
        assertThat(net.events(beta, RoadEvent.Delivered.class)).hasSize(1);
        assertThat(segmentsSent(seen)).isEqualTo(segmentsNeeded(seen));
        assertThat(beta.stats().get("congestion_backoff")).isZero();
        // It only grows, at most doubling per round trip (10 ms and more) while in slow start.
        for (int i = 1; i < windows.size(); i++) {
            assertThat(windows.get(i)).isGreaterThanOrEqualTo(windows.get(i - 1));
        }
        long srtt = w.srtt();
        assertThat(srtt).isGreaterThanOrEqualTo(10 * MS);
        for (int i = 0; i < windows.size(); i++) {
            double rounds = (double) times.get(i) / (10 * MS);
            assertThat((double) windows.get(i)).isLessThanOrEqualTo(SendWindow.INITIAL_WINDOW * Math.pow(2, rounds + 1));
        }
        assertThat(w.window()).isGreaterThan(4 * SendWindow.INITIAL_WINDOW);
        assertThat(w.inFlight()).isZero();
    }

    @Test
    void aLossAtTheBottleneckHalvesTheWindowWhichThenGrowsByOneSegmentPerRoundTrip() {
        SimNetwork net = new SimNetwork(102).bottleneck(2_000, 40);
        net.delay = 5 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        SendWindow w = beta.peer("alpha").window;
        List<Seen> seen = watch(net);
        beta.send("alpha", text(2, 3_000_000), SLOW.withBurst(4096), net.now);
        List<Integer> windows = new ArrayList<>();
        List<Long> backoffs = new ArrayList<>();
        long start = net.now;
        while (net.events(beta, RoadEvent.Delivered.class).isEmpty() && net.now - start < 120 * S) {
            net.step(10 * MS);
            windows.add(w.window());
            backoffs.add(beta.stats().get("congestion_backoff") + beta.stats().get("slow_start_exit"));
        }
        assertThat(net.events(beta, RoadEvent.Delivered.class)).hasSize(1);
        assertThat(net.queueDrops + beta.stats().get("slow_start_exit")).isPositive();
        assertThat(beta.stats().get("congestion_backoff") + beta.stats().get("slow_start_exit")).isPositive();
        // Once slow start ended the window stays near what the path holds: 2,000/s × ~10 ms plus a queue of 40.
        int after = backoffs.indexOf(backoffs.stream().filter(b -> b > 0).findFirst().orElseThrow());
        int most = windows.subList(after, windows.size()).stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(most).isLessThanOrEqualTo(3 * (20 + 40));
        // Growth after slow start is slow: over any 100 ms (about 8 round trips) at most a dozen segments.
        for (int i = after; i + 10 < windows.size(); i++) {
            assertThat(windows.get(i + 10) - windows.get(i)).isLessThanOrEqualTo(12);
        }
        assertThat((double) segmentsSent(seen)).isLessThanOrEqualTo(1.2 * segmentsNeeded(seen));
    }

    @Test
    void manyLargeMessagesAtOnceCostLittleMoreThanTheirSegments() {
        SimNetwork net = new SimNetwork(103).bottleneck(5_000, 100);
        net.delay = 2 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine alpha = p[0];
        RoadEngine beta = p[1];
        List<Seen> seen = watch(net);
        int n = 100;
        for (int i = 0; i < n; i++) {
            beta.send("alpha", text(1000 + i, 60 * 1024), SLOW, net.now);
        }
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == n, 300 * S)).isTrue();
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).isEmpty();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(n);
        long needed = segmentsNeeded(seen);
        assertThat(needed).isGreaterThan(70L * n);
        assertThat((double) segmentsSent(seen)).isLessThanOrEqualTo(1.2 * needed);
        SendWindow w = beta.peer("alpha").window;
        assertThat(w.inFlight()).isZero();
        assertThat(w.open()).isZero();
        assertThat(w.waiting()).isZero();
    }

    @Test
    void withoutTheSharedWindowTheSameMessagesMultiplyTheirResends() {
        // The reference's way (every segment of every message at once) through the same bottleneck: the shared
        // window is what keeps the count down in the test above.
        SimNetwork net = new SimNetwork(103).bottleneck(5_000, 100);
        net.delay = 2 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        List<Seen> seen = watch(net);
        int n = 30;
        for (int i = 0; i < n; i++) {
            beta.send("alpha", text(1000 + i, 60 * 1024), SLOW.withBurst(0), net.now);
        }
        net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size()
                + net.events(beta, RoadEvent.Undelivered.class).size() == n, 300 * S);
        assertThat((double) segmentsSent(seen)).isGreaterThan(1.5 * segmentsNeeded(seen));
    }

    @Test
    void theMessagesOfOneRemoteShareItsWindowInTurns() {
        SimNetwork net = new SimNetwork(104).bottleneck(2_000, 60);
        net.delay = 2 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        long a = beta.send("alpha", text(41, 400_000), SLOW, net.now);
        long b = beta.send("alpha", text(42, 400_000), SLOW, net.now);
        net.run(200 * MS);
        long small = beta.send("alpha", text(43, 200), SLOW, net.now);
        Map<Long, Long> doneAt = new HashMap<>();
        long start = net.now;
        while (doneAt.size() < 3 && net.now - start < 120 * S) {
            net.step(10 * MS);
            for (RoadEvent.Delivered d : net.events(beta, RoadEvent.Delivered.class)) {
                doneAt.putIfAbsent(d.messageId(), net.now);
            }
        }
        assertThat(doneAt).containsKeys(a, b, small);
        // The small message does not wait for the large ones; the two large ones advance together.
        assertThat(doneAt.get(small) - start).isLessThan(200 * MS);
        assertThat(doneAt.get(small)).isLessThan(Math.min(doneAt.get(a), doneAt.get(b)));
        long first = Math.min(doneAt.get(a), doneAt.get(b)) - start;
        long last = Math.max(doneAt.get(a), doneAt.get(b)) - start;
        assertThat(first).isGreaterThan(last * 3 / 4);
    }

    @Test
    void segmentsArePacedOverTheRoundTripOnceItIsMeasured() {
        SimNetwork net = new SimNetwork(105);
        net.delay = 20 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        SendWindow w = beta.peer("alpha").window;
        List<Seen> seen = watch(net);
        beta.send("alpha", text(5, 800_000), SLOW.withBurst(4096), net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 60 * S)).isTrue();
        assertThat(w.srtt()).isGreaterThanOrEqualTo(40 * MS);
        long firstAnswer = seen.stream().filter(s -> !s.fromBeta()).findFirst().orElseThrow().at();
        // Before any answer the first window leaves at once. After, an answer that makes room for several turns
        // (in slow start every segment delivered makes room for two) releases one turn, the next ones follow at the
        // pace of window / round trip: never more than one turn at the same instant.
        Map<Long, Integer> perInstant = new HashMap<>();
        for (Seen s : seen) {
            if (s.fromBeta() && s.at() > firstAnswer) {
                perInstant.merge(s.at(), 1, Integer::sum);
            }
        }
        assertThat(perInstant.values().stream().mapToInt(Integer::intValue).max().orElseThrow())
                .isLessThanOrEqualTo(SendWindow.MAX_QUANTUM);
        long atOnce = seen.stream().filter(s -> s.fromBeta() && s.at() == seen.getFirst().at()).count();
        assertThat(atOnce).isEqualTo(SendWindow.INITIAL_WINDOW);
        assertThat(w.window()).isGreaterThan(8 * SendWindow.MAX_QUANTUM);
    }

    @Test
    void theBurstBoundsTheSegmentsOfOneMessageInFlight() {
        SimNetwork net = new SimNetwork(106);
        net.delay = 5 * MS;
        RoadEngine[] p = pair(net);
        RoadEngine beta = p[1];
        List<Seen> seen = watch(net);
        beta.send("alpha", text(6, 300_000), SLOW.withBurst(16), net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 60 * S)).isTrue();
        int highestSent = -1;
        int acked = -1;
        int most = 0;
        int turn = 0;
        int longestTurn = 0;
        for (Seen s : seen) {
            if (s.fromBeta() && s.head().pk() == PacketKind.MESSAGE) {
                highestSent = Math.max(highestSent, (int) s.head().sn());
                most = Math.max(most, highestSent - acked);
                // each turn is at most the burst and ends asking for an answer
                turn++;
                longestTurn = Math.max(longestTurn, turn);
                if (s.head().wf()) {
                    turn = 0;
                }
            } else if (!s.fromBeta() && s.head().pk() == PacketKind.ACK) {
                acked = Math.max(acked, (int) s.head().sn());
            }
        }
        assertThat(longestTurn).isLessThanOrEqualTo(16);
        assertThat(most).isLessThanOrEqualTo(2 * 16);
        assertThat(segmentsSent(seen)).isEqualTo(segmentsNeeded(seen));
        long asking = seen.stream().filter(s -> s.fromBeta() && s.head().wf()).count();
        assertThat(asking).isGreaterThanOrEqualTo(segmentsNeeded(seen) / 16);
    }

    @Test
    void aLateDuplicateOfACompletedMessageIsAnsweredDoneOncePerRedoInterval() {
        SimNetwork net = new SimNetwork(107);
        RoadEngine[] p = pair(net);
        RoadEngine alpha = p[0];
        RoadEngine beta = p[1];
        List<byte[]> segments = new ArrayList<>();
        List<Seen> seen = watch(net);
        SimNetwork.Tap watching = net.tap;
        net.tap = (at, data, from, to) -> {
            watching.sent(at, data, from, to);
            if (from.getPort() == 7541 && head(data).tk() == TransactionKind.MESSAGE) {
                segments.add(data);
            }
        };
        beta.send("alpha", text(7, 50_000), SLOW, net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 10 * S)).isTrue();
        long dones = seen.stream().filter(s -> !s.fromBeta() && s.head().pk() == PacketKind.DONE).count();
        assertThat(dones).isEqualTo(1);
        // Every segment again, twice, right after the done: nothing more is answered within the redo interval.
        for (int round = 0; round < 2; round++) {
            for (byte[] d : segments) {
                net.inject(d, SimNetwork.address(7541), SimNetwork.address(7540));
            }
            net.run(20 * MS);
        }
        long after = seen.stream().filter(s -> !s.fromBeta() && s.head().pk() == PacketKind.DONE).count();
        assertThat(after).isEqualTo(dones);
        assertThat(alpha.stats().get("late_duplicate_unanswered")).isEqualTo(2L * segments.size());
        // After the interval one more done, for all the copies that arrive together.
        net.run(Peer.DONE_ANSWER_INTERVAL);
        for (byte[] d : segments) {
            net.inject(d, SimNetwork.address(7541), SimNetwork.address(7540));
        }
        net.run(20 * MS);
        assertThat(seen.stream().filter(s -> !s.fromBeta() && s.head().pk() == PacketKind.DONE).count())
                .isEqualTo(dones + 1);
        // The sender takes the late done as what it is: no nack goes back.
        assertThat(beta.stats().get("late_done")).isEqualTo(1);
        assertThat(seen.stream().filter(s -> s.fromBeta() && s.head().pk() == PacketKind.NACK).count()).isZero();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(1);
    }

    @Test
    void aNackAfterTheReceiverReportedDoneIsNotARefusal() {
        SimNetwork net = new SimNetwork(108);
        RoadEngine[] p = pair(net);
        RoadEngine alpha = p[0];
        RoadEngine beta = p[1];
        List<Seen> seen = watch(net);
        long id = beta.send("alpha", text(8, 20_000), SLOW, net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 10 * S)).isTrue();
        RoadHead h = seen.stream().filter(Seen::fromBeta).findFirst().orElseThrow().head();
        // What the reference sends for each late duplicate of a message it completed: a nack.
        PeerForge fromAlpha = new PeerForge(alpha, "beta");
        for (int i = 0; i < 3; i++) {
            net.inject(fromAlpha.reply(h, PacketKind.NACK, null), SimNetwork.address(7540), SimNetwork.address(7541));
        }
        net.run(50 * MS);
        assertThat(net.events(beta, RoadEvent.Delivered.class)).singleElement().satisfies(d ->
                assertThat(d.messageId()).isEqualTo(id));
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).isEmpty();
        assertThat(beta.stats().get("late_nack")).isEqualTo(3);
        assertThat(beta.stats().get("messages_delivered")).isEqualTo(1);
    }
}
