package io.raet.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.keep.AutoMode;
import io.raet.road.LossyRelay;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost final join ack followed by lost hellos, between a Java estate and the reference, through a relay that
 * drops exactly those: the handshake completes either way round. The reference's joiner nacks a response that
 * comes after its join completed, and the Java main waits for its signed hello then; the Java joiner answers such a
 * response with its ack again, which completes the reference's join.
 */
class RoadInteropLossTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    static boolean is(RoadHead h, TransactionKind tk, PacketKind pk) {
        return h.tk() == tk && h.pk() == pk && !h.cf();
    }

    private RoadStack java(String name, boolean main) {
        return RoadStack.builder().name(name).main(main).port(0).auto(AutoMode.ALWAYS)
                .keep(tmp.resolve("java-" + name)).build();
    }

    private RefPeer python(String name, int port, boolean main) throws Exception {
        List<String> args = new ArrayList<>(List.of("--name", name, "--port", String.valueOf(port), "--auto",
                "always", "--keep", tmp.resolve("py-" + name).toString()));
        if (main) {
            args.add("--main");
        }
        return new RefPeer(args);
    }

    @Test
    void theReferenceJoinerWhoseAckAndHelloAreLostIsJoinedByItsNextHello() throws Exception {
        // Its ack is lost, and its hellos until it has nacked the Java main's re-sent response.
        AtomicBoolean nacked = new AtomicBoolean();
        AtomicBoolean ackDropped = new AtomicBoolean();
        try (RoadStack j = java("jmain", true);
                LossyRelay relay = new LossyRelay(new InetSocketAddress("127.0.0.1", j.address().getPort()),
                        h -> {
                    if (is(h, TransactionKind.JOIN, PacketKind.ACK)) {
                        return ackDropped.compareAndSet(false, true);
                    }
                    if (is(h, TransactionKind.JOIN, PacketKind.NACK)) {
                        nacked.set(true);
                    }
                    return is(h, TransactionKind.ALLOW, PacketKind.HELLO) && !nacked.get();
                });
                RefPeer py = python("pyjoiner", RoadInteropTest.freePort(), false)) {
            py.command(Map.of("cmd", "join", "host", "127.0.0.1", "port", relay.address().getPort()));
            py.awaitEvent("joined", "name", "jmain", WAIT);
            py.command(Map.of("cmd", "allow", "name", "jmain"));
            py.awaitEvent("allowed", "name", "jmain", WAIT);
            assertThat(nacked.get()).isTrue();
            assertThat(j.stats().get("join_nack_awaiting_ack")).isPositive();
            assertThat(j.stats()).containsEntry("join_completed_by_traffic", 1L);
            py.command(Map.of("cmd", "send", "name", "jmain", "msg", Map.of("content", "after the lost ack")));
            RoadEvent.Message m = j.receive(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.from()).isEqualTo("pyjoiner");
            assertThat(m.body()).containsEntry("content", "after the lost ack");
        }
    }

    @Test
    void theReferenceMainCompletesTheJoinOfAJavaJoinerWhoseAckWasLostByTheAckSentAgain() throws Exception {
        // The Java joiner's first ack is lost, and its hellos until its ack went a second time.
        int port = RoadInteropTest.freePort();
        AtomicInteger acks = new AtomicInteger();
        try (RefPeer py = python("pymain", port, true);
                LossyRelay relay = new LossyRelay(new InetSocketAddress("127.0.0.1", port), h -> {
                    if (is(h, TransactionKind.JOIN, PacketKind.ACK)) {
                        return acks.incrementAndGet() == 1;
                    }
                    return is(h, TransactionKind.ALLOW, PacketKind.HELLO) && acks.get() < 2;
                });
                RoadStack j = java("jjoiner", false)) {
            String name = j.join(relay.address()).get(30, TimeUnit.SECONDS);
            assertThat(name).isEqualTo("pymain");
            j.allow("pymain").get(30, TimeUnit.SECONDS);
            py.awaitEvent("allowed", "name", "jjoiner", WAIT);
            assertThat(acks.get()).isGreaterThanOrEqualTo(2);
            assertThat(j.stats().get("join_ack_resent")).isPositive();
            j.send("pymain", Map.of("content", "after the lost ack"), MessageOptions.DEFAULT.withTimeout(WAIT))
                    .get(30, TimeUnit.SECONDS);
            assertThat(py.awaitEvent("message", "from", "jjoiner", WAIT).get("msg"))
                    .isEqualTo(Map.of("content", "after the lost ack"));
        }
    }

    @Test
    void aJavaMainWhoseAckIsLostKeepsTheSessionWhenTheReferenceAnswersItsHeartbeatUnallowed() throws Exception {
        // The Java main opens the session when it acks the reference's initiate; its acks are lost for a while, and
        // its heartbeat reaches the reference before one arrives: the reference answers unallowed. The main keeps
        // the session it opened (the reference is about to have it) instead of dropping it for an allow of its own.
        AtomicLong acksLostUntil = new AtomicLong(Long.MAX_VALUE);
        try (RoadStack j = java("jmain", true);
                LossyRelay relay = new LossyRelay(new InetSocketAddress("127.0.0.1", j.address().getPort()),
                        h -> false, h -> {
                    if (h.tk() == TransactionKind.ALLOW && h.pk() == PacketKind.ACK && h.cf()) {
                        acksLostUntil.compareAndSet(Long.MAX_VALUE, System.nanoTime() + 2_500_000_000L);
                        return System.nanoTime() < acksLostUntil.get();
                    }
                    return false;
                });
                RefPeer py = python("pyjoiner", RoadInteropTest.freePort(), false)) {
            py.command(Map.of("cmd", "join", "host", "127.0.0.1", "port", relay.address().getPort()));
            py.awaitEvent("joined", "name", "jmain", WAIT);
            py.command(Map.of("cmd", "allow", "name", "jmain"));
            py.awaitEvent("allowed", "name", "jmain", WAIT);
            assertThat(j.stats().get("unallowed_while_acking")).isPositive();
            assertThat(j.stats().get("session_renewed")).isNull();
            py.command(Map.of("cmd", "send", "name", "jmain", "msg", Map.of("content", "after the lost acks")));
            RoadEvent.Message m = j.receive(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.body()).containsEntry("content", "after the lost acks");
        }
    }
}
