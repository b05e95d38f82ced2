package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link HandshakePacingTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class HandshakePacingShardedTest extends HandshakePacingTest {}
