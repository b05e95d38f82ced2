package io.raet.road.core;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of a road: one slot per {@link RoadCounter}, per {@link DropReason} (reported as {@code drop_<key>}) and
 * per {@link JoinRefusal} (reported as {@code join_refused_<code>}). Counting allocates nothing. Each shard has its
 * own, owned by its thread; {@link #snapshot()} turns them into one map of names.
 */
public final class RoadStats {
    private static final RoadCounter[] COUNTERS = RoadCounter.values();
    private static final DropReason[] DROPS = DropReason.values();
    private static final JoinRefusal[] REFUSALS = JoinRefusal.values();
    /** Every reported name: its array ({@code 0} counters, {@code 1} drops, {@code 2} refusals) and slot. */
    private static final Map<String, int[]> BY_KEY = new HashMap<>();

    static {
        for (RoadCounter c : COUNTERS) {
            BY_KEY.put(c.key(), new int[] {0, c.ordinal()});
        }
        for (DropReason d : DROPS) {
            BY_KEY.put("drop_" + d.key(), new int[] {1, d.ordinal()});
        }
        for (JoinRefusal r : REFUSALS) {
            BY_KEY.put(r.key(), new int[] {2, r.ordinal()});
        }
    }

    private final long[] counters = new long[COUNTERS.length];
    private final long[] drops = new long[DROPS.length];
    private final long[] refusals = new long[REFUSALS.length];

    public void count(RoadCounter c) {
        counters[c.ordinal()]++;
    }

    void count(RoadCounter c, long n) {
        counters[c.ordinal()] += n;
    }

    /** Counts a dropped packet: {@code dropped} and {@code drop_<reason>}. */
    public void drop(DropReason reason) {
        counters[RoadCounter.DROPPED.ordinal()]++;
        drops[reason.ordinal()]++;
    }

    /** Counts {@code n} dropped packets of one reason. */
    void drop(DropReason reason, long n) {
        counters[RoadCounter.DROPPED.ordinal()] += n;
        drops[reason.ordinal()] += n;
    }

    /** Counts a refused join: {@code join_refused} and {@code join_refused_<code>}. */
    public void refused(JoinRefusal code) {
        counters[RoadCounter.JOIN_REFUSED.ordinal()]++;
        refusals[code.ordinal()]++;
    }

    /** Adds every counter of {@code other} to these (a sum over shards). */
    void add(RoadStats other) {
        for (int i = 0; i < counters.length; i++) {
            counters[i] += other.counters[i];
        }
        for (int i = 0; i < drops.length; i++) {
            drops[i] += other.drops[i];
        }
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] += other.refusals[i];
        }
    }

    public long get(RoadCounter c) {
        return counters[c.ordinal()];
    }

    public long get(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** The counter reported under {@code name} (0 for a name no counter has). */
    public long get(String name) {
        int[] slot = BY_KEY.get(name);
        if (slot == null) {
            return 0;
        }
        return switch (slot[0]) {
            case 0 -> counters[slot[1]];
            case 1 -> drops[slot[1]];
            default -> refusals[slot[1]];
        };
    }

    /** A copy of every counter that is not zero, by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        for (RoadCounter c : COUNTERS) {
            put(out, c.key(), counters[c.ordinal()]);
        }
        for (DropReason d : DROPS) {
            put(out, "drop_" + d.key(), drops[d.ordinal()]);
        }
        for (JoinRefusal r : REFUSALS) {
            put(out, r.key(), refusals[r.ordinal()]);
        }
        return out;
    }

    private static void put(Map<String, Long> out, String key, long value) {
        if (value != 0) {
            out.put(key, value);
        }
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
