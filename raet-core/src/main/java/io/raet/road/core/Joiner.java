package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import io.raet.keep.Acceptance;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;

/**
 * Initiator of a join (§6): sends our long-term keys, learns the remote's and the id it gives us.
 *
 * <p>The answer must come from the address we sent to, and may not claim our own name. A remote we know keeps its
 * keys and role: an answer presenting other ones is refused unless an operator accepted exactly them. Nothing is
 * kept or changed before the join completes; a join held pending (our auto mode never) waits in memory for an
 * operator ({@link RoadEvent.JoinPending}).
 */
final class Joiner extends Transaction {
    /** The endpoint: remote table and identities. */
    private final Admission admission;
    private final boolean cascade;
    private final boolean renewal;
    private final boolean vacuous;
    /** We hold the remote's answer for an operator's decision. */
    private boolean pended;
    /** The remote holds our join for its operator's decision. */
    private boolean pendedByRemote;
    private byte[] request;
    private JoinBody answer;
    private PendingJoins.Identity identity;

    private Joiner(Peer peer, boolean cascade, boolean renewal) {
        super(peer, TransactionKind.JOIN, false);
        this.admission = peer.admission;
        this.cascade = cascade;
        this.renewal = renewal;
        this.vacuous = remote.fuid() == 0 || renewal;
        this.bk = ctx.config().bodyKind();
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NADA;
    }

