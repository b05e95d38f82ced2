package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.Reassembly;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A joined, allowed peer that lies about segment counts, leaves messages open, repeats segments or floods
 * requests: everything it can make the engine hold or send is bounded, counted, and the legitimate traffic goes on.
 */
class RoadLimitsTest {
    static final InetSocketAddress ALPHA = SimNetwork.address(7540);
    static final InetSocketAddress BETA = SimNetwork.address(7541);

    record Sent(long at, byte[] data, RoadHead head) {}

    SimNetwork net;
    RoadEngine alpha;
    RoadEngine beta;
    /** beta's own packets to alpha, made up. */
    PeerForge forge;

    /** alpha and beta joined and allowed on a simulated network. */
    void start(long seed, RoadConfig alphaConfig, RoadConfig betaConfig) {
        net = new SimNetwork(seed);
        RoadEngine[] p = RoadEngineSimTest.pair(net, alphaConfig, betaConfig);
        alpha = p[0];
        beta = p[1];
        forge = new PeerForge(beta, "alpha");
    }

    /** Records what {@code from} sends to {@code to} (message transactions only) from now on. */
    static List<Sent> record(SimNetwork net, InetSocketAddress from, InetSocketAddress to) {
        List<Sent> out = new ArrayList<>();
        net.tap = (at, data, f, t) -> {
            if (f.equals(from) && t.equals(to)) {
                RoadHead h = Forge.head(data);
                if (h.tk() == TransactionKind.MESSAGE) {
                    out.add(new Sent(at, data, h));
                }
            }
        };
        return out;
    }

    static long bytes(List<Sent> sent) {
        return sent.stream().mapToLong(s -> s.data().length).sum();
    }

    static RoadConfig quiet() {
        return SimNetwork.config().withAliveInterval(Duration.ZERO);
    }

    void inject(RoadEngine to, InetSocketAddress from, byte[] d) {
        to.receive(d, 0, d.length, from, net.now);
    }

