package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ForgedJoinReplayTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class ForgedJoinReplayShardedTest extends ForgedJoinReplayTest {}
