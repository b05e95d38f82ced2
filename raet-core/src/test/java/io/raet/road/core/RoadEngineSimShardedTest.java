package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RoadEngineSimTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class RoadEngineSimShardedTest extends RoadEngineSimTest {}
