package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ReplayTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class ReplayShardedTest extends ReplayTest {}
