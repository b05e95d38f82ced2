package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link BurstPacingTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class BurstPacingShardedTest extends BurstPacingTest {}
