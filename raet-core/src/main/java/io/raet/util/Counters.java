package io.raet.util;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Typed counters: one slot per constant of an enum, each reported under its {@link Named#key()}. Counting allocates
 * nothing and is safe from any thread (the owner thread counts most; a caller refused at a queue counts too); a
 * reader sees each counter atomically, not all of them at one instant.
 *
 * <pre>{@code
 * enum LaneDrop implements Counters.Named { MISSED_PAGE("missed_page"); ... }
 * Counters<LaneDrop> drops = new Counters<>(LaneDrop.class);
 * drops.increment(LaneDrop.MISSED_PAGE);
 * drops.snapshot();   // {missed_page=1}
 * }</pre>
 */
public final class Counters<E extends Enum<E> & Counters.Named> {
    /** A counter's name in reports (metrics, {@code stats()} maps): lower case words joined by {@code _}. */
    public interface Named {
        String key();
    }

    private final E[] constants;
    private final AtomicLongArray values;

    public Counters(Class<E> type) {
        this.constants = type.getEnumConstants();
        this.values = new AtomicLongArray(constants.length);
    }

    public void increment(E counter) {
        values.incrementAndGet(counter.ordinal());
    }

    public void add(E counter, long n) {
        values.addAndGet(counter.ordinal(), n);
    }

    public long get(E counter) {
        return values.get(counter.ordinal());
    }

    /** The counter reported under {@code key}, or 0 when no counter has that name. */
    public long get(String key) {
        for (E c : constants) {
            if (c.key().equals(key)) {
                return values.get(c.ordinal());
            }
        }
        return 0;
    }

    /** Puts every counter that is not zero into {@code out} under {@code prefix + key}. */
    public void addTo(Map<String, Long> out, String prefix) {
        for (E c : constants) {
            long v = values.get(c.ordinal());
            if (v != 0) {
                out.put(prefix.isEmpty() ? c.key() : prefix + c.key(), v);
            }
        }
    }

    /** Every counter that is not zero, by name, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        addTo(out, "");
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
