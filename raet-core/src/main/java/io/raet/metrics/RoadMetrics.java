package io.raet.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.raet.road.RoadStack;
import java.util.List;

/**
 * The meters of a road estate ({@link RoadStack}), tagged {@code estate=<name>}.
 *
 * <p>Counters, from {@link RoadStack#stats()}: each {@code drop_<reason>} as {@code raet.road.drops} tagged
 * {@code reason}; every other name as {@code raet.road.<name>} with dots for underscores
 * ({@code packets_sent} → {@code raet.road.packets.sent}, in Prometheus {@code raet_road_packets_sent_total}).
 * Gauges, from {@link RoadStack#levels()}: {@code raet.road.remotes}, {@code raet.road.remotes.joined|allowed|alive},
 * {@code raet.road.messages.in.flight}, {@code raet.road.queue.inbox|waiting.allow|commands|unsent}.
 */
public final class RoadMetrics extends CompositeBinder {
    /**
     * The meters of {@code stack}.
     *
     * @param stack the road stack to measure
     */
    public RoadMetrics(RoadStack stack) {
        this(stack, Tags.empty());
    }

    /**
     * With {@code tags} added to every meter.
     *
     * @param stack the road stack to measure
     * @param tags added to every meter
     */
    public RoadMetrics(RoadStack stack, Iterable<Tag> tags) {
        Tags t = Tags.of("estate", stack.name()).and(tags);
        super(List.of(MapMeters.counters(stack, stack::stats, t, RoadMetrics::counter),
                MapMeters.gauges(stack, stack::levels, t, "raet.road", "road level")));
    }

    static MapMeters.Target counter(String key) {
        if (key.startsWith("drop_")) {
            return new MapMeters.Target("raet.road.drops", Tags.of("reason", key.substring(5)),
                    "road datagrams dropped, by reason");
        }
        return new MapMeters.Target(MapMeters.dotted("raet.road", key), Tags.empty(), "road counter " + key);
    }
}
