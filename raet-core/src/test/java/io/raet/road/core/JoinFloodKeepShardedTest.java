package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link JoinFloodKeepTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class JoinFloodKeepShardedTest extends JoinFloodKeepTest {}
