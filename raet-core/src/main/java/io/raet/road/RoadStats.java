package io.raet.road;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of the engine: packets dropped by reason, sent, received, messages. Owned by the engine thread.
 *
 * <p>The counters touched for every packet are fields of an array indexed by {@link Counter}; the rarer ones
 * (drops by reason, errors) are kept by name. Both are turned into one map of names only by {@link #snapshot()}.
 */
public final class RoadStats {
    /** Counters updated on the packet path. */
    enum Counter {
        PACKETS_RECEIVED("packets_received"),
        PACKETS_SENT("packets_sent"),
        PACKETS_RESENT("packets_resent"),
        MESSAGES_RECEIVED("messages_received"),
        MESSAGES_DELIVERED("messages_delivered"),
        DROPPED("dropped");

        final String key;

        Counter(String key) {
            this.key = key;
        }
    }

    private static final Counter[] COUNTERS = Counter.values();
    private static final Map<String, Counter> BY_KEY = new HashMap<>();

    static {
        for (Counter c : COUNTERS) {
            BY_KEY.put(c.key, c);
        }
    }

    private final long[] fixed = new long[COUNTERS.length];
    /** Counters by name; the array holds the count so that an increment allocates nothing once the name exists. */
    private final Map<String, long[]> named = new HashMap<>();
    /** Drop counts by reason (reported as {@code drop_<reason>}). */
    private final Map<String, long[]> drops = new HashMap<>();

    void inc(Counter c) {
        fixed[c.ordinal()]++;
    }

    void inc(String name) {
        Counter c = BY_KEY.get(name);
        if (c != null) {
            fixed[c.ordinal()]++;
        } else {
            named.computeIfAbsent(name, k -> new long[1])[0]++;
        }
    }

    /** Counts a dropped packet: {@code dropped} and {@code drop_<reason>}. */
    void drop(String reason) {
        fixed[Counter.DROPPED.ordinal()]++;
        drops.computeIfAbsent(reason, k -> new long[1])[0]++;
    }

    public long get(String name) {
        Counter c = BY_KEY.get(name);
        if (c != null) {
            return fixed[c.ordinal()];
        }
        if (name.startsWith("drop_")) {
            long[] d = drops.get(name.substring(5));
            if (d != null) {
                return d[0];
            }
        }
        long[] v = named.get(name);
        return v == null ? 0 : v[0];
    }

    /** A copy of every counter that is not zero, by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, long[]> e : named.entrySet()) {
            out.put(e.getKey(), e.getValue()[0]);
        }
        for (Map.Entry<String, long[]> e : drops.entrySet()) {
            out.merge("drop_" + e.getKey(), e.getValue()[0], Long::sum);
        }
        for (Counter c : COUNTERS) {
            if (fixed[c.ordinal()] != 0) {
                out.put(c.key, fixed[c.ordinal()]);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
