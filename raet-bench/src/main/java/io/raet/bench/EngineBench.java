package io.raet.bench;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.RoadConfig;
import io.raet.road.RoadLimits;
import io.raet.road.core.LocalEstate;
import io.raet.road.core.MemoryRoadStore;
import io.raet.road.core.Outgoing;
import io.raet.road.core.RoadEngine;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One small message through two engines in memory, no sockets: send, receive, done, delivered. The cost is two
 * signatures, two verifications, a box and an open, plus the engine's own work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class EngineBench {
    RoadEngine alpha;
    RoadEngine beta;
    long now = 1_000_000_000L;
    final Map<String, Object> body = Map.of("content", "x".repeat(100));

    static RoadEngine engine(String name, int port, boolean main) {
        return engine(name, port, main, RoadLimits.defaults());
    }

    static RoadEngine engine(String name, int port, boolean main, RoadLimits limits) {
        InetSocketAddress ha = new InetSocketAddress("127.0.0.1", port);
        LocalEstate local = new LocalEstate(name, name, main, 0, SigningKey.generate(), BoxKeyPair.generate(), ha,
                "localhost", 1, 1);
        return new RoadEngine(local, RoadConfig.defaults().withAuto(AutoMode.ALWAYS)
                .withAliveInterval(java.time.Duration.ZERO).withLimits(limits), new MemoryRoadStore());
    }

    void pump() {
        pump(alpha, beta, now);
    }

    /** Carries every datagram and event between the two engines until both are quiet. */
    static void pump(RoadEngine alpha, RoadEngine beta, long now) {
        boolean moved = true;
        while (moved) {
            moved = false;
            Outgoing o;
            while ((o = beta.pollOutgoing()) != null) {
                alpha.receive(o.data(), 0, o.data().length, beta.local().ha(), now);
                moved = true;
            }
            while ((o = alpha.pollOutgoing()) != null) {
                beta.receive(o.data(), 0, o.data().length, alpha.local().ha(), now);
                moved = true;
            }
            while (alpha.pollEvent() != null) { }
            while (beta.pollEvent() != null) { }
        }
    }

    /** Joins {@code beta} to {@code alpha} and allows it, in memory. */
    static void allow(RoadEngine alpha, RoadEngine beta, long now) {
        beta.join(alpha.local().ha(), now);
        pump(alpha, beta, now);
        beta.allow("alpha", now);
        pump(alpha, beta, now);
        if (!beta.allowed("alpha")) {
            throw new IllegalStateException("set-up failed: not allowed");
        }
    }

    @Setup
    public void setup() {
        alpha = engine("alpha", 7540, true);
        beta = engine("beta", 7541, false);
        allow(alpha, beta, now);
    }

    @Benchmark
    public void messageCycle() {
        beta.send("alpha", body, null, now);
        pump();
    }
}
