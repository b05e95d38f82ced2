package io.raet.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RemoteInfo;
import io.raet.road.RoadStack;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each attack sends what it claims: the relay forwards, counts and injects; a foothold's hand-made segments pass the
 * target's signature and session checks and reach its message handling; hand-made joins are real joins; the flood
 * hosts exist.
 */
@Timeout(60)
class AttackPacketsTest {
    @Test
    void theTapRelaysBothWaysCountsAndInjectsFromThePeersAddress() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress(lo, 0));
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress(lo, 0));
                Tap tap = new Tap((InetSocketAddress) target.getLocalSocketAddress())) {
            target.setSoTimeout(2000);
            peer.setSoTimeout(2000);
            peer.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, tap.front()));
            DatagramPacket got = new DatagramPacket(new byte[100], 100);
            target.receive(got);
            assertThat(got.getLength()).isEqualTo(3);
            assertThat(got.getSocketAddress()).isEqualTo(tap.outer());
            target.send(new DatagramPacket(new byte[] {9, 9}, 2, got.getSocketAddress()));
            DatagramPacket back = new DatagramPacket(new byte[100], 100);
            peer.receive(back);
            assertThat(back.getLength()).isEqualTo(2);
            tap.cut();
            tap.inject(new byte[] {7, 7, 7, 7});
            target.receive(got);
            assertThat(got.getLength()).isEqualTo(4);
            assertThat(got.getSocketAddress()).isEqualTo(tap.outer());
            assertThat(tap.toTargetPackets()).isEqualTo(2);
            assertThat(tap.toTargetBytes()).isEqualTo(7);
            assertThat(tap.fromTargetPackets()).isEqualTo(1);
            assertThat(tap.fromTargetBytes()).isEqualTo(2);
            assertThat(tap.seen()).hasSize(2);
        }
    }

    @Test
    void aFootholdsSegmentsAreTakenAsThePeersOwnAndAnswered() throws Exception {
        try (RoadStack target = Context.estate("target", "target").main(true).build();
                Foothold f = Foothold.take(target.address(), "mallory")) {
            Map<Long, Integer> answers = new ConcurrentHashMap<>();
            f.tap().watch(h -> {
                if (h.tk() == Wire.TK_MESSAGE) {
                    answers.put(h.ti(), h.pk());
                }
            });
            long ti = f.ti() + 10;
            // segment 1 of 3 with the wait flag: the target asks for segment 0
            f.inject(f.segment(ti, 1, 3, 600, new byte[200], true));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!answers.containsKey(ti) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(answers).containsEntry(ti, Wire.RESEND);
            Map<String, Long> stats = target.stats();
            assertThat(stats).doesNotContainKeys("drop_bad_signature", "drop_stale_session", "drop_unsigned");
        }
    }

    @Test
    void aHandMadeJoinIsARealJoinAndTheFloodHostsExist() throws Exception {
        try (RoadStack target = Context.estate("target", "target").main(true).build()) {
            String[] keys = JoinAttacks.keys();
            JoinClient.Answer a;
            try (JoinClient jc = new JoinClient(JoinAttacks.host(3), target.address())) {
                assertThat(jc.address().getAddress().getHostAddress()).isEqualTo("127.1.0.4");
                a = jc.join(5, 1, "someone", false, keys[0], keys[1], "somerole", Duration.ofSeconds(2), true);
            }
            assertThat(a.accepted()).isTrue();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            List<String> joined = List.of();
            while (System.nanoTime() < end) {
                joined = target.remotes().get(2, TimeUnit.SECONDS).stream().filter(RemoteInfo::joined)
                        .map(RemoteInfo::name).toList();
                if (joined.contains("someone")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(joined).contains("someone");
        }
    }
}
