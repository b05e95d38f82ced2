package io.raet.road.core;

import io.raet.road.HandshakeLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds what unauthenticated join requests can make the engine do, and paces the handshakes it starts on its own
 * ({@link HandshakeLimits}). Join packets are neither signed nor encrypted (§14.1), so anyone can send them from
 * anywhere; each new request allocates a provisional remote and a {@link Joinent}. The guard admits a new join
 * request only when
 *
 * <ul>
 *   <li>the sending host (its IP address, whatever the port) has a token left in its bucket
 *       ({@link HandshakeLimits#joinsPerSecond()}, bursts of {@link HandshakeLimits#joinBurst()}) — counted
 *       {@code drop_rate_limited} otherwise;
 *   <li>that host has fewer than {@link HandshakeLimits#joinsPerHost()} join correspondents in progress, and the
 *       engine fewer than {@link HandshakeLimits#joins()} — counted {@code drop_join_capacity} otherwise.
 * </ul>
 *
 * <p>A joiner sends its request at most a few times in 5 s (the reference's pace), so these limits only bite on
 * floods. Buckets are kept for at most {@link #MAX_HOSTS} hosts (least recently used are forgotten, which only
 * refills them).
 */
final class JoinGuard {
    static final int MAX_HOSTS = 4096;

    final HandshakeLimits limits;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        /** Refills at {@code rate} per second up to {@code burst}, then takes a token if there is one. */
        boolean take(long now, double rate, double burst) {
            double elapsed = Math.max(0, now - at) / 1e9;
            tokens = Math.min(burst, tokens + elapsed * rate);
            at = Math.max(at, now);
            if (tokens < 1.0) {
                return false;
            }
            tokens -= 1.0;
            return true;
        }
    }

    private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_HOSTS;
        }
    };
    private final Map<InetAddress, Integer> joinents = new HashMap<>();
    private int total;
    private Bucket handshakes;

    JoinGuard(HandshakeLimits limits) {
        this.limits = limits;
    }

    private static InetAddress host(InetSocketAddress src) {
        InetAddress a = src.getAddress();
        return a != null ? a : InetAddress.getLoopbackAddress();
    }

    /** Null when a new join request from {@code src} may start a join correspondent, else the drop reason. */
    DropReason admit(InetSocketAddress src, long now) {
        InetAddress h = host(src);
        if (total >= limits.joins() || joinents.getOrDefault(h, 0) >= limits.joinsPerHost()) {
            return DropReason.JOIN_CAPACITY;
        }
        Bucket b = buckets.computeIfAbsent(h, k -> new Bucket(limits.joinBurst(), now));
        return b.take(now, limits.joinsPerSecond(), limits.joinBurst()) ? null : DropReason.RATE_LIMITED;
    }

    /** Whether the engine may start a handshake of its own now (heartbeats of remotes that are not allowed). */
    boolean mayStartHandshake(long now) {
        double rate = limits.handshakesPerSecond();
        double burst = Math.max(1.0, 2 * rate);
        if (handshakes == null) {
            handshakes = new Bucket(burst, now);
        }
        return handshakes.take(now, rate, burst);
    }

    void started(InetSocketAddress src) {
        joinents.merge(host(src), 1, Integer::sum);
        total++;
    }

    void ended(InetSocketAddress src) {
        InetAddress h = host(src);
        Integer n = joinents.get(h);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            joinents.remove(h);
        } else {
            joinents.put(h, n - 1);
        }
        total--;
    }

    /** Join correspondents in progress. */
    int inProgress() {
        return total;
    }
}
