package io.raet.road.core;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a simulation suite with every estate made of four shards, whose work the engine interleaves in an order drawn
 * from the seed (see {@link SimNetwork#SHARDS}): the suite's claims must hold whichever shard each remote falls to
 * and whatever one shard hands another.
 */
final class FourShards implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        SimNetwork.SHARDS.set(4);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SimNetwork.SHARDS.remove();
    }
}
