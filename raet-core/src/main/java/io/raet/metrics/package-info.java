/**
 * Micrometer meters of road estates, lane yards and routers ({@link io.raet.metrics.RoadMetrics},
 * {@link io.raet.metrics.LaneMetrics}, {@link io.raet.metrics.RouterMetrics}), built over the stacks' counter and
 * level maps, so that the engines know nothing of Micrometer and new counters appear without a change here.
 */
package io.raet.metrics;