    /**
     * @param renewal a vacuous join of a remote we know, after it answered renew (it lost our id): the remote's
     *     own record is left as it is until the join completes
     */
    static void start(Peer peer, long now, boolean cascade, boolean renewal) {
        TxContext ctx = peer.ctx;
        Remote remote = peer.remote;
        Joiner j = new Joiner(peer, cascade, renewal);
        j.initiate(0);
        if (j.vacuous) {
            j.de = 0;
            j.key = new TxKey(false, remote.uid(), remote.ha(), 0, j.ti);
        }
        byte[] body;
        try {
            body = Body.encode(j.bk, JoinBody.of(ctx.local(), 0));
        } catch (PacketException e) {
            ctx.count(RoadCounter.PACK_ERROR);
            return;
        }
        ctx.start(j);
        j.request = j.send(j.head(PacketKind.REQUEST), body);
        j.startTimers(now, seconds(ctx.config().joinerTimeout()), 1.0);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case RESPONSE -> accept(packet, src, now);
            case PEND -> {
                pendedByRemote = true;
                redoInterval = nanos(60);
                setRedo(now + redoInterval);
            }
            case NACK -> fail("nacked");
            case REFUSE -> fail("refused");
            case REJECT -> {
                fail("rejected");
                if (remote.verifyKey() == null && peer.transactions.isEmpty()) {
                    admission.remove(peer, false); // created for this join, known by nothing else
                }
            }
            case RENEW -> {
                if (ctx.config().mutable()) {
                    remove();
                    Joiner.start(peer, now, cascade, true);
                } else {
                    fail("refused (renew on an immutable road)");
                }
            }
            default -> ctx.drop(DropReason.UNEXPECTED_JOIN_PACKET);
        }
    }

    private void accept(ParsedPacket packet, InetSocketAddress src, long now) {
        if (pended || answer != null) {
            return;
        }
        if (!src.equals(to)) {
            ctx.drop(DropReason.JOIN_RESPONSE_FROM_OTHER_ADDRESS);
            return;
        }
        JoinBody d = JoinBody.receive(ctx, packet, true);
        if (d == null) {
            return;
        }
        PendingJoins.Identity id = PendingJoins.Identity.of(d);
        if (d.name().equals(ctx.local().name)) {
            reject("the remote claims the name of this estate");
            return;
        }
        Peer other = admission.peer(d.name());
        if (other != null && other != peer) {
            reject("name " + d.name() + " already used by another remote");
            return;
        }
        Acceptance status;
        if (remote.verifyKey() == null) {
            // A remote we know nothing of yet (joined by address).
            String conflict = admission.roleConflict(d.role(), d.verifyKey(), d.publicKey(), remote);
            if (conflict != null) {
                reject(conflict);
                return;
            }
            status = admission.decideJoin(id, now);
        } else {
            boolean renames = ctx.config().mutable() && d.renames(remote);
            if (!d.sameRoleKeys(remote) && !renames && !admission.rebindApproved(id, remote, now)) {
                reject("keys or role of " + remote.name() + " changed");
                return;
            }
            String conflict = renames ? admission.roleConflict(d.role(), d.verifyKey(), d.publicKey(), remote) : null;
            if (conflict != null) {
                reject(conflict);
                return;
            }
            boolean sameAll = d.name().equals(remote.name()) && d.uid() == remote.fuid() && d.main() == remote.main()
                    && d.kind() == remote.kind();
            if (!sameAll && !ctx.config().mutable()) {
                reject("credentials of " + remote.name() + " changed on an immutable road");
                return;
            }
            status = d.sameKeys(remote) ? admission.decideJoin(id, now) : Acceptance.ACCEPTED;
        }
        if (status == Acceptance.REJECTED) {
            reject("keys of role " + d.role() + " rejected");
            return;
        }
        answer = d;
        identity = id;
        if (status == Acceptance.PENDING) {
            switch (admission.pendingJoins().pend(id, src, this, now)) {
                case FULL -> {
                    ctx.count(RoadCounter.PENDING_JOINS_FULL);
                    reject("too many joins pending an operator's decision");
                    return;
                }
                case APPROVED -> {
                    complete(now);
                    return;
                }
                case NEW -> ctx.emit(new RoadEvent.JoinPending(d.name(), d.role(), src, d.verifyKey().hex(),
                        d.publicKey().hex()));
                case AGAIN -> {}
            }
            ctx.count(RoadCounter.JOIN_PENDED);
            pended = true;
            sendEmpty(PacketKind.PEND);
            redoInterval = nanos(1);
            setRedo(now + redoInterval);
            return;
        }
        complete(now);
    }

    /** Takes the accepted answer: the remote's name, id, mode, kind, role and keys. */
    private void apply(JoinBody d) {
        if (!d.sameRoleKeys(remote)) {
            if (remote.verifyKey() != null && !d.sameKeys(remote)) {
                // An operator accepted a new identity for this name: the old session is void.
                ctx.count(RoadCounter.REMOTE_REBOUND);
                peer.allowed = null;
                peer.dropSessionKey();
                peer.rebaseSession = true;
            }
            d.adopt(remote);
        }
        if (!d.name().equals(remote.name())) {
            admission.rename(peer, d.name());
        }
        remote.fuid(d.uid());
        remote.main(d.main());
        remote.kind(d.kind());
    }

    private void complete(long now) {
        apply(answer);
        remote.acceptance(Acceptance.ACCEPTED);
        remote.proven(true); // we chose to join it; what it answered is ours to keep
        if (renewal) {
            // The remote lost our state (it answered renew): our session with it is gone, its own starts over.
            peer.rebaseSession = true;
            peer.allowed = null;
            peer.dropSessionKey();
        }
        peer.recordJoin();
        ctx.store().keepRole(remote.role(), remote.verifyKey(), remote.publicKey(), Acceptance.ACCEPTED);
        peer.joinAcknowledged(ti, send(head(PacketKind.ACK), EMPTY));
        remove();
        ctx.emit(new RoadEvent.Joined(remote.name(), remote.ha()));
        if (cascade || !peer.pending.isEmpty() || peer.allowWanted) {
            peer.allow(now, cascade);
        }
    }

    /** An operator accepted the remote's identity. */
    void approved(long now) {
        if (pended) {
            pended = false;
            complete(now);
        }
    }

    /** An operator rejected the remote's identity. */
    void rejectedByOperator(long now) {
        reject("rejected by the operator");
    }

    private void reject(String reason) {
        sendEmpty(PacketKind.REJECT);
        fail(reason);
    }

    private void fail(String reason) {
        remove();
        peer.allowWanted = false;
        ctx.emit(new RoadEvent.JoinFailed(remoteLabel(), remote.ha(), reason));
        peer.resolveAlive("join failed: " + reason);
    }

    @Override
    void redo(long now) {
        if (pended) {
            Acceptance status = answer.sameKeys(remote) || remote.verifyKey() == null
                    ? admission.decideJoin(identity, now)
                    : (admission.rebindApproved(identity, remote, now) ? Acceptance.ACCEPTED : Acceptance.PENDING);
            if (status == Acceptance.ACCEPTED) {
                approved(now);
            } else if (status == Acceptance.REJECTED) {
                reject("keys of role " + identity.role() + " rejected");
            } else {
                setRedo(now + redoInterval);
            }
            return;
        }
        if (pendedByRemote) {
            setRedo(now + redoInterval);
            return;
        }
        resend(request);
        backoff(now, 1.0, 4.0);
    }

    @Override
    void timeout(long now) {
        fail(pended || pendedByRemote ? "timeout while pending acceptance" : "timeout");
    }

    boolean vacuous() {
        return vacuous;
    }

    /** Whether the join waits for an operator's decision, ours or the remote's. */
    boolean pending() {
        return pended || pendedByRemote;
    }
}
