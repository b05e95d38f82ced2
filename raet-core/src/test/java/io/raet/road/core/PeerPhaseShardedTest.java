package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link PeerPhaseTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class PeerPhaseShardedTest extends PeerPhaseTest {}
