package io.raet.road.core;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A deterministic network of road engines on a virtual clock, with configurable loss, reordering, duplication
 * and delay. Everything depends only on the seed: the network's random effects, and each estate's random bytes
 * (nonces, short-term keys) and the keys it is given unless a test brings its own.
 */
final class SimNetwork {
    static final long MS = 1_000_000L;
    /**
     * Shards of the estates made on this thread (1 unless a test runs a suite sharded): with more than one, an
     * estate's engine interleaves its shards' work in an order drawn from the seed.
     */
    static final ThreadLocal<Integer> SHARDS = ThreadLocal.withInitial(() -> 1);

    private record InFlight(long at, long seq, byte[] data, InetSocketAddress from, InetSocketAddress to) {}

    /** A packet that reached an address where no estate listens. */
    record Stray(InetSocketAddress from, InetSocketAddress to, byte[] data) {}

    final Random random;
    private final long seed;
    /** Estates and key pairs made so far: each gets random bytes of its own, drawn from the seed. */
    private long engines;
    private long keys;
    long now = 1_000 * MS;
    double loss;
    double reorder;
    double duplicate;
    long delay = MS / 2;
    long reorderDelay = 15 * MS;
    /** Extra per-packet filter: return false to drop a packet (after the random effects). */
    Predicate<byte[]> filter = d -> true;
    /** Sees every packet sent, before loss, filter and muting. */
    interface Tap {
        void sent(long at, byte[] data, InetSocketAddress from, InetSocketAddress to);
    }

    Tap tap = (at, data, from, to) -> {};
    /**
     * A bottleneck in front of every address (0: none): at most {@code bottleneckRate} packets per second reach it,
     * the others wait in a queue of at most {@code bottleneckQueue} packets, and a packet finding the queue full is
     * lost (counted in {@link #queueDrops}), as at a router or a receiver's socket buffer.
     */
    double bottleneckRate;
    int bottleneckQueue;
    long queueDrops;
    private final Map<InetSocketAddress, Long> linkFree = new HashMap<>();
    /** Addresses cut off the network: nothing they send or are sent arrives. */
    final java.util.Set<InetSocketAddress> muted = new java.util.HashSet<>();

    private final Map<InetSocketAddress, RoadEngine> nodes = new LinkedHashMap<>();
    private final Map<InetSocketAddress, List<RoadEvent>> events = new HashMap<>();
    private final PriorityQueue<InFlight> wire = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq;
    long delivered;
    long dropped;
    /** Packets that reached addresses where no estate listens (an attacker's, in tests), in order. */
    final List<Stray> strays = new ArrayList<>();

    SimNetwork(long seed) {
        this.random = new Random(seed);
        this.seed = seed;
    }

    SimNetwork conditions(double loss, double reorder, double duplicate) {
        this.loss = loss;
        this.reorder = reorder;
        this.duplicate = duplicate;
        return this;
    }

    /** Puts a bottleneck of {@code packetsPerSecond} with a queue of {@code queue} packets before every address. */
    SimNetwork bottleneck(double packetsPerSecond, int queue) {
        this.bottleneckRate = packetsPerSecond;
        this.bottleneckQueue = queue;
        return this;
    }

    static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    RoadEngine estate(String name, int port, boolean main, RoadConfig config) {
        return estate(name, port, main, config, SHARDS.get());
    }

    /** An estate of {@code shards} shards with keys drawn from the seed. */
    RoadEngine estate(String name, int port, boolean main, RoadConfig config, int shards) {
        SeededEntropy k = new SeededEntropy(~(seed * 1_000_003L + keys++));
        return estate(name, name, port, main, config, SigningKey.generate(k), BoxKeyPair.generate(k),
                new MemoryRoadStore(), shards);
    }

    RoadEngine estate(String name, int port, boolean main, RoadConfig config, SigningKey signer, BoxKeyPair boxKeys,
            RoadStore store) {
        return estate(name, name, port, main, config, signer, boxKeys, store);
    }

    RoadEngine estate(String name, String role, int port, boolean main, RoadConfig config, SigningKey signer,
            BoxKeyPair boxKeys, RoadStore store) {
        return estate(name, role, port, main, config, signer, boxKeys, store, SHARDS.get());
    }

