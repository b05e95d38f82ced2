package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Large messages go in turns within their remote's window by default (at most a burst of one message in flight); a
 * message may still ask for all at once.
 */
class BurstPacingTest {
    record Seen(boolean fromBeta, RoadHead head) {}

    static RoadHead head(byte[] d) {
        try {
            return RoadCodec.parse(d, 0, d.length).head();
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    /** Main estate alpha (port 7540) and beta (7541), beta joined to and allowed with alpha: {alpha, beta}. */
    static RoadEngine[] joinedPair(SimNetwork net) {
        return joinedPair(net, SimNetwork.config(), SimNetwork.config());
    }

    /** {@link #joinedPair(SimNetwork)} with alpha and beta configured as given. */
    static RoadEngine[] joinedPair(SimNetwork net, io.raet.road.RoadConfig alphaConfig,
            io.raet.road.RoadConfig betaConfig) {
        RoadEngine alpha = net.estate("alpha", 7540, true, alphaConfig);
        RoadEngine beta = net.estate("beta", 7541, false, betaConfig);
        beta.join(SimNetwork.address(7540), net.now);
        assertThat(net.runUntil(() -> beta.remote("alpha") != null && beta.remote("alpha").isJoined(), 10 * S))
                .isTrue();
        beta.allow("alpha", net.now);
        assertThat(net.runUntil(() -> beta.peer("alpha").isAllowed() && alpha.remote("beta") != null
                && alpha.peer("beta").isAllowed(), 10 * S)).isTrue();
        return new RoadEngine[] {alpha, beta};
    }

    /** Joins and allows beta with alpha, then records every message packet of the next transfer. */
    static List<Seen> transfer(SimNetwork net, Map<String, Object> msg, MessageOptions opts) {
        RoadEngine[] pair = joinedPair(net);
        RoadEngine alpha = pair[0];
        RoadEngine beta = pair[1];
        List<Seen> seen = new ArrayList<>();
        java.util.function.Predicate<byte[]> before = net.filter;
        net.filter = d -> {
            RoadHead h = head(d);
            if (h.tk() == TransactionKind.MESSAGE) {
                seen.add(new Seen(!h.cf(), h));
            }
            return before.test(d);
        };
        beta.send("alpha", msg, opts, net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 60 * S)).isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(1);
        assertThat(net.events(alpha, RoadEvent.Message.class).get(0).body()).isEqualTo(msg);
        return seen;
    }

    @Test
    void aLargeMessageGoesInTurnsWithinItsRemotesWindowByDefault() {
        Map<String, Object> msg = body(RoadEngineSimTest.text(new Random(3), 300_000));
        List<Seen> seen = transfer(new SimNetwork(31), msg, null);
        int segments = seen.get(0).head().sc();
        assertThat(segments).isGreaterThan(4 * MessageOptions.DEFAULT_BURST);
        // Before the receiver's first answer the remote's first window is on its way, in turns of a quarter of
        // it, each ending with wf.
        int firstReply = 0;
        while (seen.get(firstReply).fromBeta()) {
            firstReply++;
        }
        assertThat(firstReply).isEqualTo(SendWindow.INITIAL_WINDOW);
        int turn = SendWindow.INITIAL_WINDOW / 4;
        for (int i = 0; i < firstReply; i++) {
            assertThat(seen.get(i).head().wf()).isEqualTo((i + 1) % turn == 0);
        }
        assertThat(seen.get(firstReply).head().pk()).isEqualTo(PacketKind.ACK);
        // Every segment went once: each answer makes room for more, nothing is sent twice; never more than two
        // bursts of the message in flight.
        long sent = seen.stream().filter(Seen::fromBeta).count();
        assertThat(sent).isEqualTo(segments);
        long acks = seen.stream().filter(s -> !s.fromBeta() && s.head().pk() == PacketKind.ACK).count();
        assertThat(acks).isLessThanOrEqualTo(segments / turn + 1);
        int highest = -1;
        int acked = -1;
        for (Seen s : seen) {
            if (s.fromBeta()) {
                highest = Math.max(highest, s.head().sn());
                assertThat(highest - acked).isLessThanOrEqualTo(2 * MessageOptions.DEFAULT_BURST);
            } else if (s.head().pk() == PacketKind.ACK) {
                acked = Math.max(acked, s.head().sn());
            }
        }
    }

    @Test
    void aMessageMayStillSendEverySegmentAtOnce() {
        Map<String, Object> msg = body(RoadEngineSimTest.text(new Random(4), 100_000));
        List<Seen> seen = transfer(new SimNetwork(32), msg, MessageOptions.DEFAULT.withBurst(0));
        int segments = seen.get(0).head().sc();
        for (int i = 0; i < segments; i++) {
            assertThat(seen.get(i).fromBeta()).isTrue();
            assertThat(seen.get(i).head().wf()).isEqualTo(i == segments - 1);
        }
    }

    @Test
    void burstsRecoverFromLossReorderAndDuplicates() {
        for (long seed = 40; seed < 44; seed++) {
            SimNetwork net = new SimNetwork(seed).conditions(0.1, 0.05, 0.02);
            Map<String, Object> msg = body(RoadEngineSimTest.text(new Random(seed), 200_000));
            transfer(net, msg, MessageOptions.DEFAULT.withBurst(16));
        }
        SimNetwork net = new SimNetwork(50).conditions(0.1, 0.05, 0.02);
        transfer(net, body(RoadEngineSimTest.text(new Random(50), 400_000)), null);
    }

    @Test
    void aLostTailOfTheWindowIsAskedForAgain() {
        SimNetwork net = new SimNetwork(60);
        java.util.Set<Integer> dropped = new java.util.HashSet<>();
        net.filter = d -> {
            RoadHead h = head(d);
            // The first copy of every segment of the second burst and of the last segment is lost.
            boolean tail = h.sn() >= MessageOptions.DEFAULT_BURST && h.sn() < 2 * MessageOptions.DEFAULT_BURST
                    || h.sc() > 1 && h.sn() == h.sc() - 1;
            return !(h.tk() == TransactionKind.MESSAGE && !h.cf() && h.sf() && tail && dropped.add(h.sn()));
        };
        transfer(net, body(RoadEngineSimTest.text(new Random(60), 300_000)), null);
        assertThat(dropped).hasSizeGreaterThan(MessageOptions.DEFAULT_BURST);
    }
}
