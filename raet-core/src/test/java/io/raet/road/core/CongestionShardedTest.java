package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link CongestionTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class CongestionShardedTest extends CongestionTest {}
