package io.raet.road.core;

import io.raet.codec.RoadCodec;
import io.raet.crypto.SigningKey;
import java.net.InetSocketAddress;

/**
 * A datagram the engine wants sent. With {@code signLater} its signature is still to be made ({@link RoadShard
 * #deferSignatures}): the driver signs it ({@link #signed()}, or on a helper thread with {@link RoadCodec#sign})
 * before it goes.
 *
 * @param data the datagram
 * @param to where it goes
 * @param signLater the key to sign it with, or null when it is ready
 */
public record Outgoing(byte[] data, InetSocketAddress to, SigningKey signLater) {
    /** A datagram ready to go. */
    public Outgoing(byte[] data, InetSocketAddress to) {
        this(data, to, null);
    }

    /** {@return this datagram ready to go: signed here if its signature was deferred} */
    public Outgoing signed() {
        if (signLater == null) {
            return this;
        }
        RoadCodec.sign(data, signLater);
        return new Outgoing(data, to);
    }
}
