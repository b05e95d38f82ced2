package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A defect met while the engine handles one packet or one timer costs that packet or that transaction, counted;
 * only a VM failure reaches the caller (whose driver then closes loudly).
 */
class RoadEngineFaultTest {
    SimNetwork net;
    RoadEngine alpha;
    RoadEngine beta;
    PeerForge forge;

    void start(long seed) {
        net = new SimNetwork(seed);
        RoadEngine[] p = RoadEngineSimTest.pair(net);
        alpha = p[0];
        beta = p[1];
        forge = new PeerForge(beta, "alpha");
    }
    /** A transaction of alpha's that throws {@code error} when fed a packet or when its redo timer fires. */
    static Transaction faulty(RoadEngine alpha, Peer remote, TxKey key, Throwable error) {
        Transaction tx = new Transaction(remote, TransactionKind.MESSAGE, true) {
            @Override
            void receive(ParsedPacket packet, InetSocketAddress src, long now) {
                sneaky(error);
            }

            @Override
            void redo(long now) {
                sneaky(error);
            }
        };
        tx.key = key;
        remote.ctx.start(tx);
        return tx;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> void sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** alpha's key for a message with this head from beta. */
    static TxKey keyOf(RoadHead h) {
        return new TxKey(true, h.de(), h.se(), h.si(), h.ti());
    }

    @Test
    void anErrorWhileHandlingOnePacketDropsThatPacketOnly() {
        start(901);
        for (Throwable error : new Throwable[] {new IllegalStateException("defect"), new AssertionError("defect")}) {
            RoadHead h = forge.message().wf(true);
            faulty(alpha, alpha.peer("beta"), keyOf(h), error);
            byte[] d = forge.signed(h, forge.sealed(body("x")));
            alpha.receive(d, 0, d.length, SimNetwork.address(7541), net.now);
        }
        assertThat(alpha.stats().get("drop_internal_error")).isEqualTo(2);
        beta.send("alpha", body("after"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == 1, 5 * S)).isTrue();
    }

    @Test
    void aVmFailureGoesOnToTheDriver() {
        start(902);
        RoadHead h = forge.message().wf(true);
        faulty(alpha, alpha.peer("beta"), keyOf(h), new OutOfMemoryError("injected"));
        byte[] d = forge.signed(h, forge.sealed(body("x")));
        assertThatThrownBy(() -> alpha.receive(d, 0, d.length, SimNetwork.address(7541), net.now))
                .isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void anErrorInOneTimerEndsThatTransactionOnly() {
        start(903);
        Transaction tx = faulty(alpha, alpha.peer("beta"), new TxKey(true, 1, 1L, 1, 1),
                new AssertionError("timer defect"));
        tx.startTimers(net.now, 10, 0.2);
        net.run(S);
        assertThat(alpha.stats().get("timer_error")).isEqualTo(1);
        assertThat(tx.ctx.isActive(tx)).isFalse();
        beta.send("alpha", body("after"), null, net.now);
        alpha.send("beta", body("back"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == 1
                && net.events(beta, RoadEvent.Message.class).size() == 1, 5 * S)).isTrue();
    }
}
