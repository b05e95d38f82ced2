package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.RoadHead;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.road.HandshakeLimits;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A restart with a keep of thousands of remotes that no longer answer: the heartbeats would start an allow with
 * each of them every few seconds. The engine starts its own handshakes at a bounded pace and backs off per remote.
 */
class HandshakePacingTest {

    /** An engine restored with {@code n} joined remotes at addresses where nobody answers. */
    static RoadEngine restored(int n, HandshakeLimits limits) {
        LocalEstate local = new LocalEstate("main", "main", true, 0, SigningKey.generate(), BoxKeyPair.generate(),
                SimNetwork.address(7540), "localhost", 1, 1);
        RoadEngine e = new RoadEngine(local, SimNetwork.config().withHandshakes(limits), new MemoryRoadStore());
        SigningKey s = SigningKey.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        for (int i = 0; i < n; i++) {
            e.restoreRemote("r" + i, 2 + i, 2, new InetSocketAddress("10.0." + (i / 250) + "." + (1 + i % 250), 7530),
                    "r", false, 0, "localhost", 5, true, s.verifyKey(), b.publicKey());
        }
        return e;
    }

    /** Runs the engine alone for {@code seconds}; returns the allows it started in each second (distinct hellos). */
    static int[] run(RoadEngine e, int seconds) {
        int[] perSecond = new int[seconds];
        Set<String> seen = new HashSet<>();
        long start = 1_000 * S;
        for (long now = start; now < start + seconds * S; now += 10 * MS) {
            e.tick(now);
            Outgoing o;
            while ((o = e.pollOutgoing()) != null) {
                RoadHead h = Forge.head(o.data());
                if (h.pk() == PacketKind.HELLO && seen.add(o.to() + "/" + h.ti())) {
                    perSecond[(int) ((now - start) / S)]++;
                }
            }
        }
        return perSecond;
    }

    @Test
    void thousandsOfSilentRemotesGetHandshakesAtTheConfiguredPace() {
        RoadEngine e = restored(3000, HandshakeLimits.defaults());
        int[] allows = run(e, 60);
        int total = java.util.Arrays.stream(allows).sum();
        // 20 a second, after a burst of 40: not 3000 every few seconds.
        assertThat(total).isLessThanOrEqualTo(20 * 60 + 40);
        assertThat(total).isGreaterThan(20 * 50);
        for (int s = 2; s < allows.length; s++) {
            assertThat(allows[s]).as("second %d", s).isLessThanOrEqualTo(21);
        }
        assertThat(e.stats().get("handshake_paced")).isPositive();
    }

    @Test
    void aRemoteThatNeverAnswersIsTriedLessAndLessOften() {
        RoadEngine e = restored(50, HandshakeLimits.defaults());
        int[] allows = run(e, 600);
        int first = 0;
        int last = 0;
        for (int s = 0; s < 300; s++) {
            first += allows[s];
            last += allows[300 + s];
        }
        // Waits of 5, 10, 20, … up to 300 s per remote: about 7 tries each in the first five minutes, 1 or 2 after.
        assertThat(first).isBetween(50 * 5, 50 * 8);
        assertThat(last).isLessThanOrEqualTo(50 * 2);
        System.out.printf("allows started for 50 silent remotes: %d in the first 300 s, %d in the next 300 s%n",
                first, last);
    }
}
