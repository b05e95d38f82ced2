package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.RoadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Packets captured from a real session and replayed into the receiving engine long after the reference's 600 s
 * stale-tid window: nothing is delivered twice, and packets of an earlier session are refused.
 */
class ReplayTest {

    record Captured(byte[] data, RoadHead head) {}

    static RoadHead head(byte[] d) {
        try {
            ParsedPacket p = RoadCodec.parse(d, 0, d.length);
            return p.head();
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void replayedPacketsAfterTheStaleTidWindowAreNotDeliveredAgain() {
        SimNetwork net = new SimNetwork(21);
        List<Captured> fromBeta = new ArrayList<>();
        RoadEngine alpha = net.estate("alpha", 7540, true, SimNetwork.config());
        RoadEngine beta = net.estate("beta", 7541, false, SimNetwork.config());
        net.filter = d -> {
            RoadHead h = head(d);
            if (!h.cf()) {
                fromBeta.add(new Captured(d.clone(), h));
            }
            return true;
        };
        beta.join(SimNetwork.address(7540), net.now);
        assertThat(net.runUntil(() -> beta.remote("alpha") != null && beta.remote("alpha").isJoined()
                && alpha.remote("beta") != null && alpha.remote("beta").isJoined(), 10 * S)).isTrue();
        beta.allow("alpha", net.now);
        assertThat(net.runUntil(() -> beta.peer("alpha").isAllowed() && alpha.peer("beta").isAllowed()
                && beta.peer("alpha").transactions.isEmpty() && alpha.peer("beta").transactions.isEmpty(),
                10 * S)).isTrue();
        beta.send("alpha", body("small"), null, net.now);
        beta.send("alpha", body(RoadEngineSimTest.text(new Random(1), 20_000)), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 2, 10 * S)).isTrue();
        net.run(3 * S); // a few heartbeats
        net.filter = d -> true;

        List<Captured> messages = fromBeta.stream().filter(c -> c.head.tk() == TransactionKind.MESSAGE).toList();
        List<Captured> alives = fromBeta.stream().filter(c -> c.head.tk() == TransactionKind.ALIVE).toList();
        List<Captured> hellos = fromBeta.stream().filter(c -> c.head.pk() == PacketKind.HELLO).toList();
        assertThat(messages).hasSizeGreaterThan(2);
        assertThat(alives).isNotEmpty();
        assertThat(hellos).isNotEmpty();

        // Within the reference's window the duplicates are answered done (existing behaviour).
        net.run(601 * S);
        assertThat(alpha.peer("beta").completedTids.isEmpty()).isTrue();
        assertThat(alpha.peer("beta").isAllowed()).isTrue();
        long session = alpha.peer("beta").rsid;

        long replayBefore = alpha.stats().get("drop_replay");
        int receivedBefore = net.events(alpha, RoadEvent.Message.class).size();
        List<byte[]> answers = new ArrayList<>();
        for (Captured c : messages) {
            alpha.receive(c.data, 0, c.data.length, SimNetwork.address(7541), net.now);
            Outgoing o;
            while ((o = alpha.pollOutgoing()) != null) {
                answers.add(o.data());
            }
        }
        net.run(3 * S);
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(receivedBefore);
        assertThat(alpha.stats().get("drop_replay") - replayBefore).isGreaterThanOrEqualTo(2);
        assertThat(alpha.stats().get("drop_internal_error")).isZero();
        // Each replayed first packet is answered done (the sender, if it were still waiting, would stop).
        assertThat(answers.stream().map(ReplayTest::head).filter(h -> h.pk() == PacketKind.DONE).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(alpha.peer("beta").rsid).isEqualTo(session);

        // A replayed heartbeat proves nothing: alpha answers but does not count beta alive from it.
        net.filter = d -> false; // beta silent from now on
        assertThat(net.runUntil(() -> !alpha.peer("beta").isAlive(), 20 * S)).isTrue();
        net.filter = d -> true;
        int aliveEvents = net.events(alpha, RoadEvent.Alive.class).size();
        Captured alive = alives.get(alives.size() - 1);
        long before = alpha.stats().get("drop_replay");
        alpha.receive(alive.data, 0, alive.data.length, SimNetwork.address(7541), net.now);
        assertThat(alpha.stats().get("drop_replay") - before).isEqualTo(1);
        assertThat(alpha.peer("beta").isAlive()).isFalse();
        assertThat(net.events(alpha, RoadEvent.Alive.class)).hasSize(aliveEvents);

        // A replayed hello of the allow that opened this session does not restart the handshake.
        Captured hello = hellos.get(hellos.size() - 1);
        alpha.receive(hello.data, 0, hello.data.length, SimNetwork.address(7541), net.now);
        assertThat(alpha.peer("beta").isAllowed()).isTrue();
        assertThat(alpha.peer("beta").allowent).isNull();

        // Beta comes back; a new allow opens a new session: every captured packet is now of an earlier session.
        net.run(2 * S);
        beta.allow("alpha", net.now);
        assertThat(net.runUntil(() -> alpha.peer("beta").rsid != session && beta.peer("alpha").isAllowed()
                && alpha.peer("beta").transactions.isEmpty() && beta.peer("alpha").transactions.isEmpty(),
                10 * S)).isTrue();
        beta.send("alpha", body("new session"), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 3, 10 * S)).isTrue();
        long stale = alpha.stats().get("drop_stale_session");
        int received = net.events(alpha, RoadEvent.Message.class).size();
        for (Captured c : fromBeta) {
            if (c.head.tk() != TransactionKind.JOIN) {
                alpha.receive(c.data, 0, c.data.length, SimNetwork.address(7541), net.now);
            }
        }
        net.run(3 * S);
        assertThat(alpha.stats().get("drop_stale_session") - stale).isGreaterThanOrEqualTo(messages.size());
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(received);
        assertThat(alpha.peer("beta").isAllowed()).isTrue();
        beta.send("alpha", body("still fine"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == received + 1, 10 * S))
                .isTrue();
    }

    @Test
    void windowTracksIdsAcrossWrapAndAge() {
        ReplayWindow w = new ReplayWindow();
        assertThat(w.check(5, 0xfffffff0L)).isEqualTo(ReplayWindow.Verdict.FRESH);
        w.mark(5, 0xfffffff0L);
        assertThat(w.check(5, 0xfffffff0L)).isEqualTo(ReplayWindow.Verdict.SEEN);
        for (long t = 0xfffffff1L; t <= 0xffffffffL; t++) {
            w.mark(5, t);
        }
        w.mark(5, 1);
        w.mark(5, 3); // 2 not yet seen (out of order)
        assertThat(w.check(5, 2)).isEqualTo(ReplayWindow.Verdict.FRESH);
        assertThat(w.check(5, 1)).isEqualTo(ReplayWindow.Verdict.SEEN);
        assertThat(w.check(5, 0xfffffff5L)).isEqualTo(ReplayWindow.Verdict.SEEN);
        w.mark(5, 5000);
        assertThat(w.check(5, 3)).isEqualTo(ReplayWindow.Verdict.TOO_OLD);
        assertThat(w.check(5, 5000 - ReplayWindow.SIZE + 1)).isEqualTo(ReplayWindow.Verdict.FRESH);
        assertThat(w.check(5, 5001)).isEqualTo(ReplayWindow.Verdict.FRESH);
        // A new session of the remote starts empty.
        assertThat(w.check(6, 5000)).isEqualTo(ReplayWindow.Verdict.FRESH);
        w.mark(6, 10);
        assertThat(w.check(6, 10)).isEqualTo(ReplayWindow.Verdict.SEEN);
        assertThat(w.check(6, 5000)).isEqualTo(ReplayWindow.Verdict.FRESH);
    }

    @Test
    void windowAgreesWithASetOnRandomSequences() {
        Random r = new Random(3);
        for (int round = 0; round < 50; round++) {
            ReplayWindow w = new ReplayWindow();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            long highest = r.nextLong(1, 0xffffffffL);
            long base = highest;
            for (int i = 0; i < 3000; i++) {
                long tid = (base + r.nextInt(6000) - 3000) & 0xffffffffL;
                if (tid == 0) {
                    continue;
                }
                ReplayWindow.Verdict v = w.check(1, tid);
                long d = (highest - tid) & 0xffffffffL;
                boolean older = d != 0 && d < 0x80000000L;
                if (!seen.isEmpty() && older && d >= ReplayWindow.SIZE) {
                    assertThat(v).isEqualTo(ReplayWindow.Verdict.TOO_OLD);
                } else {
                    assertThat(v).isEqualTo(seen.contains(tid) ? ReplayWindow.Verdict.SEEN : ReplayWindow.Verdict.FRESH);
                }
                if (v == ReplayWindow.Verdict.FRESH) {
                    w.mark(1, tid);
                    if (seen.isEmpty() || !older) {
                        highest = tid;
                    }
                    seen.add(tid);
                }
                base += r.nextInt(3);
            }
        }
    }
}