    /** beta still gets messages through to alpha, small and segmented. */
    void legitTrafficFlows() {
        int received = net.events(alpha, RoadEvent.Message.class).size();
        int delivered = net.events(beta, RoadEvent.Delivered.class).size();
        beta.send("alpha", body("still here"), null, net.now);
        beta.send("alpha", body(RoadEngineSimTest.text(new Random(7), 200_000)), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == delivered + 2, 20 * S))
                .isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(received + 2);
    }

    @Test
    void oneSegmentClaimingTwoBillionSegmentsIsACountedDrop() {
        start(101, SimNetwork.config(), SimNetwork.config());
        List<Sent> answers = record(net, ALPHA, BETA);
        net.muted.add(BETA);

        byte[] first = forge.segment(forge.message().ti(), 0, Integer.MAX_VALUE, 1000, true, 100);
        byte[] last = forge.segment(forge.message().ti(), Integer.MAX_VALUE - 1, Integer.MAX_VALUE,
                RoadCodec.MAX_MESSAGE_SIZE, true, 100);
        assertThat(last.length).isLessThan(300);
        inject(alpha, BETA, first);
        inject(alpha, BETA, last);
        net.run(2 * S);

        assertThat(alpha.stats().get("drop_segment_count")).isEqualTo(2);
        assertThat(alpha.stats().get("drop_internal_error")).isZero();
        assertThat(alpha.incompleteMessages()).isZero();
        assertThat(alpha.incompleteBytes()).isZero();
        // One nack each, nothing more.
        assertThat(answers).hasSize(2).allSatisfy(s -> assertThat(s.head().pk()).isEqualTo(PacketKind.NACK));

        // Counts the limits allow but that cannot belong to the announced length, and numbers beyond the count.
        inject(alpha, BETA, forge.segment(forge.message().ti(), 0, 20_000, 100, true, 100));
        inject(alpha, BETA, forge.segment(forge.message().ti(), 0, 3, 100_000, true, 100));
        inject(alpha, BETA, forge.segment(forge.message().ti(), 9, 3, 2000, true, 100));
        inject(alpha, BETA, forge.segment(forge.message().ti(), 0, 3, RoadLimits.defaults().maxMessageSize() + 1,
                true, 100));
        net.run(S);
        assertThat(alpha.stats().get("drop_segment_count_length")).isEqualTo(2);
        assertThat(alpha.stats().get("drop_bad_segment")).isEqualTo(1);
        assertThat(alpha.stats().get("drop_message_too_large")).isEqualTo(1);
        assertThat(answers).hasSize(6);
        assertThat(alpha.incompleteMessages()).isZero();

        net.muted.clear();
        legitTrafficFlows();
    }

    @Test
    void theLargestSegmentCountFollowsTheLargestMessage() {
        assertThat(RoadLimits.defaults().maxSegmentCount()).isEqualTo(32 * 1024);
        assertThat(RoadLimits.defaults().withMaxMessageSize(RoadCodec.MAX_MESSAGE_SIZE).maxSegmentCount())
                .isEqualTo(0xffff);
        assertThat(RoadLimits.defaults().withMaxMessageSize(1 << 20).maxSegmentCount()).isEqualTo(2048);
        // A reference sender's largest message of the default size fits the count.
        int segsize = 1024 - (255 + 27 + 64);
        assertThat((RoadLimits.defaults().maxMessageSize() + segsize - 1) / segsize)
                .isLessThan(RoadLimits.defaults().maxSegmentCount());
    }

    @Test
    void missingSegmentsAreListedWithoutAllocatingBySegmentCount() throws Exception {
        Reassembly r = new Reassembly(Integer.MAX_VALUE, RoadCodec.MAX_MESSAGE_SIZE);
        r.add(Integer.MAX_VALUE - 1, new byte[10], 0, 10);
        assertThat(r.missing(0, r.highest(), 64)).hasSize(64).startsWith(0, 1, 2);
        assertThat(r.missing(0, r.highest())).hasSize(Reassembly.MAX_LISTED);
        assertThat(r.missing(Integer.MAX_VALUE - 3, Integer.MAX_VALUE, 1000))
                .containsExactly(Integer.MAX_VALUE - 3, Integer.MAX_VALUE - 2);
        assertThat(r.bytes()).isEqualTo(10);
    }

    /** Answers alpha sends beta's attack, over the attack and the whole life of its messages. */
    private record Outcome(long attackBytes, long answerBytes, long answerPackets, long creditBefore,
            long lateAnswers, RoadEngine alpha) {}

    private Outcome flood65535(long seed, RoadLimits limits, boolean oneMessage) {
        start(seed, quiet().withLimits(limits), quiet());
        List<Sent> answers = record(net, ALPHA, BETA);
        net.muted.add(BETA);
        long creditBefore = alpha.peer("beta").load.answerCredit;
        long start = net.now;
        long attack = 0;
        long ti = forge.message().ti();
        for (int i = 0; i < 20; i++) {
            byte[] d = forge.segment(oneMessage ? ti : forge.message().ti(), 65534 - i, 65535, 65535 * 800, true, 100);
            attack += d.length;
            inject(alpha, BETA, d);
            net.run(MS);
        }
        net.run(150 * S);
        long late = answers.stream().filter(s -> s.at() > start + 70 * S).count();
        assertThat(alpha.incompleteMessages()).isZero();
        assertThat(alpha.stats().get("drop_internal_error")).isZero();
        Outcome o = new Outcome(attack, bytes(answers), answers.size(), creditBefore, late, alpha);
        System.out.printf("flood of 20 segments claiming 65,535 (%s, %s): %d bytes in, %d packets / %d bytes "
                + "answered (credit before %d), stats %s%n", oneMessage ? "one message" : "20 messages",
                limits.maxSegmentCount() == 0xffff ? "count allowed" : "default limits", o.attackBytes,
                o.answerPackets, o.answerBytes, o.creditBefore, alpha.stats());
        net.muted.clear();
        legitTrafficFlows();
        return o;
    }

    @Test
    void aFloodOfSegmentsClaiming65535GetsASmallBoundedAnswer() {
        RoadLimits wide = RoadLimits.defaults().withMaxMessageSize(RoadCodec.MAX_MESSAGE_SIZE);
        for (boolean oneMessage : new boolean[] {true, false}) {
            Outcome o = flood65535(oneMessage ? 201 : 202, wide, oneMessage);
            // At most three times what was received (plus what the join and allow had left to the peer's credit).
            assertThat(o.answerBytes).isLessThanOrEqualTo(o.creditBefore + 3 * o.attackBytes);
            assertThat(o.answerPackets).isLessThan(100);
            // Nothing keeps going once the attack stopped.
            assertThat(o.lateAnswers).isZero();
            assertThat(o.alpha.stats().get("answer_budget") + o.alpha.stats().get("missed_requests_paced"))
                    .isPositive();
        }
        // With the default limits the count itself is refused: one nack per segment.
        Outcome o = flood65535(203, RoadLimits.defaults(), false);
        assertThat(o.answerPackets).isLessThanOrEqualTo(20);
        assertThat(o.alpha.stats().get("drop_segment_count")).isEqualTo(20);
    }

    @Test
    void requestsForMissingSegmentsArePacedAndOnlyBelowWhatArrived() {
RoadLimits limits = RoadLimits.defaults().withMaxMissedPerRedo(128);
        start(301, quiet().withLimits(limits), quiet());
        List<Sent> answers = record(net, ALPHA, BETA);
        net.muted.add(BETA);
        long ti = forge.message().ti();
        // Segment 1000 of 2000 with wf: everything below is missing, nothing above is asked for.
        inject(alpha, BETA, forge.segment(ti, 1000, 2000, 2000 * 800, true, 800));
        net.run(10 * MS);
        assertThat(answers).hasSize(2); // 128 numbers in requests of 64
        // Repeated wf segments within the same redo interval ask for nothing more.
        for (int i = 0; i < 10; i++) {
            inject(alpha, BETA, forge.segment(ti, 1000, 2000, 2000 * 800, true, 800));
        }
        net.run(10 * MS);
        assertThat(answers).hasSize(2);
        assertThat(alpha.stats().get("missed_requests_paced")).isEqualTo(10);
        net.run(5 * S);
        // Each redo (0.2 s at the most often) asks again for at most 128, all below segment 1000.
        assertThat(answers.size()).isLessThanOrEqualTo(2 * (1 + 5_000 / 200));
        for (Sent s : answers) {
            assertThat(s.head().pk()).isEqualTo(PacketKind.RESEND);
            List<?> numbers = (List<?>) forge.open(s.data()).get("misseds");
            assertThat(numbers).hasSizeLessThanOrEqualTo(Messengent.MAX_MISSEDS)
                    .allSatisfy(n -> assertThat(((Number) n).intValue()).isBetween(0, 999));
        }
        net.muted.clear();
        legitTrafficFlows();
    }

    @Test
    void pacedRequestsStillRecoverAHeavilyLossyTransferSentAllAtOnce() {
        start(302, SimNetwork.config(), SimNetwork.config());
        net.conditions(0.3, 0.02, 0.01);
        Map<String, Object> big = body(RoadEngineSimTest.text(new Random(302), 1_000_000));
        long t0 = net.now;
        beta.send("alpha", big, MessageOptions.DEFAULT.withBurst(0).withTimeout(Duration.ofSeconds(60)), net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 60 * S)).isTrue();
        System.out.printf("1 MB sent all at once over 30%% loss: %.1f s virtual, stats %s%n",
                (net.now - t0) / 1e9, alpha.stats());
        assertThat(net.events(alpha, RoadEvent.Message.class)).singleElement()
                .satisfies(m -> assertThat(m.body()).isEqualTo(big));
        assertThat(net.now - t0).isLessThan(10 * S);
    }

    @Test
    void incompleteMessagesAreBoundedPerRemoteAndInAll() {
RoadLimits limits = RoadLimits.defaults().withMaxMessageSize(32 * 1024)
                .withIncomplete(8, 64 * 1024, 20, 160 * 1024);
        start(401, quiet().withLimits(limits), quiet());
        List<RoadEngine> attackers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RoadEngine a = net.estate("mallory" + i, 7600 + i, false, quiet());
            a.join(ALPHA, net.now);
            String name = "mallory" + i;
            assertThat(net.runUntil(() -> a.remote("alpha") != null && a.remote("alpha").isJoined(), 10 * S)).isTrue();
            a.allow("alpha", net.now);
            assertThat(net.runUntil(() -> a.peer("alpha").isAllowed() && alpha.remote(name) != null
                    && alpha.peer(name).isAllowed() && alpha.peer(name).transactions.isEmpty(), 10 * S)).isTrue();
            attackers.add(a);
            net.muted.add(SimNetwork.address(7600 + i));
        }
        int[] peak = {0};
        long[] peakBytes = {0};
        List<List<Long>> tids = new ArrayList<>();
        attackers.forEach(a -> tids.add(new ArrayList<>()));
        // Each opens 30 messages of 40 segments and sends their first segments only.
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < attackers.size(); i++) {
                PeerForge f = new PeerForge(attackers.get(i), "alpha");
                long ti = f.message().ti();
                tids.get(i).add(ti);
                inject(alpha, SimNetwork.address(7600 + i), f.segment(ti, 0, 40, 40 * 800, false, 800));
                peak[0] = Math.max(peak[0], alpha.incompleteMessages());
                peakBytes[0] = Math.max(peakBytes[0], alpha.incompleteBytes());
            }
        }
        net.run(100 * MS);
        assertThat(peak[0]).isLessThanOrEqualTo(20);
        assertThat(peakBytes[0]).isLessThanOrEqualTo(160 * 1024);
        for (int i = 0; i < attackers.size(); i++) {
            assertThat(alpha.peer("mallory" + i).load.incomplete).isLessThanOrEqualTo(8);
        }
        assertThat(alpha.stats().get("drop_incomplete_limit")).isPositive();
        // Bytes: the attackers fill their open messages (all but the last segment) up to their byte bounds.
        for (int i = 0; i < attackers.size(); i++) {
            PeerForge f = new PeerForge(attackers.get(i), "alpha");
            for (long ti : tids.get(i)) {
                for (int sn = 1; sn < 39; sn++) {
                    inject(alpha, SimNetwork.address(7600 + i), f.segment(ti, sn, 40, 40 * 800, false, 800));
                    peakBytes[0] = Math.max(peakBytes[0], alpha.incompleteBytes());
                    assertThat(alpha.peer("mallory" + i).load.incompleteBytes).isLessThanOrEqualTo(64 * 1024);
                }
            }
        }
        assertThat(alpha.stats().get("drop_incomplete_bytes_limit")).isPositive();
        assertThat(peakBytes[0]).isLessThanOrEqualTo(160 * 1024);
        assertThat(alpha.incompleteMessages()).isLessThanOrEqualTo(20);

        // The legitimate peer holds nothing: its messages make room and go through, segmented ones included.
        int received = net.events(alpha, RoadEvent.Message.class).size();
        for (int i = 0; i < 3; i++) {
            beta.send("alpha", body(RoadEngineSimTest.text(new Random(i), 20_000)), null, net.now);
        }
        beta.send("alpha", body("small"), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 4, 20 * S)).isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(received + 4);
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).isEmpty();
        assertThat(alpha.incompleteMessages()).isLessThanOrEqualTo(20);
        assertThat(alpha.stats().get("incomplete_evicted")).isPositive();
        assertThat(alpha.stats().get("drop_internal_error")).isZero();

        // When they time out everything is given back.
        net.run(200 * S);
        assertThat(alpha.incompleteMessages()).isZero();
        assertThat(alpha.incompleteBytes()).isZero();
        for (RoadEngine a : attackers) {
            assertThat(alpha.peer(a.local().name()).load.incompleteBytes).isZero();
        }
    }

    @Test
    void aRemoteAtItsBoundHasItsNewMessagesRefusedBeforeTheirSignatureIsChecked() {
        RoadLimits limits = RoadLimits.defaults().withMaxMessageSize(32 * 1024)
                .withIncomplete(8, 64 * 1024, 64, 512 * 1024);
        start(409, quiet().withLimits(limits), quiet());
        net.muted.add(BETA);
        PeerForge f = forge;
        List<Long> open = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            long ti = f.message().ti();
            open.add(ti);
            inject(alpha, BETA, f.segment(ti, 0, 40, 40 * 800, false, 800));
        }
        assertThat(alpha.peer("beta").load.incomplete).isEqualTo(8);
        long limited = alpha.stats().get("drop_incomplete_limit");
        long badSignatures = alpha.stats().get("drop_bad_signature");
        for (int k = 0; k < 5; k++) {
            byte[] forged = f.segment(f.message().ti(), 0, 40, 40 * 800, false, 800);
            forged[forged.length - 1] ^= 1;
            inject(alpha, BETA, forged);
        }
        // refused as beyond the bound, the forged signatures not even looked at
        assertThat(alpha.stats().get("drop_incomplete_limit")).isEqualTo(limited + 5);
        assertThat(alpha.stats().get("drop_bad_signature")).isEqualTo(badSignatures);
        // its open messages still take segments, checked as always
        long kept = alpha.incompleteBytes();
        inject(alpha, BETA, f.segment(open.get(0), 1, 40, 40 * 800, false, 800));
        assertThat(alpha.incompleteBytes()).isGreaterThan(kept);
        byte[] forged = f.segment(open.get(1), 1, 40, 40 * 800, false, 800);
        forged[forged.length - 1] ^= 1;
        inject(alpha, BETA, forged);
        assertThat(alpha.stats().get("drop_bad_signature")).isEqualTo(badSignatures + 1);
    }

    @Test
    void repeatedSegmentsDoNotKeepAMessageOpenAndNewOnesNotBeyondItsDeadline() {
        RoadConfig config = quiet().withReceiveTimeout(Duration.ofSeconds(10))
                .withLimits(RoadLimits.defaults().withIncompleteDeadline(Duration.ofSeconds(30)));
        start(501, config, quiet());
        net.muted.add(BETA);

        // The same segment every 4 s: the message still ends 10 s after it first arrived.
        byte[] seg = forge.segment(forge.message().ti(), 0, 100, 100 * 800, false, 800);
        long start = net.now;
        inject(alpha, BETA, seg);
        net.run(4 * S);
        inject(alpha, BETA, seg);
        net.run(4 * S);
        inject(alpha, BETA, seg);
        net.run(start + 9900 * MS - net.now);
        assertThat(alpha.incompleteMessages()).isEqualTo(1);
        net.run(start + 10 * S + 50 * MS - net.now);
        assertThat(alpha.incompleteMessages()).isZero();
        assertThat(alpha.stats().get("drop_message_incomplete_timeout")).isEqualTo(1);
        assertThat(alpha.stats().get("duplicate_segment")).isEqualTo(2);

        // A new segment every 5 s keeps it from going idle, but not beyond 30 s from its first segment.
        long ti = forge.message().ti();
        start = net.now;
        int sn = 0;
        while (net.now < start + 29 * S) {
            inject(alpha, BETA, forge.segment(ti, sn++, 100, 100 * 800, false, 800));
            net.run(5 * S);
            if (net.now < start + 29 * S) {
                assertThat(alpha.incompleteMessages()).isEqualTo(1);
            }
        }
        net.run(start + 30 * S + 50 * MS - net.now);
        assertThat(alpha.incompleteMessages()).isZero();
        assertThat(alpha.stats().get("drop_message_deadline")).isEqualTo(1);
        net.muted.clear();
        legitTrafficFlows();
    }

    @Test
    void aReceiverAskingForTheSameSegmentsAgainAndAgainExhaustsTheResendBudget() {
        start(601, quiet(), quiet());
        List<Sent> sent = record(net, BETA, ALPHA);
        net.muted.add(ALPHA); // alpha hears nothing: the answers below are made up by alpha's keys
        beta.send("alpha", body(RoadEngineSimTest.text(new Random(3), 100_000)), null, net.now);
        net.run(10 * MS);
        RoadHead h = sent.get(0).head();
        int sc = h.sc();
        assertThat(sc).isGreaterThan(100);
        PeerForge fromAlpha = new PeerForge(alpha, "beta");
        Map<String, Object> misseds = Map.of("misseds", IntStream.range(0, 64).boxed().toList());
        int before = sent.size();
        for (int i = 0; i < 20 && net.events(beta, RoadEvent.Undelivered.class).isEmpty(); i++) {
            byte[] ask = fromAlpha.reply(h, PacketKind.RESEND, misseds);
            inject(beta, ALPHA, ask);
            net.run(MS);
        }
        long resent = sent.subList(before, sent.size()).stream().filter(s -> s.head().af()).count();
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).singleElement()
                .satisfies(u -> {
                    assertThat(u.reason()).isEqualTo(DeliveryFailure.RESEND_BUDGET);
                    assertThat(u.detail()).contains("resend budget");
                });
        assertThat(resent).isLessThanOrEqualTo(2L * sc + MessageOptions.DEFAULT_BURST);
        assertThat(beta.stats().get("resend_budget")).isEqualTo(1);
        assertThat(beta.peer("alpha").load.outgoing).isZero();
    }

    @Test
    void outgoingMessagesPerRemoteAreBounded() {
        start(701, quiet(),
                quiet().withLimits(RoadLimits.defaults().withMaxOutgoingPerRemote(5)));
        net.muted.add(ALPHA);
        for (int i = 0; i < 5; i++) {
            beta.send("alpha", body("m" + i), null, net.now);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> beta.send("alpha", body("one too many"), null,
                net.now)).isInstanceOf(OutgoingLimitException.class).hasMessageContaining("5 messages");
        assertThat(beta.stats().get("outgoing_limit")).isEqualTo(1);
        net.muted.clear();
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 5, 10 * S)).isTrue();
        assertThat(beta.peer("alpha").load.outgoing).isZero();
        beta.send("alpha", body("room again"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == 6, 10 * S)).isTrue();
    }

    @Test
    void aFullInboxStopsNewMessagesUntilTheApplicationReadsAndLosesNone() {
        start(801, SimNetwork.config(), SimNetwork.config());
        // A large message already on its way completes even though the inbox fills meanwhile.
        beta.send("alpha", body(RoadEngineSimTest.text(new Random(9), 150_000)), null, net.now);
        assertThat(net.runUntil(() -> alpha.incompleteMessages() == 1, S)).isTrue();
        alpha.acceptMessages(false);
        for (int i = 0; i < 5; i++) {
            beta.send("alpha", body("held " + i), null, net.now);
        }
        beta.send("alpha", body(RoadEngineSimTest.text(new Random(10), 50_000)), null, net.now);
        net.run(3 * S);
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(1);
        assertThat(net.events(beta, RoadEvent.Delivered.class)).hasSize(1);
        assertThat(alpha.stats().get("drop_inbox_full")).isGreaterThanOrEqualTo(6);
        assertThat(beta.stats().get("packets_resent")).isPositive();
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).isEmpty();

        alpha.acceptMessages(true);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 7, 10 * S)).isTrue();
        net.run(2 * S);
        List<Object> contents = net.events(alpha, RoadEvent.Message.class).stream()
                .map(m -> m.body().get("content")).toList();
        assertThat(contents).hasSize(7).doesNotHaveDuplicates();
    }
}
