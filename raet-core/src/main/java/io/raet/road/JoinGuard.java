package io.raet.road;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds what unauthenticated join requests can make the engine do. Join packets are neither signed nor encrypted
 * (§14.1), so anyone can send them from anywhere; each new request allocates a provisional remote and a
 * {@link Joinent}. The guard admits a new join request only when
 *
 * <ul>
 *   <li>the sending host (its IP address, whatever the port) has a token left in its bucket ({@link #rate} per second,
 *       bursts of {@link #burst}) — counted {@code drop_rate_limited} otherwise;
 *   <li>that host has fewer than {@link #maxPerHost} join correspondents in progress, and the engine fewer than
 *       {@link #maxTotal} — counted {@code drop_join_capacity} otherwise.
 * </ul>
 *
 * <p>A joiner sends its request at most a few times in 5 s (the reference's pace), so these limits only bite on
 * floods. Buckets are kept for at most {@link #MAX_HOSTS} hosts (least recently used are forgotten, which only
 * refills them).
 */
final class JoinGuard {
    static final int MAX_HOSTS = 4096;

    double rate = 20.0;
    double burst = 40.0;
    int maxPerHost = 64;
    int maxTotal = 1024;

    private static final class Bucket {
        double tokens;
        long at;
    }

    private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_HOSTS;
        }
    };
    private final Map<InetAddress, Integer> joinents = new HashMap<>();
    private int total;

    private static InetAddress host(InetSocketAddress src) {
        InetAddress a = src.getAddress();
        return a != null ? a : InetAddress.getLoopbackAddress();
    }

    /** Null when a new join request from {@code src} may start a join correspondent, else the drop reason. */
    String admit(InetSocketAddress src, long now) {
        InetAddress h = host(src);
        if (total >= maxTotal || joinents.getOrDefault(h, 0) >= maxPerHost) {
            return "join_capacity";
        }
        Bucket b = buckets.get(h);
        if (b == null) {
            b = new Bucket();
            b.tokens = burst;
            b.at = now;
            buckets.put(h, b);
        } else {
            double elapsed = Math.max(0, now - b.at) / 1e9;
            b.tokens = Math.min(burst, b.tokens + elapsed * rate);
            b.at = now;
        }
        if (b.tokens < 1.0) {
            return "rate_limited";
        }
        b.tokens -= 1.0;
        return null;
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
