package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link DeliveryFailureTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class DeliveryFailureShardedTest extends DeliveryFailureTest {}
