package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.keep.AutoMode;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A peer's phase follows its handshakes, and its typed slots hold exactly the handshakes under way. */
class PeerPhaseTest {
    @Test
    void joinThenAllowWalkThePhasesOnBothSides() {
        SimNetwork net = new SimNetwork(41);
        RoadEngine alpha = net.estate("alpha", 7540, true, SimNetwork.config());
        RoadEngine beta = net.estate("beta", 7541, false, SimNetwork.config().withAliveInterval(Duration.ZERO));
        InetSocketAddress alphaAt = SimNetwork.address(7540);

        beta.join(alphaAt, net.now);
        Peer atBeta = beta.peerByAddress(alphaAt);
        assertThat(atBeta.phase()).isEqualTo(Peer.Phase.JOINING);
        assertThat(atBeta.joiner).isNotNull();
        assertThat(net.runUntil(() -> atBeta.phase() == Peer.Phase.JOINED && alpha.peer("beta") != null
                && alpha.peer("beta").phase() == Peer.Phase.JOINED, 5 * S)).isTrue();
        assertThat(atBeta.joiner).isNull();
        assertThat(atBeta.transactions).isEmpty();

        beta.allow("alpha", net.now);
        assertThat(atBeta.phase()).isEqualTo(Peer.Phase.ALLOWING);
        assertThat(atBeta.allower).isNotNull();
        assertThat(net.runUntil(() -> atBeta.phase() == Peer.Phase.ALLOWED
                && alpha.peer("beta").phase() == Peer.Phase.ALLOWED && alpha.peer("beta").transactions.isEmpty(),
                5 * S)).isTrue();
        assertThat(atBeta.allower).isNull();
        assertThat(alpha.peer("beta").allowent).isNull();
        assertThat(atBeta.handshaking()).isFalse();
    }

    @Test
    void aJoinHeldForAnOperatorIsPendingOnTheJoinersSide() {
        SimNetwork net = new SimNetwork(42);
        RoadEngine alpha = net.estate("alpha", 7540, true, SimNetwork.config().withAuto(AutoMode.NEVER));
        RoadEngine beta = net.estate("beta", 7541, false, SimNetwork.config());
        InetSocketAddress alphaAt = SimNetwork.address(7540);
        beta.join(alphaAt, net.now);
        assertThat(net.runUntil(() -> !net.events(alpha, RoadEvent.JoinPending.class).isEmpty(), 5 * S)).isTrue();
        net.run(S);
        Peer atBeta = beta.peerByAddress(alphaAt);
        assertThat(atBeta.phase()).isEqualTo(Peer.Phase.PENDING);
        assertThat(atBeta.handshaking()).isTrue();

        alpha.acceptJoin(net.events(alpha, RoadEvent.JoinPending.class).get(0), net.now);
        assertThat(net.runUntil(() -> atBeta.phase() == Peer.Phase.JOINED, 5 * S)).isTrue();
    }
}
