package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.BodyKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.road.HandshakeLimits;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A flood of 10,000 bogus join requests per second (vacuous, random names and roles, one source address) plus
 * garbage, on a virtual clock, while a legitimate estate joins, allows and sends messages: the legitimate estate
 * gets through at the reference's pace and the engine's state stays bounded.
 */
class HandshakeFloodTest {
    static final int FLOOD_PER_SECOND = 10_000;
    static final InetSocketAddress FLOODER = new InetSocketAddress("127.0.0.99", 9999);

    static byte[][] bogusJoins(Random r, int n) throws PacketException {
        String ver = SigningKey.generate().verifyKey().hex();
        String pub = BoxKeyPair.generate().publicKey().hex();
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            String name = "bogus" + Long.toHexString(r.nextLong());
            String json = "{\"name\":\"" + name + "\",\"mode\":0,\"kind\":0,\"verhex\":\"" + ver + "\",\"pubhex\":\""
                    + pub + "\",\"role\":\"" + name + "\"}";
            RoadHead h = new RoadHead().pk(PacketKind.REQUEST).tk(TransactionKind.JOIN).se(1 + r.nextInt(1 << 20))
                    .ti(1 + r.nextInt(1 << 20)).bk(BodyKind.JSON);
            out[i] = RoadCodec.encode(h, json.getBytes(StandardCharsets.US_ASCII), null, 1024);
        }
        return out;
    }

    /** Virtual nanoseconds beta needs to join alpha, allow, and have 20 messages delivered; flood or not. */
    static long[] run(boolean flood, long seed) throws PacketException {
        SimNetwork net = new SimNetwork(seed);
        RoadEngine alpha = net.estate("alpha", 7540, true, SimNetwork.config());
        RoadEngine beta = net.estate("beta", 7541, false, SimNetwork.config());
        Random r = new Random(seed);
        byte[][] pool = flood ? bogusJoins(r, 4096) : new byte[0][];
        int[] next = {0};
        long[] maxRemotes = {0};
        long[] maxTx = {0};
        long[] injected = {0};
        Runnable inject = () -> {
            // 10 requests and one garbage datagram per virtual millisecond.
            for (int i = 0; i < FLOOD_PER_SECOND / 1000; i++) {
                byte[] d = pool[next[0]++ % pool.length];
                alpha.receive(d, 0, d.length, FLOODER, net.now);
                injected[0]++;
            }
            byte[] junk = new byte[1 + r.nextInt(1500)];
            r.nextBytes(junk);
            if (r.nextBoolean()) {
                System.arraycopy("ri RAET\n".getBytes(), 0, junk, 0, Math.min(8, junk.length));
            }
            alpha.receive(junk, 0, junk.length, FLOODER, net.now);
            maxRemotes[0] = Math.max(maxRemotes[0], alpha.remotes().size());
            maxTx[0] = Math.max(maxTx[0], alpha.endpoint().joinGuard().inProgress());
        };
        // The flood is already running when beta starts.
        long warmUp = flood ? 5 * S : 0;
        long end = net.now + warmUp;
        while (net.now < end) {
            inject.run();
            net.step(MS);
        }
        long start = net.now;
        beta.join(SimNetwork.address(7540), net.now);
        long joined = -1;
        long allowed = -1;
        int sent = 0;
        long deadline = net.now + 60 * S;
        while (net.now < deadline) {
            if (flood) {
                inject.run();
            }
            net.step(MS);
            Remote a = beta.remote("alpha");
            if (joined < 0 && a != null && a.isJoined() && alpha.remote("beta") != null
                    && alpha.remote("beta").isJoined()) {
                joined = net.now - start;
                beta.allow("alpha", net.now);
            }
            if (joined >= 0 && allowed < 0 && alpha.peer("beta").isAllowed()) {
                allowed = net.now - start;
                for (; sent < 20; sent++) {
                    beta.send("alpha", body("m" + sent), null, net.now);
                }
            }
            if (net.events(beta, RoadEvent.Delivered.class).size() == 20) {
                break;
            }
        }
        long done = net.now - start;
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(20);
        assertThat(net.events(beta, RoadEvent.Undelivered.class)).isEmpty();
        if (flood) {
            JoinGuard g = alpha.endpoint().joinGuard();
            assertThat(alpha.stats().get("drop_rate_limited")).isPositive();
            assertThat(alpha.stats().get("drop_rate_limited") + alpha.stats().get("drop_join_capacity")
                    + alpha.stats().get("drop_duplicate_join_request")).isGreaterThan(injected[0] * 99 / 100);
            assertThat(maxTx[0]).isLessThanOrEqualTo(g.limits.joinsPerHost() + 2);
            assertThat(maxRemotes[0]).isLessThanOrEqualTo(g.limits.joinsPerHost() + 2);
            assertThat(alpha.stats().get("drop_internal_error")).isZero();
            // Once the flood stops, the provisional remotes go away with their timed-out joins.
            net.run(10 * S);
            assertThat(alpha.remotes()).extracting(Remote::name).containsExactly("beta");
            assertThat(alpha.endpoint().joinGuard().inProgress()).isZero();
            System.out.printf("flood: %d bogus joins + %d garbage injected in %.1f s virtual; stats %s%n",
                    injected[0], injected[0] / 10, (net.now - start + warmUp) / 1e9, alpha.stats());
        }
        return new long[] {joined, allowed, done};
    }

    @Test
    void legitimateEstateJoinsAndMessagesThroughAFlood() throws PacketException {
        long[] quiet = run(false, 31);
        long[] flooded = run(true, 31);
        System.out.printf("join/allow/20 messages delivered (virtual ms): quiet %d/%d/%d, under flood %d/%d/%d%n",
                quiet[0] / MS, quiet[1] / MS, quiet[2] / MS, flooded[0] / MS, flooded[1] / MS, flooded[2] / MS);
        assertThat(flooded[0]).isGreaterThan(0);
        // The flood costs the legitimate estate no protocol round: same pace as without it (within 100 ms).
        assertThat(flooded[2]).isLessThanOrEqualTo(quiet[2] + 100 * MS);
    }

    @Test
    void tokenBucketRefillsAtItsRate() {
        JoinGuard g = new JoinGuard(HandshakeLimits.defaults());
        InetSocketAddress a = new InetSocketAddress("127.0.0.2", 1);
        InetSocketAddress sameHost = new InetSocketAddress("127.0.0.2", 2);
        InetSocketAddress other = new InetSocketAddress("127.0.0.3", 1);
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            if (g.admit(i % 2 == 0 ? a : sameHost, 0) == null) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(g.limits.joinBurst());
        assertThat(g.admit(other, 0)).isNull();
        assertThat(g.admit(a, 0)).isEqualTo(DropReason.RATE_LIMITED);
        assertThat(g.admit(a, S)).isNull(); // 20 tokens back after a second
        for (int i = 0; i < g.limits.joinsPerHost(); i++) {
            g.started(other);
        }
        assertThat(g.admit(other, 10 * S)).isEqualTo(DropReason.JOIN_CAPACITY);
        g.ended(other);
        assertThat(g.admit(other, 10 * S)).isNull();
    }
}
