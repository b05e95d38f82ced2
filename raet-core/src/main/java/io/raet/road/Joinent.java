package io.raet.road;

import io.raet.codec.Body;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import java.net.InetSocketAddress;

/**
 * Correspondent of a join (§6.4): accepts or refuses the joiner's keys and gives it its id.
 *
 * <p>Stricter than the reference, because a join is not authenticated:
 * <ul>
 *   <li>A name stays bound to the keys and the role it was proven with. A join presenting other keys or another
 *       role for it is refused, or held pending an operator's decision (auto mode never) without touching the
 *       remote; only an operator's acceptance rebinds the name. The local estate's name cannot be claimed, and a
 *       role bound to a proven remote keeps its keys whatever the auto mode.
 *   <li>A join of a known remote changes nothing about it: not its address, id, session or replay state. What it
 *       asks to change (mutable roads only) waits for the remote's next authenticated allow ({@link Allowent}).
 *   <li>A remote new to us is in no table until its join completes, then lives in memory only until it signs a
 *       packet with its keys ({@link RoadEngine#prove}); nothing of a pending or unfinished join is kept.
 *   <li>The response is re-sent at most {@value #MAX_RESENDS} times on the timer; later copies only answer the
 *       joiner's repeated requests, one for one.
 * </ul>
 */
final class Joinent extends Transaction {
    static final int MAX_RESENDS = 3;

    private final boolean vacuous;
    /** The remote is new to us (or a new identity for a known name): it enters the road when the join completes. */
    private final boolean fresh;
    /** The known remote whose name this join would bind to another identity. */
    private Peer replaces;
    private Peer.JoinProposal proposal;
    private PendingJoins.Identity identity;
    /** We hold the join for an operator's decision. */
    private boolean pended;
    /** The joiner holds our answer for its own operator. */
    private boolean joinerPended;
    private byte[] response;
    private int resends;

    private Joinent(RoadEngine engine, Peer peer, boolean vacuous, boolean fresh) {
        super(engine, peer, TransactionKind.JOIN, true);
        this.vacuous = vacuous;
        this.fresh = fresh;
        this.bk = engine.bodyKind();
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NADA;
    }

