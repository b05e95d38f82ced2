package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.road.HandshakeLimits;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins held for an operator's decision, and the decisions taken: in memory only (nothing of a pending join
 * reaches the keep or the remote it names), at most {@link HandshakeLimits#pendingJoins()} undecided at a time,
 * each forgotten {@link #TTL_NANOS} after it was last seen or decided. An identity is a name bound to a role and
 * its two keys; an operator accepts or rejects exactly that binding.
 */
final class PendingJoins {
    static final long TTL_NANOS = 600_000_000_000L;

    /** A name with the role and keys a joiner presented for it. */
    record Identity(String name, String role, VerifyKey verifyKey, PublicKey publicKey) {
        static Identity of(JoinBody d) {
            return new Identity(d.name(), d.role(), d.verifyKey(), d.publicKey());
        }

        static Identity of(Remote r) {
            return new Identity(r.name(), r.role(), r.verifyKey(), r.publicKey());
        }

        static Identity of(RoadEvent.JoinPending p) {
            return new Identity(p.name(), p.role(), VerifyKey.fromHex(p.verhex()), PublicKey.fromHex(p.pubhex()));
        }

        boolean matches(Remote r) {
            return name.equals(r.name()) && role.equals(r.role()) && verifyKey.equals(r.verifyKey())
                    && publicKey.equals(r.publicKey());
        }
    }

    enum Outcome {
        /** Newly held: tell the operator. */
        NEW,
        /** Held already (a repeated request): the operator knows. */
        AGAIN,
        /** An operator accepted it: go on with the join. */
        APPROVED,
        /** No room for another undecided join. */
        FULL
    }

    static final class Entry {
        final Identity identity;
        InetSocketAddress address;
        long expires;
        boolean approved;
        /** The join transaction waiting for the decision, if one is still running. */
        Transaction live;

        Entry(Identity identity, InetSocketAddress address) {
            this.identity = identity;
            this.address = address;
        }

        RoadEvent.JoinPending event() {
            return new RoadEvent.JoinPending(identity.name(), identity.role(), address, identity.verifyKey().hex(),
                    identity.publicKey().hex());
        }
    }

    private final int max;
    private final Map<Identity, Entry> entries = new LinkedHashMap<>();
    private int undecided;

    PendingJoins(int max) {
        this.max = max;
    }

    /** Holds the join of {@code id} from {@code address}, run by {@code live}; says what to do with it. */
    Outcome pend(Identity id, InetSocketAddress address, Transaction live, long now) {
        expire(now);
        Entry e = entries.get(id);
        if (e != null) {
            e.expires = now + TTL_NANOS;
            if (e.approved) {
                return Outcome.APPROVED;
            }
            e.address = address;
            e.live = live;
            return Outcome.AGAIN;
        }
        if (undecided >= max) {
            return Outcome.FULL;
        }
        e = new Entry(id, address);
        e.expires = now + TTL_NANOS;
        e.live = live;
        entries.put(id, e);
        undecided++;
        return Outcome.NEW;
    }

    /** Whether an operator accepted {@code id} (and the decision has not been used or forgotten). */
    boolean approved(Identity id, long now) {
        expire(now);
        Entry e = entries.get(id);
        return e != null && e.approved;
    }

    /** Records an operator's acceptance of {@code id}; returns its entry (a new one when it was not pending). */
    Entry approve(Identity id, InetSocketAddress address, long now) {
        expire(now);
        Entry e = entries.get(id);
        if (e == null) {
            e = new Entry(id, address);
            entries.put(id, e);
        } else if (!e.approved) {
            undecided--;
        }
        e.approved = true;
        e.expires = now + TTL_NANOS;
        return e;
    }

    /** Forgets {@code id} (an operator rejected it, or a join used the acceptance); returns its entry or null. */
    Entry remove(Identity id) {
        Entry e = entries.remove(id);
        if (e != null && !e.approved) {
            undecided--;
        }
        return e;
    }

    /** The transaction {@code t} ended: it no longer waits for a decision. */
    void ended(Transaction t) {
        for (Entry e : entries.values()) {
            if (e.live == t) {
                e.live = null;
            }
        }
    }

    /** Joins waiting for a decision. */
    List<RoadEvent.JoinPending> list(long now) {
        expire(now);
        List<RoadEvent.JoinPending> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (!e.approved) {
                out.add(e.event());
            }
        }
        return out;
    }

    int undecided() {
        return undecided;
    }

    private void expire(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.expires >= 0) {
                it.remove();
                if (!e.approved) {
                    undecided--;
                }
            }
        }
    }
}
