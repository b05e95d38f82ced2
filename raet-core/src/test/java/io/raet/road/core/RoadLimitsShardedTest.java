package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RoadLimitsTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class RoadLimitsShardedTest extends RoadLimitsTest {}