    /**
     * @param candidate for a vacuous request, the remote of the join in progress from this address or a new one in
     *     no table; otherwise the known remote the request names
     */
    static void start(RoadEngine engine, Peer candidate, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        RoadHead h = packet.head();
        boolean vacuous = h.de() == 0;
        JoinBody d = JoinBody.receive(engine, packet, false);
        if (d == null) {
            return;
        }
        Peer known = vacuous ? engine.peer(d.name()) : candidate;
        if (known != null && vacuous && !known.remote.isProven() && !d.sameRoleKeys(known.remote)
                && known.transactions.isEmpty()) {
            // A name held only by a remote that never proved its keys is not bound yet: the newer join takes it.
            engine.stats.count(RoadCounter.UNPROVEN_REMOTE_REPLACED);
            engine.removeRemote(known, false);
            known = null;
        }
        boolean rebind = known != null && !d.sameRoleKeys(known.remote)
                && !(!vacuous && engine.config.mutable() && d.renames(known.remote));
        Peer peer;
        if (known != null && !rebind) {
            peer = known;
        } else if (!engine.isAdded(candidate) && candidate.remote.name() == null && candidate.transactions.isEmpty()) {
            peer = candidate;
        } else {
            peer = new Peer(new Remote(null, engine.nextUid(), 0, src));
        }
        Remote remote = peer.remote;
        Joinent j = new Joinent(engine, peer, vacuous, peer != known);
        j.correspond(h, key, src);
        j.identity = PendingJoins.Identity.of(d);

        if (d.name().equals(engine.local.name)) {
            j.refuse(PacketKind.REJECT, JoinRefusal.LOCAL_NAME, "the name of this estate");
            return;
        }
        if (peer == known) {
            // Concurrent joins on the same remote (§6.4 step 2).
            if (known.joinent != null) {
                j.sendEmpty(PacketKind.REFUSE);
                return;
            }
            Joiner local = known.joiner;
            if (local != null) {
                boolean refuseIncoming;
                if (!vacuous && local.vacuous()) {
                    refuseIncoming = false;
                } else if (vacuous && !local.vacuous()) {
                    refuseIncoming = true;
                } else {
                    refuseIncoming = Names.compare(engine.local.name, d.name()) < 0;
                }
                if (refuseIncoming) {
                    j.sendEmpty(PacketKind.REFUSE);
                    return;
                }
                local.remove();
            }
        } else if (vacuous && candidate.joinent != null) {
            j.sendEmpty(PacketKind.REFUSE); // another join from this address is in progress
            return;
        }
        if (vacuous && !engine.local.main) {
            j.refuse(PacketKind.REJECT, JoinRefusal.NOT_MAIN, "vacuous join to an estate that is not main");
            return;
        }

        Acceptance status;
        if (rebind) {
            j.replaces = known;
            if (!vacuous) {
                j.refuse(PacketKind.REJECT, JoinRefusal.IDENTITY,
                        "keys or role differ from those of " + known.remote.name());
                return;
            }
            if (engine.rebindApproved(j.identity, known.remote, now)) {
                status = Acceptance.ACCEPTED;
            } else if (engine.config.auto() == AutoMode.NEVER && engine.store.decideRole(d.role(), d.verifyKey(),
                    d.publicKey(), AutoMode.NEVER) != Acceptance.REJECTED) {
                status = Acceptance.PENDING;
            } else {
                j.refuse(PacketKind.REJECT, JoinRefusal.IDENTITY,
                        "name " + d.name() + " is bound to other keys or another role");
                return;
            }
        } else if (known != null) {
            Remote k = known.remote;
            boolean sameAll = d.name().equals(k.name()) && src.equals(k.ha()) && h.se() == k.fuid()
                    && d.main() == k.main() && d.kind() == k.kind();
            if (!sameAll) {
                if (!engine.config.mutable()) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.IMMUTABLE,
                            "credentials of " + k.name() + " changed on an immutable road");
                    return;
                }
                if (!d.name().equals(k.name()) && engine.peer(d.name()) != null) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.NAME_TAKEN, "name " + d.name() + " already used");
                    return;
                }
                String conflict = engine.roleConflict(d.role(), d.verifyKey(), d.publicKey(), k);
                if (conflict != null) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.ROLE_KEYS, conflict);
                    return;
                }
                j.proposal = new Peer.JoinProposal(d.name(), d.role(), d.main(), d.kind(), h.se(), src);
            }
            status = engine.decideJoin(j.identity, now);
        } else {
            String conflict = engine.roleConflict(d.role(), d.verifyKey(), d.publicKey(), null);
            if (conflict != null) {
                j.refuse(PacketKind.REJECT, JoinRefusal.ROLE_KEYS, conflict);
                return;
            }
            status = engine.decideJoin(j.identity, now);
        }
        if (status == Acceptance.REJECTED) {
            j.refuse(PacketKind.REJECT, JoinRefusal.REJECTED, "keys of role " + d.role() + " rejected");
            return;
        }
        if (j.fresh) {
            remote.name(d.name());
            remote.fuid(h.se());
            remote.ha(src);
            remote.acceptance(status);
            d.adopt(remote);
            engine.provisional.put(remote.uid(), j);
        }
        if (vacuous) {
            engine.joinees.put(src, peer);
        }
        engine.addTransaction(j);
        if (status == Acceptance.ACCEPTED) {
            j.respond();
            j.startTimers(now, RoadEngine.seconds(engine.config.joinentTimeout()), 0.1);
        } else {
            j.pend(now);
        }
    }

    /** Holds the join for an operator (in memory only) and tells the joiner to wait. */
    private void pend(long now) {
        switch (engine.pendingJoins.pend(identity, to, this, now)) {
            case FULL -> {
                engine.stats.count(RoadCounter.PENDING_JOINS_FULL);
                refuse(PacketKind.REFUSE, JoinRefusal.PENDING_FULL, "too many joins pending an operator's decision");
                end();
                return;
            }
            case APPROVED -> {
                respond();
                startTimers(now, RoadEngine.seconds(engine.config.joinentTimeout()), 0.1);
                return;
            }
            case NEW -> engine.emit(new RoadEvent.JoinPending(identity.name(), identity.role(), to,
                    identity.verifyKey().hex(), identity.publicKey().hex()));
            case AGAIN -> {}
        }
        engine.stats.count(RoadCounter.JOIN_PENDED);
        pended = true;
        sendEmpty(PacketKind.PEND);
        startTimers(now, RoadEngine.seconds(engine.config.joinentTimeout()), 1.0);
    }

    private void respond() {
        try {
            response = send(head(PacketKind.RESPONSE), Body.encode(bk, JoinBody.of(engine.local, remote.uid())));
        } catch (PacketException e) {
            engine.stats.count(RoadCounter.PACK_ERROR);
        }
    }

    private void refuse(PacketKind kind, JoinRefusal code, String reason) {
        sendEmpty(kind);
        engine.refusedJoin(identity.name(), to, code, reason);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case REQUEST -> {
                // The joiner did not get our answer: one copy per request.
                engine.drop(DropReason.DUPLICATE_JOIN_REQUEST);
                if (pended) {
                    sendEmpty(PacketKind.PEND);
                } else if (response != null && !joinerPended) {
                    engine.resend(response, to);
                }
            }
            case ACK -> {
                if (pended) {
                    engine.drop(DropReason.ACK_WHILE_PENDING);
                    return;
                }
                acknowledged(now);
            }
            case PEND -> joinerPended = true;
            case NACK, REFUSE, REJECT -> {
                end();
                engine.handshakeEnded(peer, now);
            }
            default -> engine.drop(DropReason.UNEXPECTED_JOIN_PACKET);
        }
    }

    /**
     * A packet signed with the key the joiner presented shows that it accepted our response, even when its ack
     * was lost: the join is complete. Returns whether it is.
     */
    boolean acknowledgedBySignedTraffic(long now) {
        if (!pended && response != null) {
            engine.stats.count(RoadCounter.JOIN_COMPLETED_BY_TRAFFIC);
            return acknowledged(now);
        }
        return false;
    }

    private boolean acknowledged(long now) {
        end();
        if (fresh) {
            Peer holder = engine.peer(remote.name());
            if (holder != null && holder != replaces) {
                // Another join took the name meanwhile.
                engine.refusedJoin(remote.name(), to, JoinRefusal.NAME_TAKEN,
                        "name " + remote.name() + " already used");
                return false;
            }
            if (replaces != null) {
                if (holder == replaces) {
                    engine.stats.count(RoadCounter.REMOTE_REBOUND);
                    engine.removeRemote(replaces, false);
                }
                engine.pendingJoins.remove(identity);
            }
            engine.admitJoined(peer);
        } else {
            peer.rejoined = true;
            peer.proposal = proposal;
        }
        engine.recordJoin(remote);
        engine.emit(new RoadEvent.Joined(remote.name(), remote.ha()));
        if (!peer.pending.isEmpty()) {
            engine.allow(peer, now, false);
        }
        engine.handshakeEnded(peer, now);
        return true;
    }

    private void end() {
        remove();
        if (vacuous) {
            engine.joinees.remove(to, peer);
        }
        if (fresh) {
            engine.provisional.remove(remote.uid(), this);
        }
    }

    /** An operator accepted the joiner's identity: answer now. */
    void approved(long now) {
        if (pended) {
            pended = false;
            respond();
            redoInterval = RoadEngine.nanos(0.1);
            setRedo(now + redoInterval);
        }
    }

    /** An operator rejected the joiner's identity. */
    void rejectedByOperator(long now) {
        sendEmpty(PacketKind.REJECT);
        end();
        engine.handshakeEnded(peer, now);
    }

    @Override
    void redo(long now) {
        if (pended) {
            // A decision may have been kept meanwhile (an operator's acceptance in the keep).
            Acceptance status = replaces != null
                    ? (engine.rebindApproved(identity, replaces.remote, now) ? Acceptance.ACCEPTED : Acceptance.PENDING)
                    : engine.decideJoin(identity, now);
            if (status == Acceptance.ACCEPTED) {
                approved(now);
            } else if (status == Acceptance.REJECTED) {
                refuse(PacketKind.REJECT, JoinRefusal.REJECTED, "keys of role " + identity.role() + " rejected");
                end();
                engine.handshakeEnded(peer, now);
            } else {
                setRedo(now + redoInterval);
            }
            return;
        }
        if (joinerPended || resends >= MAX_RESENDS) {
            return;
        }
        resends++;
        engine.resend(response, to);
        backoff(now, 0.1, 2.0);
    }

    @Override
    void timeout(long now) {
        sendEmpty(PacketKind.NACK);
        end();
        engine.handshakeEnded(peer, now);
    }

    /** Whether the join waits for an operator's decision, ours or the joiner's. */
    boolean pending() {
        return pended || joinerPended;
    }
}
