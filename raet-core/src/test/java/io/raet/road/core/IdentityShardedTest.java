package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link IdentityTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class IdentityShardedTest extends IdentityTest {}
