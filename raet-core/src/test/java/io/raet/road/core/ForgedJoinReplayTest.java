package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replay across a forged join, with captured traffic only: a join rebuilt from public data, then a packet of an
 * older session, then every packet of the current session again. Each step must fail, and nothing is delivered
 * twice. And the legitimate case the old session reset served: a peer that restarts without its keep (same keys)
 * joins again and is re-based by a completed allow.
 */
class ForgedJoinReplayTest {
    static final int ALPHA = 7540;
    static final int BETA = 7541;
    static final InetSocketAddress ELSEWHERE = SimNetwork.address(7666);

    record Captured(byte[] data, RoadHead head, long sessionOfBeta) {}

    static Stream<Arguments> cases() {
        return Stream.of(AutoMode.values()).flatMap(auto -> Stream.of(false, true).flatMap(
                mutable -> Stream.of(false, true).map(fromBeta -> Arguments.of(auto, mutable, fromBeta))));
    }

    @ParameterizedTest(name = "auto {0}, mutable {1}, forged from beta's address {2}")
    @MethodSource("cases")
    void forgedJoinThenOldThenCurrentPacketsDeliverNothingTwice(AutoMode auto, boolean mutable, boolean fromBeta) {
        SimNetwork net = new SimNetwork(400 + auto.ordinal() * 4 + (mutable ? 2 : 0) + (fromBeta ? 1 : 0));
        SigningKey betaSigner = SigningKey.generate();
        BoxKeyPair betaBox = BoxKeyPair.generate();
        MemoryRoadStore store = new MemoryRoadStore();
        store.keepRole("beta", betaSigner.verifyKey(), betaBox.publicKey(), Acceptance.ACCEPTED);
        RoadEngine alpha = net.estate("alpha", ALPHA, true, SimNetwork.config().withAuto(auto).withMutable(mutable),
                SigningKey.generate(), BoxKeyPair.generate(), store);
        RoadEngine beta = net.estate("beta", BETA, false, SimNetwork.config(), betaSigner, betaBox,
                new MemoryRoadStore());
        List<Captured> captured = new ArrayList<>();
        net.filter = d -> {
            RoadHead h = Forge.head(d);
            Remote ba = beta.remote("alpha");
            if (!h.cf() && (h.tk() == TransactionKind.JOIN || ba != null && h.se() == ba.uid())) {
                captured.add(new Captured(d.clone(), h, ba == null ? 0 : ba.sid()));
            }
            return true;
        };
        beta.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> alpha.remote("beta") != null && alpha.remote("beta").isJoined(), 10 * S))
                .isTrue();
        allow(net, alpha, beta);
        sendThree(net, alpha, beta, "old");
        long oldSession = alpha.peer("beta").rsid;
        allow(net, alpha, beta);
        sendThree(net, alpha, beta, "current");
        net.run(3 * S);
        net.filter = d -> true;
        Peer remote = alpha.peer("beta");
        long session = remote.rsid;
        assertThat(session).isNotEqualTo(oldSession);
        int delivered = net.events(alpha, RoadEvent.Message.class).size();
        assertThat(delivered).isEqualTo(6);
        // The attack runs back to back while beta is silent (cut off), so that no packet of beta's puts things right.
        net.remove(beta);

        // 1. A vacuous join rebuilt from public data (beta's own request, captured), acked by the forger.
        Captured join = captured.stream().filter(c -> c.head.tk() == TransactionKind.JOIN
                && c.head.pk() == PacketKind.REQUEST).findFirst().orElseThrow();
        InetSocketAddress from = fromBeta ? SimNetwork.address(BETA) : ELSEWHERE;
        net.inject(join.data, from, SimNetwork.address(ALPHA));
        net.inject(Forge.joinAck(join.head.se(), 0, join.head.ti()), from, SimNetwork.address(ALPHA));
        net.run(S / 10);
        assertThat(remote.rsid).isEqualTo(session);
        assertThat(alpha.peer("beta")).isSameAs(remote);
        assertThat(remote.remote.ha()).isEqualTo(SimNetwork.address(BETA));

        // 2. A packet of the older session, and the hello that opened it: refused, nothing moves back.
        long stale = alpha.stats().get("drop_stale_session");
        for (Captured c : captured) {
            if (c.sessionOfBeta < remote.rsid && c.head.tk() != TransactionKind.JOIN) {
                net.inject(c.data, SimNetwork.address(BETA), SimNetwork.address(ALPHA));
            }
        }
        net.run(S / 10);
        assertThat(alpha.stats().get("drop_stale_session")).isGreaterThan(stale);
        assertThat(remote.rsid).isEqualTo(session);
        assertThat(alpha.stats().get("session_rebased")).isZero();

        // 3. Every packet of the current session again.
        for (Captured c : captured) {
            if (c.head.tk() == TransactionKind.MESSAGE) {
                net.inject(c.data, SimNetwork.address(BETA), SimNetwork.address(ALPHA));
            }
        }
        net.run(5 * S);
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(delivered);
        assertThat(remote.rsid).isEqualTo(session);
        assertThat(alpha.stats().get("drop_internal_error")).isZero();
        if (mutable || fromBeta) {
            assertThat(net.events(alpha, RoadEvent.Joined.class)).as("the forged join completed").hasSize(2);
        }

        // beta comes back and still works.
        net.replace(beta);
        beta.send("alpha", body("after"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == delivered + 1, 10 * S))
                .isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).extracting(m -> m.body().get("content"))
                .containsExactly("old0", "old1", "old2", "current0", "current1", "current2", "after");
    }

    static void allow(SimNetwork net, RoadEngine alpha, RoadEngine beta) {
        beta.allow("alpha", net.now);
        assertThat(net.runUntil(() -> beta.peer("alpha").isAllowed() && alpha.peer("beta").isAllowed()
                && beta.peer("alpha").transactions.isEmpty() && alpha.peer("beta").transactions.isEmpty(),
                10 * S)).isTrue();
    }

    static void sendThree(SimNetwork net, RoadEngine alpha, RoadEngine beta, String prefix) {
        int before = net.events(beta, RoadEvent.Delivered.class).size();
        for (int i = 0; i < 3; i++) {
            beta.send("alpha", body(prefix + i), null, net.now);
        }
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == before + 3, 10 * S))
                .isTrue();
    }

    /**
     * beta restarts without its keep but with its keys, on the same port: a new session counter, a new id for
     * alpha. It joins again and allows; alpha re-bases beta's session once that allow completes, and the packets of
     * beta's earlier life stay refused.
     */
    @Test
    void aPeerThatLostItsStateRejoinsAndIsRebasedByItsAllow() {
        SimNetwork net = new SimNetwork(450);
        SigningKey betaSigner = SigningKey.generate();
        BoxKeyPair betaBox = BoxKeyPair.generate();
        RoadEngine alpha = net.estate("alpha", ALPHA, true, SimNetwork.config());
        RoadEngine beta = net.estate("beta", BETA, false, SimNetwork.config(), betaSigner, betaBox,
                new MemoryRoadStore());
        List<byte[]> earlier = new ArrayList<>();
        net.filter = d -> {
            RoadHead h = Forge.head(d);
            if (!h.cf() && h.tk() == TransactionKind.MESSAGE && beta.remote("alpha") != null
                    && h.se() == beta.remote("alpha").uid()) {
                earlier.add(d.clone());
            }
            return true;
        };
        beta.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> alpha.remote("beta") != null && alpha.remote("beta").isJoined(), 10 * S))
                .isTrue();
        for (int i = 0; i < 3; i++) {
            allow(net, alpha, beta); // beta's session counter moves ahead
        }
        sendThree(net, alpha, beta, "first life ");
        net.filter = d -> true;
        long oldSession = alpha.peer("beta").rsid;
        Peer remote = alpha.peer("beta");

        RoadEngine reborn = net.estate("beta", BETA, false, SimNetwork.config(), betaSigner, betaBox,
                new MemoryRoadStore());
        net.replace(reborn);
        reborn.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> reborn.remote("alpha") != null && reborn.remote("alpha").isJoined(), 10 * S))
                .isTrue();
        reborn.send("alpha", body("second life"), null, net.now);
        assertThat(net.runUntil(() -> net.events(reborn, RoadEvent.Delivered.class).size() == 1, 20 * S)).isTrue();
        assertThat(alpha.peer("beta")).isSameAs(remote);
        assertThat(alpha.stats().get("session_rebased")).isEqualTo(1);
        assertThat(remote.rsid).isNotEqualTo(oldSession);

        // Packets of the first life: refused (older session, or a session key that is gone).
        int messages = net.events(alpha, RoadEvent.Message.class).size();
        for (byte[] d : earlier) {
            net.inject(d, SimNetwork.address(BETA), SimNetwork.address(ALPHA));
        }
        net.run(5 * S);
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(messages);
        alpha.send("beta", body("back"), null, net.now);
        assertThat(net.runUntil(() -> net.events(reborn, RoadEvent.Message.class).size() == 1, 10 * S)).isTrue();
    }

    /** The same restart from another port: a mutable road follows beta there after its allow, an immutable one refuses. */
    @ParameterizedTest(name = "mutable {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aPeerThatLostItsStateAndMovedIsFollowedOnlyOnAMutableRoad(boolean mutable) {
        SimNetwork net = new SimNetwork(460);
        SigningKey betaSigner = SigningKey.generate();
        BoxKeyPair betaBox = BoxKeyPair.generate();
        RoadEngine alpha = net.estate("alpha", ALPHA, true, SimNetwork.config().withMutable(mutable));
        RoadEngine beta = net.estate("beta", BETA, false, SimNetwork.config(), betaSigner, betaBox,
                new MemoryRoadStore());
        beta.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> alpha.remote("beta") != null && alpha.remote("beta").isJoined(), 10 * S))
                .isTrue();
        allow(net, alpha, beta);
        allow(net, alpha, beta);
        net.remove(beta);
        RoadEngine moved = net.estate("beta", 7542, false, SimNetwork.config(), betaSigner, betaBox,
                new MemoryRoadStore());
        moved.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> !net.events(moved, RoadEvent.Joined.class).isEmpty()
                || !net.events(moved, RoadEvent.JoinFailed.class).isEmpty(), 10 * S)).isTrue();
        if (!mutable) {
            assertThat(net.events(moved, RoadEvent.JoinFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo("rejected"));
            assertThat(alpha.remote("beta").ha()).isEqualTo(SimNetwork.address(BETA));
            return;
        }
        // Joined, but not moved: only the authenticated allow moves beta.
        assertThat(alpha.remote("beta").ha()).isEqualTo(SimNetwork.address(BETA));
        moved.send("alpha", body("from the new port"), null, net.now);
        assertThat(net.runUntil(() -> net.events(moved, RoadEvent.Delivered.class).size() == 1, 20 * S)).isTrue();
        assertThat(alpha.remote("beta").ha()).isEqualTo(SimNetwork.address(7542));
        assertThat(alpha.stats().get("remote_moved")).isEqualTo(1);
        assertThat(alpha.stats().get("session_rebased")).isEqualTo(1);
    }
}
