package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SessionRenewalTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class SessionRenewalShardedTest extends SessionRenewalTest {}
