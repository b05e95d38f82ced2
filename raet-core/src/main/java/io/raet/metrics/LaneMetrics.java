package io.raet.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.raet.lane.LaneStack;
import io.raet.lane.core.LaneDrop;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The meters of a lane yard ({@link LaneStack}), tagged {@code lane=<lane>} and {@code yard=<name>}.
 *
 * <p>Counters, from {@link LaneStack#stats()}: the pages and messages the yard discards ({@link LaneDrop}:
 * {@code invalid_page}, {@code duplicate_page}, {@code stale_book}, …, and any {@code drop_<reason>}) as
 * {@code raet.lane.drops} tagged {@code reason}; every other name as {@code raet.lane.<name>} with dots for
 * underscores ({@code pages_received} → {@code raet_lane_pages_received_total}). Gauges, from
 * {@link LaneStack#levels()}: {@code raet.lane.yards}, {@code raet.lane.partial.books|bytes},
 * {@code raet.lane.queue.inbox|outgoing|commands}.
 */
public final class LaneMetrics extends CompositeBinder {
    /** Lane counters that count a received page or message that was discarded: the {@link LaneDrop} reasons. */
    static final Set<String> DROPS = Arrays.stream(LaneDrop.values()).map(LaneDrop::key)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * The meters of {@code stack}.
     *
     * @param stack the lane stack to measure
     */
    public LaneMetrics(LaneStack stack) {
        this(stack, Tags.empty());
    }

    /**
     * With {@code tags} added to every meter.
     *
     * @param stack the lane stack to measure
     * @param tags added to every meter
     */
    public LaneMetrics(LaneStack stack, Iterable<Tag> tags) {
        Tags t = Tags.of("lane", stack.lane(), "yard", stack.name()).and(tags);
        super(List.of(MapMeters.counters(stack, stack::stats, t, LaneMetrics::counter),
                MapMeters.gauges(stack, stack::levels, t, "raet.lane", "lane level")));
    }

    static MapMeters.Target counter(String key) {
        String reason = key.startsWith("drop_") ? key.substring(5) : DROPS.contains(key) ? key : null;
        if (reason != null) {
            return new MapMeters.Target("raet.lane.drops", Tags.of("reason", reason),
                    "lane pages and messages dropped, by reason");
        }
        return new MapMeters.Target(MapMeters.dotted("raet.lane", key), Tags.empty(), "lane counter " + key);
    }
}
