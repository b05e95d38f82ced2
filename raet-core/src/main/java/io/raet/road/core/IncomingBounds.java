package io.raet.road.core;

import io.raet.road.RoadLimits;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bounds on incoming messages being reassembled that every remote shares ({@link RoadLimits#maxIncomplete()},
 * {@link RoadLimits#maxIncompleteBytes()}) along with each remote's own, and whether new messages are admitted at
 * all (not while the application's inbox is full). A remote that fills a shared bound gives way to one holding less.
 *
 * <p>Owned by the endpoint and used under its lock, by every shard. Each message's share is booked here, so a shard
 * can make room with another shard's message: the message's share is given back at once (the bound holds at every
 * moment) and its own shard ends it, with a nack, as soon as it runs (at once when it is the caller's shard).
 */
final class IncomingBounds {
    private final RoadLimits limits;
    /** Every remote on the road (a live view of the endpoint's table). */
    private final Collection<Peer> peers;
    /** Whether new incoming messages are admitted (read by every shard without the lock). */
    volatile boolean accepting = true;
    /** Incoming messages being reassembled, all remotes together, and the bytes held for them. */
    private int incomplete;
    private long incompleteBytes;
    /** Every message admitted and not ended or evicted, oldest first, with the bytes it holds. */
    private final Map<Messengent, long[]> holding = new LinkedHashMap<>();

    IncomingBounds(RoadLimits limits, Collection<Peer> peers) {
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
     * Admits a new incoming message within {@link RoadLimits#maxIncompletePerRemote()} and
     * {@link RoadLimits#maxIncomplete()}, making room in the latter when another remote holds more; counted
     * {@code drop_incomplete_limit} (on {@code shard}) when refused.
     */
    boolean admit(RoadShard shard, Messengent m) {
        Peer p = m.peer;
        if (atRemoteBound(p, limits)
                || incomplete >= limits.maxIncomplete() && !evict(shard, p, false, 1)) {
            shard.ctx.drop(DropReason.INCOMPLETE_LIMIT);
            return false;
        }
        p.load.incomplete++;
        incomplete++;
        holding.put(m, new long[1]);
        return true;
    }

    /** Whether {@code p} holds as many incoming messages as one remote may ({@link RoadLimits#maxIncompletePerRemote()}). */
    static boolean atRemoteBound(Peer p, RoadLimits limits) {
        return p.load.incomplete >= limits.maxIncompletePerRemote();
    }

    /**
     * Holds {@code bytes} more for message {@code m}, within the per-remote and total bounds (making room in the
     * total when another remote holds more); counted {@code drop_incomplete_bytes_limit} when refused. A message
     * evicted meanwhile holds nothing more.
     */
    boolean hold(RoadShard shard, Messengent m, long bytes) {
        Peer p = m.peer;
        long[] held = holding.get(m);
        if (held == null) {
            shard.ctx.drop(DropReason.INCOMPLETE_BYTES_LIMIT);
            return false;
        }
        if (p.load.incompleteBytes + bytes > limits.maxIncompleteBytesPerRemote()) {
            shard.ctx.drop(DropReason.INCOMPLETE_BYTES_LIMIT);
            return false;
        }
        while (incompleteBytes + bytes > limits.maxIncompleteBytes()) {
            if (!evict(shard, p, true, bytes)) {
                shard.ctx.drop(DropReason.INCOMPLETE_BYTES_LIMIT);
                return false;
            }
        }
        p.load.incompleteBytes += bytes;
        incompleteBytes += bytes;
        held[0] += bytes;
        return true;
    }

    /** Gives back bytes held for a segment of {@code m} that was not kept after all. */
    void releaseBytes(Messengent m, long bytes) {
        long[] held = holding.get(m);
        if (held != null) {
            m.peer.load.incompleteBytes -= bytes;
            incompleteBytes -= bytes;
            held[0] -= bytes;
        }
    }

    /** An incoming message ended (delivered, refused or dropped): what it holds is given back, unless evicted. */
    void release(Messengent m) {
        long[] held = holding.remove(m);
        if (held != null) {
            giveBack(m.peer, held[0]);
        }
    }

    private void giveBack(Peer p, long bytes) {
        p.load.incomplete--;
        incomplete--;
        p.load.incompleteBytes -= bytes;
        incompleteBytes -= bytes;
    }

    /**
     * Ends the oldest incomplete message of the remote holding the most (by bytes or by count) when that is not
     * {@code requester} and it holds more than {@code requester} would after taking {@code amount}. Counted
     * {@code incomplete_evicted}.
     */
    private boolean evict(RoadShard shard, Peer requester, boolean byBytes, long amount) {
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
        for (Iterator<Map.Entry<Messengent, long[]>> it = holding.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Messengent, long[]> e = it.next();
            Messengent m = e.getKey();
            if (m.peer == most) {
                it.remove();
                giveBack(most, e.getValue()[0]);
                shard.ctx.count(RoadCounter.INCOMPLETE_EVICTED);
                shard.endEvicted(m);
                return true;
            }
        }
        return false;
    }
}
