package io.raet.road.core;

import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each way a message can fail reaches the sender with its own reason: a refusal is never a timeout. */
class DeliveryFailureTest {
    static final long S = 1_000 * MS;

    private static RoadEvent.Undelivered onlyFailure(SimNetwork net, RoadEngine e) {
        assertThat(net.events(e, RoadEvent.Undelivered.class)).hasSize(1);
        return net.events(e, RoadEvent.Undelivered.class).get(0);
    }

    @Test
    void aMessageTheReceiverRefusesFailsAsRefused() {
        SimNetwork net = new SimNetwork(31);
        RoadEngine[] p = RoadEngineSimTest.pair(net,
                SimNetwork.config().withLimits(RoadLimits.defaults().withMaxMessageSize(4096)), SimNetwork.config());
        p[1].send("alpha", Map.of("content", "x".repeat(20_000)), null, net.now);
        net.run(2 * S);
        RoadEvent.Undelivered u = onlyFailure(net, p[1]);
        assertThat(u.reason()).isEqualTo(DeliveryFailure.REFUSED);
        assertThat(u.detail()).isEqualTo("refused by the remote (nack)");
        assertThat(p[0].stats().get("drop_segment_count")).isPositive(); // 4096 bytes: at most 8 segments
    }

    @Test
    void silenceFailsAsTimeoutOrAsRetriesExhausted() {
        SimNetwork net = new SimNetwork(32);
        RoadEngine[] p = RoadEngineSimTest.pair(net);
        net.muted.add(SimNetwork.address(7540));
        p[1].send("alpha", Map.of("n", 1L), MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)), net.now);
        net.run(2 * S);
        assertThat(onlyFailure(net, p[1]).reason()).isEqualTo(DeliveryFailure.TIMEOUT);

        p[0].send("beta", Map.of("n", 2L), MessageOptions.DEFAULT.withRetries(2), net.now);
        net.run(3 * S);
        RoadEvent.Undelivered u = onlyFailure(net, p[0]);
        assertThat(u.reason()).isEqualTo(DeliveryFailure.RETRIES_EXHAUSTED);
        assertThat(u.detail()).isEqualTo("no answer after 2 retries");
    }

    @Test
    void aMessageWaitingForAnAllowThatNeverComesTimesOut() {
        SimNetwork net = new SimNetwork(33);
        RoadEngine alpha = net.estate("alpha", 7540, true, SimNetwork.config());
        RoadEngine beta = net.estate("beta", 7541, false, SimNetwork.config());
        beta.join(SimNetwork.address(7540), net.now);
        assertThat(net.runUntil(() -> beta.remote("alpha") != null && beta.remote("alpha").isJoined(), 5 * S))
                .isTrue();
        net.muted.add(alpha.local().ha());
        beta.send("alpha", Map.of("n", 1L), MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)), net.now);
        net.run(2 * S);
        RoadEvent.Undelivered u = onlyFailure(net, beta);
        assertThat(u.reason()).isEqualTo(DeliveryFailure.TIMEOUT);
        assertThat(u.detail()).isEqualTo("timeout waiting for the remote to be allowed");
    }

    @Test
    void messagesToARemoteThatIsForgottenFailAsRemoteRemoved() {
        SimNetwork net = new SimNetwork(34);
        RoadEngine[] p = RoadEngineSimTest.pair(net);
        net.muted.add(SimNetwork.address(7541));
        long inFlight = p[0].send("beta", Map.of("n", 1L), null, net.now);
        net.run(100 * MS);
        Peer beta = p[0].peer("beta");
        assertThat(beta.transactions).hasSize(1);
        beta.allowed = false; // the next one waits for an allow
        long waiting = p[0].send("beta", Map.of("n", 2L), null, net.now);
        p[0].endpoint().remove(beta, false);
        net.run(MS);
        assertThat(net.events(p[0], RoadEvent.Undelivered.class)).extracting(RoadEvent.Undelivered::messageId,
                RoadEvent.Undelivered::reason).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(inFlight, DeliveryFailure.REMOTE_REMOVED),
                        org.assertj.core.groups.Tuple.tuple(waiting, DeliveryFailure.REMOTE_REMOVED));
    }
}
