package io.raet.road;

import java.util.Map;
import java.util.TreeMap;

/** Counters of the engine: packets dropped by reason, sent, received, messages. Owned by the engine thread. */
public final class RoadStats {
    private final Map<String, Long> counts = new TreeMap<>();

    void inc(String name) {
        counts.merge(name, 1L, Long::sum);
    }

    public long get(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /** A copy of every counter. */
    public Map<String, Long> snapshot() {
        return new TreeMap<>(counts);
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
