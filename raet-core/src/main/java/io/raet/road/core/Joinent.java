package io.raet.road.core;

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
import io.raet.road.RoadEvent;
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
 *       packet with its keys (the endpoint proves it then); nothing of a pending or unfinished join is kept.
 *   <li>The response is re-sent at most {@value #MAX_RESENDS} times on the timer; later copies only answer the
 *       joiner's repeated requests, one for one.
 * </ul>
 */
final class Joinent extends Transaction {
    /** The endpoint: remote table and identities. */
    private final Admission admission;
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
    /** The joiner nacked our response: it is not re-sent; the joiner's signed traffic may still complete the join. */
    private boolean joinerNacked;
    private byte[] response;
    private int resends;

    private Joinent(Peer peer, boolean vacuous, boolean fresh) {
        super(peer, TransactionKind.JOIN, true);
        this.admission = peer.admission;
        this.vacuous = vacuous;
        this.fresh = fresh;
        this.bk = ctx.config().bodyKind();
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NADA;
    }

    /**
     * @param candidate for a vacuous request, the remote of the join in progress from this address or a new one in
     *     no table; otherwise the known remote the request names
     */
    static void start(Peer candidate, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        TxContext ctx = candidate.ctx;
        Admission admission = candidate.admission;
        RoadHead h = packet.head();
        boolean vacuous = h.de() == 0;
        JoinBody d = JoinBody.receive(ctx, packet, false);
        if (d == null) {
            return;
        }
        Peer known = vacuous ? admission.peer(d.name()) : candidate;
        if (known != null && vacuous && !known.remote.isProven() && !d.sameRoleKeys(known.remote)
                && known.transactions.isEmpty()) {
            // A name held only by a remote that never proved its keys is not bound yet: the newer join takes it.
            ctx.count(RoadCounter.UNPROVEN_REMOTE_REPLACED);
            admission.remove(known, false);
            known = null;
        }
        boolean rebind = known != null && !d.sameRoleKeys(known.remote)
                && !(!vacuous && ctx.config().mutable() && d.renames(known.remote));
        Peer peer;
        if (known != null && !rebind) {
            peer = known;
        } else if (!admission.isAdded(candidate) && candidate.remote.name() == null
                && candidate.transactions.isEmpty()) {
            peer = candidate;
        } else {
            peer = admission.newPeer(src);
        }
        if (peer != candidate) {
            // The endpoint credited the request to the peer it routed it to; the answer comes from this one.
            peer.load.heard(packet.length(), ctx.config().limits());
        }
        Remote remote = peer.remote;
        Joinent j = new Joinent(peer, vacuous, peer != known);
        j.correspond(h, key, src);
        j.identity = PendingJoins.Identity.of(d);

        if (d.name().equals(ctx.local().name)) {
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
                    refuseIncoming = Names.compare(ctx.local().name, d.name()) < 0;
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
        if (vacuous && !ctx.local().main) {
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
            if (admission.rebindApproved(j.identity, known.remote, now)) {
                status = Acceptance.ACCEPTED;
            } else if (ctx.config().auto() == AutoMode.NEVER && ctx.store().decideRole(d.role(), d.verifyKey(),
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
                if (!ctx.config().mutable()) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.IMMUTABLE,
                            "credentials of " + k.name() + " changed on an immutable road");
                    return;
                }
                if (!d.name().equals(k.name()) && admission.peer(d.name()) != null) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.NAME_TAKEN, "name " + d.name() + " already used");
                    return;
                }
                String conflict = admission.roleConflict(d.role(), d.verifyKey(), d.publicKey(), k);
                if (conflict != null) {
                    j.refuse(PacketKind.REJECT, JoinRefusal.ROLE_KEYS, conflict);
                    return;
                }
                j.proposal = new Peer.JoinProposal(d.name(), d.role(), d.main(), d.kind(), h.se(), src);
            }
            status = admission.decideJoin(j.identity, now);
        } else {
            String conflict = admission.roleConflict(d.role(), d.verifyKey(), d.publicKey(), null);
            if (conflict != null) {
                j.refuse(PacketKind.REJECT, JoinRefusal.ROLE_KEYS, conflict);
                return;
            }
            status = admission.decideJoin(j.identity, now);
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
            admission.provisional(remote.uid(), j);
        }
        if (vacuous) {
            admission.joinee(src, peer);
        }
        ctx.start(j);
        if (status == Acceptance.ACCEPTED) {
            j.respond();
            j.startTimers(now, seconds(ctx.config().joinentTimeout()), 0.1);
        } else {
            j.pend(now);
        }
    }

    /** Holds the join for an operator (in memory only) and tells the joiner to wait. */
    private void pend(long now) {
        switch (admission.pendingJoins().pend(identity, to, this, now)) {
            case FULL -> {
                ctx.count(RoadCounter.PENDING_JOINS_FULL);
                refuse(PacketKind.REFUSE, JoinRefusal.PENDING_FULL, "too many joins pending an operator's decision");
                end();
                return;
            }
            case APPROVED -> {
                respond();
                startTimers(now, seconds(ctx.config().joinentTimeout()), 0.1);
                return;
            }
            case NEW -> ctx.emit(new RoadEvent.JoinPending(identity.name(), identity.role(), to,
                    identity.verifyKey().hex(), identity.publicKey().hex()));
            case AGAIN -> {}
        }
        ctx.count(RoadCounter.JOIN_PENDED);
        pended = true;
        sendEmpty(PacketKind.PEND);
        startTimers(now, seconds(ctx.config().joinentTimeout()), 1.0);
    }

    private void respond() {
        try {
            response = send(head(PacketKind.RESPONSE), Body.encode(bk, JoinBody.of(ctx.local(), remote.uid())));
        } catch (PacketException e) {
            ctx.count(RoadCounter.PACK_ERROR);
        }
    }

    private void refuse(PacketKind kind, JoinRefusal code, String reason) {
        sendEmpty(kind);
        admission.refusedJoin(identity.name(), to, code, reason);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case REQUEST -> {
                // The joiner did not get our answer: one copy per request.
                ctx.drop(DropReason.DUPLICATE_JOIN_REQUEST);
                if (pended) {
                    sendEmpty(PacketKind.PEND);
                } else if (response != null && !joinerPended) {
                    resend(response);
                }
            }
            case ACK -> {
                if (pended) {
                    ctx.drop(DropReason.ACK_WHILE_PENDING);
                    return;
                }
                acknowledged(now);
            }
            case PEND -> joinerPended = true;
            case NACK -> {
                if (!pended && !joinerPended && response != null) {
                    // A joiner that completed answers our re-sent response so when its ack was lost (the
                    // reference does): its signed traffic completes the join; the timeout ends it otherwise.
                    ctx.count(RoadCounter.JOIN_NACK_AWAITING_ACK);
                    joinerNacked = true;
                    return;
                }
                end();
                peer.handshakeEnded(now);
            }
            case REFUSE, REJECT -> {
                end();
                peer.handshakeEnded(now);
            }
            default -> ctx.drop(DropReason.UNEXPECTED_JOIN_PACKET);
        }
    }

    /**
     * A packet signed with the key the joiner presented shows that it accepted our response, even when its ack
     * was lost: the join is complete. Returns whether it is.
     */
    boolean acknowledgedBySignedTraffic(long now) {
        if (!pended && response != null) {
            ctx.count(RoadCounter.JOIN_COMPLETED_BY_TRAFFIC);
            return acknowledged(now);
        }
        return false;
    }

    private boolean acknowledged(long now) {
        end();
        if (fresh) {
            Peer holder = admission.peer(remote.name());
            if (holder != null && holder != replaces) {
                // Another join took the name meanwhile.
                admission.refusedJoin(remote.name(), to, JoinRefusal.NAME_TAKEN,
                        "name " + remote.name() + " already used");
                return false;
            }
            if (replaces != null) {
                if (holder == replaces) {
                    ctx.count(RoadCounter.REMOTE_REBOUND);
                    admission.remove(replaces, false);
                }
                admission.pendingJoins().remove(identity);
            }
            admission.admitJoined(peer);
        } else {
            peer.rejoined = true;
            peer.proposal = proposal;
        }
        peer.recordJoin();
        ctx.emit(new RoadEvent.Joined(remote.name(), remote.ha()));
        if (!peer.pending.isEmpty()) {
            peer.allow(now, false);
        }
        peer.handshakeEnded(now);
        return true;
    }

    private void end() {
        remove();
        if (vacuous) {
            admission.endJoinee(to, peer);
        }
        if (fresh) {
            admission.endProvisional(remote.uid(), this);
        }
    }

    /** An operator accepted the joiner's identity: answer now. */
    void approved(long now) {
        if (pended) {
            pended = false;
            respond();
            redoInterval = nanos(0.1);
            setRedo(now + redoInterval);
        }
    }

    /** An operator rejected the joiner's identity. */
    void rejectedByOperator(long now) {
        sendEmpty(PacketKind.REJECT);
        end();
        peer.handshakeEnded(now);
    }

    @Override
    void redo(long now) {
        if (pended) {
            // A decision may have been kept meanwhile (an operator's acceptance in the keep).
            Acceptance status = replaces != null
                    ? (admission.rebindApproved(identity, replaces.remote, now) ? Acceptance.ACCEPTED
                            : Acceptance.PENDING)
                    : admission.decideJoin(identity, now);
            if (status == Acceptance.ACCEPTED) {
                approved(now);
            } else if (status == Acceptance.REJECTED) {
                refuse(PacketKind.REJECT, JoinRefusal.REJECTED, "keys of role " + identity.role() + " rejected");
                end();
                peer.handshakeEnded(now);
            } else {
                setRedo(now + redoInterval);
            }
            return;
        }
        if (joinerPended || joinerNacked || resends >= MAX_RESENDS) {
            return;
        }
        resends++;
        resend(response);
        backoff(now, 0.1, 2.0);
    }

    @Override
    void timeout(long now) {
        sendEmpty(PacketKind.NACK);
        end();
        peer.handshakeEnded(now);
    }

    /** Whether the join waits for an operator's decision, ours or the joiner's. */
    boolean pending() {
        return pended || joinerPended;
    }
}
