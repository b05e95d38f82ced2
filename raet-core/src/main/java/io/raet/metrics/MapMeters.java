package io.raet.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Meters over a map of values by name (a stack's {@code stats()} or {@code levels()}): one meter a name, registered
 * when the name first appears, so that counters added to the engines show up without a change here.
 *
 * <p>The map is read at most once a {@value #MAX_AGE_MILLIS} ms however many meters report, and at once by
 * {@link #refresh()}. Like Micrometer's own binders, the meters hold the monitored object weakly: they report
 * nothing (NaN) once it is gone.
 */
final class MapMeters implements StatsBinder {
    static final long MAX_AGE_MILLIS = 1000;

    /** Where a name of the map goes: a meter name and the tags that set it apart (null: the name is left out). */
    record Target(String name, Tags tags, String description) {}

    private final Object monitored;
    private final Supplier<Map<String, Long>> source;
    private final Function<String, Target> naming;
    private final boolean counters;
    private final Tags tags;
    private final List<Bound> bound = new ArrayList<>();
    private volatile Map<String, Long> values = Map.of();
    private volatile long takenAt;
    private volatile boolean taken;

    private record Bound(MeterRegistry registry, Set<String> names) {}

    private MapMeters(Object monitored, Supplier<Map<String, Long>> source, Function<String, Target> naming,
            boolean counters, Tags tags) {
        this.monitored = monitored;
        this.source = source;
        this.naming = naming;
        this.counters = counters;
        this.tags = tags;
    }

    /** Every name of {@code source} a counter (they only grow). */
    static MapMeters counters(Object monitored, Supplier<Map<String, Long>> source, Tags tags,
            Function<String, Target> naming) {
        return new MapMeters(monitored, source, naming, true, tags);
    }

    /** Every name of {@code source} a gauge {@code prefix.name} (dots for underscores). */
    static MapMeters gauges(Object monitored, Supplier<Map<String, Long>> source, Tags tags, String prefix,
            String what) {
        return new MapMeters(monitored, source,
                key -> new Target(dotted(prefix, key), Tags.empty(), what + " " + key), false, tags);
    }

    /** {@code prefix.key} with the underscores of the key as dots: {@code raet.road.packets.sent}. */
    static String dotted(String prefix, String key) {
        return prefix + "." + key.replace('_', '.');
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        bound.add(new Bound(registry, new HashSet<>()));
        refresh();
    }

    @Override
    public synchronized void refresh() {
        Map<String, Long> now = read();
        for (Bound b : bound) {
            for (String key : now.keySet()) {
                if (b.names().add(key)) {
                    register(b.registry(), key);
                }
            }
        }
    }

    private Map<String, Long> read() {
        Map<String, Long> now;
        try {
            now = source.get();
        } catch (RuntimeException e) {
            now = values; // a closing stack: keep what was last read
        }
        values = now;
        takenAt = System.nanoTime();
        taken = true;
        return now;
    }

    private void register(MeterRegistry registry, String key) {
        Target t = naming.apply(key);
        if (t == null) {
            return;
        }
        Tags all = tags.and(t.tags());
        try {
            if (counters) {
                FunctionCounter.builder(t.name(), monitored, m -> value(key, 0))
                        .tags(all).description(t.description()).register(registry);
            } else {
                Gauge.builder(t.name(), monitored, m -> value(key, Double.NaN))
                        .tags(all).description(t.description()).register(registry);
            }
        } catch (RuntimeException e) {
            // a registry that refuses the meter (e.g. a name already used with other tag keys): leave it out
        }
    }

    private double value(String key, double absent) {
        if (!taken || System.nanoTime() - takenAt > MAX_AGE_MILLIS * 1_000_000L) {
            synchronized (this) {
                if (!taken || System.nanoTime() - takenAt > MAX_AGE_MILLIS * 1_000_000L) {
                    read();
                }
            }
        }
        Long v = values.get(key);
        return v == null ? absent : v;
    }
}
