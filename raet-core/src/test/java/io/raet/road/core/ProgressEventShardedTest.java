package io.raet.road.core;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ProgressEventTest} with every estate of four shards. */
@ExtendWith(FourShards.class)
class ProgressEventShardedTest extends ProgressEventTest {}
