package io.raet.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.raet.router.Router;
import java.util.List;
import java.util.Map;

/**
 * The meters of a {@link Router}: those of its road estate ({@link RoadMetrics}) and its lane yard
 * ({@link LaneMetrics}), and its own, tagged {@code estate=<name>}: each {@code route_<outcome>} of
 * {@link Router#stats()} as {@code raet.router.routes} tagged {@code outcome} ({@code to_road},
 * {@code to_lane}, {@code denied}, {@code unknown_destination}, …), every other counter of its own as {@code raet.router.<name>}
 * ({@code forward_failed_lane} → {@code raet_router_forward_failed_lane_total}), and the gauge
 * {@code raet.router.estates} (estates messages can be routed to).
 */
public final class RouterMetrics extends CompositeBinder {
    /**
     * The meters of {@code router}.
     *
     * @param router the router to measure
     */
    public RouterMetrics(Router router) {
        this(router, Tags.empty());
    }

    /**
     * With {@code tags} added to every meter.
     *
     * @param router the router to measure
     * @param tags added to every meter
     */
    public RouterMetrics(Router router, Iterable<Tag> tags) {
        Tags t = Tags.of("estate", router.name()).and(tags);
        super(List.of(new RoadMetrics(router.road(), tags), new LaneMetrics(router.lane(), tags),
                MapMeters.counters(router, router::stats, t, RouterMetrics::counter),
                MapMeters.gauges(router, () -> Map.of("estates", (long) router.estates().size()), t,
                        "raet.router", "router level")));
    }

    static MapMeters.Target counter(String key) {
        if (key.startsWith("road_") || key.startsWith("lane_")) {
            return null; // the road's and the lane's own meters
        }
        if (key.startsWith("route_")) {
            return new MapMeters.Target("raet.router.routes", Tags.of("outcome", key.substring(6)),
                    "messages routed, by outcome");
        }
        return new MapMeters.Target(MapMeters.dotted("raet.router", key), Tags.empty(), "router counter " + key);
    }
}
