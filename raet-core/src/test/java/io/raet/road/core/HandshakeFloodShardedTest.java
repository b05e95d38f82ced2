package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link HandshakeFloodTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class HandshakeFloodShardedTest extends HandshakeFloodTest {}
