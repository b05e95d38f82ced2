package io.raet.road.core;

import io.raet.road.RoadLimits;
import java.util.Collection;

/**
 * The bounds on incoming messages being reassembled that every remote shares ({@link RoadLimits#maxIncomplete()},
 * {@link RoadLimits#maxIncompleteBytes()}) along with each remote's own, and whether new messages are admitted at
 * all (not while the application's inbox is full). A remote that fills a shared bound gives way to one holding less.
 * Owned by the endpoint.
 */
final class IncomingBounds {
    private final TxContext ctx;
    private final RoadLimits limits;
    /** Every remote on the road (a live view of the endpoint's table). */
    private final Collection<Peer> peers;
    /** Whether new incoming messages are admitted. */
    boolean accepting = true;
    /** Incoming messages being reassembled, all remotes together, and the bytes held for them. */
    private int incomplete;
    private long incompleteBytes;

    IncomingBounds(TxContext ctx, RoadLimits limits, Collection<Peer> peers) {
        this.ctx = ctx;
        this.limits = limits;
        this.peers = peers;
    }

    int messages() {
        return incomplete;
    }

    long bytes() {
        return incompleteBytes;
    }

    /**
     * Admits a new incoming message of {@code p} within {@link RoadLimits#maxIncompletePerRemote()} and
     * {@link RoadLimits#maxIncomplete()}, making room in the latter when another remote holds more; counted
     * {@code drop_incomplete_limit} when refused.
     */
    boolean admit(Peer p) {
        if (p.load.incomplete >= limits.maxIncompletePerRemote()
                || incomplete >= limits.maxIncomplete() && !evict(p, false, 1)) {
            ctx.drop(DropReason.INCOMPLETE_LIMIT);
            return false;
        }
        p.load.incomplete++;
        incomplete++;
        return true;
    }

    /**
     * Holds {@code bytes} more for a message of {@code p}, within the per-remote and total bounds (making room in the
     * total when another remote holds more); counted {@code drop_incomplete_bytes_limit} when refused.
     */
    boolean hold(Peer p, long bytes) {
        if (p.load.incompleteBytes + bytes > limits.maxIncompleteBytesPerRemote()) {
            ctx.drop(DropReason.INCOMPLETE_BYTES_LIMIT);
            return false;
        }
        while (incompleteBytes + bytes > limits.maxIncompleteBytes()) {
            if (!evict(p, true, bytes)) {
                ctx.drop(DropReason.INCOMPLETE_BYTES_LIMIT);
                return false;
            }
        }
        p.load.incompleteBytes += bytes;
        incompleteBytes += bytes;
        return true;
    }

    /** Gives back bytes held for a segment that was not kept after all. */
    void releaseBytes(Peer p, long bytes) {
        p.load.incompleteBytes -= bytes;
        incompleteBytes -= bytes;
    }

    /** An incoming message of {@code p} that held {@code bytes} ended (delivered, refused or dropped). */
    void release(Peer p, long bytes) {
        p.load.incomplete--;
        incomplete--;
        releaseBytes(p, bytes);
    }

    /**
     * Ends the oldest incomplete message of the remote holding the most (by bytes or by count) when that is not
     * {@code requester} and it holds more than {@code requester} would after taking {@code amount}. Counted
     * {@code incomplete_evicted}.
     */
    private boolean evict(Peer requester, boolean byBytes, long amount) {
        Peer most = null;
        long mostHeld = -1;
        for (Peer p : peers) {
            long held = byBytes ? p.load.incompleteBytes : p.load.incomplete;
            if (held > mostHeld) {
                most = p;
                mostHeld = held;
            }
        }
        long requesterHeld = byBytes ? requester.load.incompleteBytes : requester.load.incomplete;
        if (most == null || most == requester || mostHeld <= requesterHeld + amount) {
            return false;
        }
        for (Transaction tx : most.transactions) {
            if (tx instanceof Messengent m && m.holding()) {
                ctx.count(RoadCounter.INCOMPLETE_EVICTED);
                m.refuse();
                return true;
            }
        }
        return false;
    }
}
