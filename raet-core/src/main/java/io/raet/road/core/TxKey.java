package io.raet.road.core;

import io.raet.codec.RoadHead;
import java.net.InetSocketAddress;

/**
 * Identity of a transaction, as the reference's index {@code (rf, le, re, si, ti, bf)}: {@code remoteId} is the
 * far id as a {@link Long}, or the remote's address during a vacuous join.
 */
record TxKey(boolean correspondent, long localId, Object remoteId, long si, long ti) {
    /** The key of the transaction a received packet belongs to (ours as correspondent when the sender initiated). */
    static TxKey of(RoadHead h, InetSocketAddress src) {
        Object remoteId = (h.se() == 0 && h.cf()) || (h.de() == 0 && !h.cf()) ? src : (Object) h.se();
        return new TxKey(!h.cf(), h.de(), remoteId, h.si(), h.ti());
    }
}