    /** An estate whose engine has {@code shards} shards, interleaved in an order drawn from the seed. */
    RoadEngine estate(String name, String role, int port, boolean main, RoadConfig config, SigningKey signer,
            BoxKeyPair boxKeys, RoadStore store, int shards) {
        InetSocketAddress ha = address(port);
        LocalEstate local = new LocalEstate(name, role, main, 0, signer, boxKeys, ha, "localhost", 1, 1);
        long n = engines++;
        RoadEngine e = new RoadEngine(local, config, store, new SeededEntropy(seed * 1_000_003L + n), shards);
        if (shards > 1) {
            e.interleave(new Random(seed * 7_919L + n));
        }
        nodes.put(ha, e);
        events.put(ha, new ArrayList<>());
        return e;
    }

    /** Puts a datagram on the wire from {@code from} (an address of anyone's choosing) to {@code to}. */
    void inject(byte[] data, InetSocketAddress from, InetSocketAddress to) {
        wire.add(new InFlight(now + delay, seq++, data, from, to));
    }

    /** Takes an estate off the network (it stops; packets to its address become strays). */
    void remove(RoadEngine engine) {
        nodes.remove(engine.local().ha(), engine);
    }

    /** Replaces the engine at an address (a restart). */
    void replace(RoadEngine engine) {
        nodes.put(engine.local().ha(), engine);
    }

    static RoadConfig config() {
        return RoadConfig.defaults().withAuto(AutoMode.ALWAYS);
    }

    List<RoadEvent> events(RoadEngine e) {
        return events.get(e.local().ha());
    }

    <T extends RoadEvent> List<T> events(RoadEngine e, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (RoadEvent ev : events(e)) {
            if (type.isInstance(ev)) {
                out.add(type.cast(ev));
            }
        }
        return out;
    }

    private void collect() {
        for (RoadEngine e : nodes.values()) {
            Outgoing o;
            while ((o = e.pollOutgoing()) != null) {
                emit(o.data(), e.local().ha(), o.to());
            }
            RoadEvent ev;
            while ((ev = e.pollEvent()) != null) {
                events.get(e.local().ha()).add(ev);
            }
        }
    }

    private void emit(byte[] data, InetSocketAddress from, InetSocketAddress to) {
        tap.sent(now, data, from, to);
        if (muted.contains(from) || muted.contains(to)) {
            dropped++;
            return;
        }
        if (random.nextDouble() < loss || !filter.test(data)) {
            dropped++;
            return;
        }
        long sent = now;
        if (bottleneckRate > 0) {
            long interval = (long) (1e9 / bottleneckRate);
            long start = Math.max(now, linkFree.getOrDefault(to, now));
            if ((start - now) / interval >= bottleneckQueue) {
                dropped++;
                queueDrops++;
                return;
            }
            sent = start + interval;
            linkFree.put(to, sent);
        }
        int copies = random.nextDouble() < duplicate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long at = sent + delay + (random.nextDouble() < reorder ? (long) (random.nextDouble() * reorderDelay) : 0);
            wire.add(new InFlight(at, seq++, data, from, to));
        }
    }

    /** Advances the clock to the next due packet or timer (at most {@code maxStep}) and processes it. */
    void step(long maxStep) {
        collect();
        long next = now + maxStep;
        if (!wire.isEmpty()) {
            next = Math.min(next, wire.peek().at);
        }
        for (RoadEngine e : nodes.values()) {
            long w = e.nextWakeup();
            if (w != Long.MIN_VALUE && w < next) {
                next = Math.max(w, now);
            }
        }
        now = Math.max(now, next);
        while (!wire.isEmpty() && wire.peek().at <= now) {
            InFlight p = wire.poll();
            RoadEngine dst = nodes.get(p.to);
            if (dst != null) {
                delivered++;
                // Every packet due now reaches its shard before any runs: a sharded estate interleaves them.
                dst.deliver(p.data, 0, p.data.length, p.from, now);
            } else {
                strays.add(new Stray(p.from, p.to, p.data));
            }
        }
        for (RoadEngine e : nodes.values()) {
            e.settle(now);
            e.tick(now);
        }
        collect();
    }

    /** Runs until the condition holds or {@code maxNanos} of virtual time pass; returns whether it held. */
    boolean runUntil(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (now < end) {
            if (done.getAsBoolean()) {
                return true;
            }
            step(10 * MS);
        }
        return done.getAsBoolean();
    }

    void run(long nanos) {
        long end = now + nanos;
        while (now < end) {
            step(Math.min(10 * MS, end - now));
        }
    }
}
