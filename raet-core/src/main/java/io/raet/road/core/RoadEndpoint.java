package io.raet.road.core;

import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import io.raet.road.HandshakeLimits;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The road's endpoint: it receives every datagram first, parses it once, checks its ids and admits it (join guard,
 * unproven remotes, signatures, sessions), answers what needs no transaction (stale packets, renew), and routes the
 * rest to a {@link Peer} by the destination id in its head ({@code de}, our uid for the remote), then to the peer's
 * transaction by its key. It owns what concerns every remote together: the remote table (by uid, name and address),
 * the joins under way and held for an operator, identity decisions, and the bounds on incoming messages all remotes
 * share. Owned by the engine thread.
 */
final class RoadEndpoint implements Admission {
    private final TxContext ctx;
    private final RoadConfig config;

    private final Map<Long, Peer> remotes = new HashMap<>();
    private final Map<String, Peer> byName = new HashMap<>();
    private final Map<InetSocketAddress, Peer> byHa = new HashMap<>();
    /** Peers of vacuous joins we answer, by source address, until the join ends. */
    private final Map<InetSocketAddress, Peer> joinees = new HashMap<>();
    /**
     * Joins of remotes that are new to us, by the uid we gave them, until the join completes: their remotes are in
     * no other table (nothing of an unfinished join is visible or kept).
     */
    private final Map<Long, Joinent> provisional = new HashMap<>();
    /** Remotes that completed a join but have not yet proven their keys, oldest first (memory only, bounded). */
    private final LinkedHashMap<Long, Peer> unproven = new LinkedHashMap<>();
    /** Every transaction under way, by the key its packets carry. */
    private final Map<TxKey, Transaction> transactions = new HashMap<>();
    /** Limits on what unauthenticated join requests may start, and the pace of our own handshakes. */
    private final JoinGuard joinGuard;
    /** Joins held for an operator's decision. */
    private final PendingJoins pendingJoins;

    /** The bounds all remotes' incoming messages share. */
    private final IncomingBounds incoming;

    RoadEndpoint(TxContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.joinGuard = new JoinGuard(config.handshakes());
        this.pendingJoins = new PendingJoins(config.handshakes().pendingJoins());
        this.incoming = new IncomingBounds(ctx, config.limits(), remotes.values());
    }

    // ------------------------------------------------------------------ receive: parse once, route, deliver

    /**
     * Processes one received datagram. Never throws for bad input: every rejection is counted, and so is a defect
     * met while handling it ({@code drop_internal_error}); only a VM failure ({@link VirtualMachineError}) goes on
     * to the caller.
     */
    void receive(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        ctx.count(RoadCounter.PACKETS_RECEIVED);
        if (len > Math.max(RoadEngine.MAX_RECEIVE_SIZE, config.maxPacketSize())) {
            ctx.drop(DropReason.OVERSIZED);
            return;
        }
        try {
            ParsedPacket packet;
            try {
                packet = RoadCodec.parse(buf, off, len);
            } catch (PacketException e) {
                ctx.drop(DropReason.parse(e.reason()));
                return;
            }
            Peer peer = route(packet, src, now);
            if (peer != null) {
                deliver(peer, packet, src, now);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // A defect must never take the stack down; the packet is counted and dropped.
            ctx.drop(DropReason.INTERNAL_ERROR);
        }
    }

    /**
     * The peer a packet is for, once its ids, admission, signature and session are checked; null when it was dropped
     * or answered here.
     */
    private Peer route(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.bf()) {
            ctx.drop(DropReason.BROADCAST);
            return null;
        }
        if (h.tk() == TransactionKind.JOIN) {
            if (h.si() != 0) {
                ctx.drop(DropReason.JOIN_WITH_SESSION);
                return null;
            }
            return h.cf() ? joinAnswer(packet, src) : joinRequest(packet, src, now);
        }
        return signed(packet, src, now);
    }

    /** A join packet from the estate we join: the peer of our join, found by {@code de} or by address. */
    private Peer joinAnswer(ParsedPacket packet, InetSocketAddress src) {
        RoadHead h = packet.head();
        if (h.de() == 0) {
            ctx.drop(DropReason.INVALID_JOIN_IDS);
            return null;
        }
        if (h.se() == 0) {
            Peer peer = byHa.get(src);
            if (peer == null || peer.remote.uid() != h.de()) {
                ctx.drop(DropReason.UNKNOWN_JOINEE);
                return null;
            }
            return peer;
        }
        Peer peer = remotes.get(h.de());
        if (peer == null) {
            staler(packet, src, null); // the join it answers is gone with its remote
        }
        return peer;
    }

    /**
     * A join packet from a joiner. A new request is admitted within the join guard; a vacuous one goes to the join
     * in progress from its address, or to a new peer that is in no table until the join completes (the join
     * correspondent looks the name up); one naming a uid we do not know is answered renew.
     */
    private Peer joinRequest(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.se() == 0) {
            ctx.drop(DropReason.INVALID_JOIN_IDS);
            return null;
        }
        if ((h.pk() == PacketKind.REQUEST || h.de() != 0 && remotes.get(h.de()) == null)
                && !transactions.containsKey(TxKey.of(h, src))) {
            // A new join request (or one that would be answered with a renew): bounded per host.
            DropReason refused = joinGuard.admit(src, now);
            if (refused != null) {
                ctx.drop(refused);
                return null;
            }
        }
        if (h.de() != 0) {
            Peer peer = remotes.get(h.de());
            if (peer == null) {
                stalent(packet, src, PacketKind.RENEW, null);
            }
            return peer;
        }
        Peer peer = joinees.get(src);
        if (peer != null && peer.remote.fuid() != h.se() && peer.remote.fuid() != 0) {
            joinees.remove(src);
            peer = null;
        }
        if (peer != null) {
            return peer;
        }
        if (h.pk().isNackKind()) {
            // The joiner's answer to a response we re-sent after its join completed: not an error.
            ctx.count(RoadCounter.LATE_JOIN_NACK);
            return null;
        }
        if (h.pk() != PacketKind.REQUEST) {
            ctx.drop(DropReason.STALE_JOIN);
            return null;
        }
        return newPeer(src);
    }

    /**
     * Any packet but a join's: its ids checked, its remote found by {@code de} (or the provisional remote of a join
     * it completes), its signature, the remote's proof and its session checked.
     */
    private Peer signed(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.si() == 0 || h.se() == 0 || h.de() == 0) {
            ctx.drop(DropReason.INVALID_IDS);
            return null;
        }
        Peer peer = remotes.get(h.de());
        Joinent joining = null;
        if (peer == null) {
            joining = provisional.get(h.de());
            if (joining == null) {
                ctx.drop(DropReason.UNKNOWN_DESTINATION_UID);
                return null;
            }
            peer = joining.peer;
        }
        if (!authenticate(peer, joining, packet, now)) {
            return null;
        }
        if (!h.cf() && !inSession(peer, packet, src, now)) {
            return null;
        }
        peer.reaped = false;
        return peer;
    }

    /**
     * Checks the signature (stricter than the reference: every packet but a join's must be signed by the remote's
     * long-term key), completes a join the signed packet proves accepted, and binds a remote that proves its keys
     * for the first time. False when the packet was dropped.
     */
    private boolean authenticate(Peer peer, Joinent joining, ParsedPacket packet, long now) {
        Remote remote = peer.remote;
        if (packet.head().fk() != FootKind.NACL) {
            ctx.drop(DropReason.UNSIGNED);
            return false;
        }
        if (remote.verifyKey() == null || !packet.verify(remote.verifyKey())) {
            ctx.drop(DropReason.BAD_SIGNATURE);
            return false;
        }
        if (joining != null) {
            // The joiner signs with the keys it joined with: its join is complete even if its ack was lost.
            if (!joining.acknowledgedBySignedTraffic(now) || !isAdded(peer)) {
                ctx.drop(DropReason.UNJOINED);
                return false;
            }
        } else if (!remote.isJoined() && peer.joinent != null) {
            peer.joinent.acknowledgedBySignedTraffic(now);
        }
        if (!remote.isProven() && !prove(peer, now)) {
            ctx.drop(DropReason.UNPROVEN_REFUSED);
            return false;
        }
        return true;
    }

    /**
     * Checks the session of a packet an initiator sent: one of an older session than the remote's last is refused
     * (or, a hello after the remote joined again, starts an allow that re-bases the session once it completes); a
     * newer one renews the remote's session. False when the packet was dropped or handled here.
     */
    private boolean inSession(Peer peer, ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (!Remote.validSid(h.si(), peer.rsid)) {
            // A hello of an older session than the remote's last, after the remote joined again: it lost its state
            // (a restart without its keep). Only a completed allow, which no replay can complete, re-bases the
            // remote's session; until then nothing changes.
            TxKey key = TxKey.of(h, src);
            if (transactions.get(key) instanceof Allowent a && a.rebasing()) {
                a.receive(packet, src, now);
                return false;
            }
            if (h.tk() == TransactionKind.ALLOW && h.pk() == PacketKind.HELLO && peer.remote.isJoined()
                    && peer.rejoined && !transactions.containsKey(key)) {
                ctx.count(RoadCounter.HELLO_OF_OLDER_SESSION);
                Allowent.start(peer, packet, key, src, now, true);
                return false;
            }
            ctx.drop(DropReason.STALE_SESSION);
            stalent(packet, src, PacketKind.NACK, null);
            return false;
        }
        if (h.si() != peer.rsid) {
            peer.renewCorrespondentSession(h.si());
        }
        return true;
    }

    /**
     * Hands an admitted packet to its transaction, or starts the one it opens: everything here concerns the one
     * peer (its answer credit, replay window, completed messages and transactions).
     */
    private void deliver(Peer peer, ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        peer.load.heard(packet.length(), config.limits());
        TxKey key = TxKey.of(h, src);
        Transaction tx = transactions.get(key);
        if (tx != null) {
            tx.receive(packet, src, now);
            return;
        }
        if (h.cf()) {
            if (!peer.lateAnswer(h)) {
                staler(packet, src, peer);
            }
            return;
        }
        switch (h.tk()) {
            case JOIN -> startJoin(peer, packet, key, src, now);
            case ALLOW -> startAllow(peer, packet, key, src, now);
            case ALIVE -> answerAlive(peer, packet, key, src, now);
            case MESSAGE -> startMessage(peer, packet, key, src, now);
            default -> ctx.drop(DropReason.UNSUPPORTED_TRANSACTION);
        }
    }

    private void startJoin(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src, long now) {
        if (packet.head().pk() == PacketKind.REQUEST) {
            Joinent.start(peer, packet, key, src, now);
        } else {
            ctx.drop(DropReason.STALE_PACKET);
        }
    }

    /** A hello of a new allow, unless one of that id already ran: restarting it would tear down the session. */
    private void startAllow(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.pk() != PacketKind.HELLO) {
            ctx.drop(DropReason.STALE_PACKET);
            return;
        }
        if (peer.replay.check(peer.rsid, h.ti()) != ReplayWindow.Verdict.FRESH) {
            ctx.drop(DropReason.REPLAY);
            return;
        }
        Allowent.start(peer, packet, key, src, now, false);
        if (transactions.containsKey(key)) {
            peer.replay.mark(peer.rsid, h.ti());
        }
    }

    /** A heartbeat: a repeated request is answered (its ack may have been lost) but proves no presence. */
    private void answerAlive(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.pk() != PacketKind.REQUEST) {
            ctx.drop(DropReason.STALE_PACKET);
            return;
        }
        boolean fresh = peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.FRESH;
        if (fresh) {
            peer.replay.mark(peer.rsid, h.ti());
        } else {
            ctx.drop(DropReason.REPLAY);
        }
        Alivent.answer(peer, packet, key, src, now, fresh);
    }

    /**
     * The first packet of a message: a message delivered already is answered done again (the reference nacks,
     * which fails a delivered message), at most once per redo interval per message, never delivered twice.
     */
    private void startMessage(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.pk() != PacketKind.MESSAGE) {
            ctx.drop(DropReason.STALE_PACKET);
        } else if (peer.completedTids.contains(h.ti())) {
            ctx.drop(DropReason.DUPLICATE_MESSAGE);
            answerDone(peer, packet, src, now);
        } else if (peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.SEEN) {
            // Delivered earlier in this session (beyond the stale-tid window).
            ctx.drop(DropReason.REPLAY);
            answerDone(peer, packet, src, now);
        } else if (peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.TOO_OLD) {
            ctx.drop(DropReason.REPLAY);
            stalent(packet, src, PacketKind.NACK, peer);
        } else if (h.af()) {
            ctx.drop(DropReason.STALE_MESSAGE);
            stalent(packet, src, PacketKind.NACK, peer);
        } else {
            Messengent.start(peer, packet, key, src, now);
        }
    }

    /** A late duplicate of a completed message: done again, unless it went within the redo interval. */
    private void answerDone(Peer peer, ParsedPacket packet, InetSocketAddress src, long now) {
        if (peer.mayAnswerDone(packet.head().ti(), now)) {
            stalent(packet, src, PacketKind.DONE, peer);
        } else {
            ctx.count(RoadCounter.LATE_DUPLICATE_UNANSWERED);
        }
    }

    /** A reply for an initiator we no longer have: tell the correspondent to stop. */
    private void staler(ParsedPacket packet, InetSocketAddress src, Peer peer) {
        RoadHead h = packet.head();
        ctx.drop(DropReason.STALE_REPLY);
        if (h.pk().isNackKind() || peer == null) {
            return;
        }
        RoadHead nack = new RoadHead().hk(config.headKind()).pk(PacketKind.NACK).tk(h.tk()).se(h.de()).de(h.se())
                .si(h.si()).ti(h.ti()).cf(false).bk(config.bodyKind()).ck(h.ck()).fk(h.fk());
        ctx.transmit(nack, Transaction.EMPTY, src, null);
    }

    /**
     * A packet from an initiator that cannot be served: nack (or renew, or done), echoing its ids; within the
     * remote's answer credit when {@code answering} is not null.
     */
    private void stalent(ParsedPacket packet, InetSocketAddress src, PacketKind kind, Peer answering) {
        RoadHead h = packet.head();
        if (h.pk().isNackKind()) {
            return;
        }
        RoadHead nack = new RoadHead().hk(config.headKind()).pk(kind).tk(h.tk()).se(h.de()).de(h.se()).si(h.si())
                .ti(h.ti()).cf(true).bk(config.bodyKind()).ck(h.ck()).fk(h.fk());
        ctx.transmit(nack, Transaction.EMPTY, src, answering);
    }

    // ------------------------------------------------------------------ transactions

    /** Registers a transaction under its key (a join correspondent also counts against its host's joins). */
    void register(Transaction tx) {
        Transaction before = transactions.put(tx.key, tx);
        if (before instanceof Joinent) {
            joinGuard.ended(before.to);
        }
        if (tx instanceof Joinent) {
            joinGuard.started(tx.to);
        }
        tx.peer.added(tx);
    }

    void unregister(Transaction tx) {
        if (transactions.get(tx.key) == tx) {
            transactions.remove(tx.key);
            if (tx instanceof Joinent) {
                joinGuard.ended(tx.to);
            }
            if (tx instanceof Joinent || tx instanceof Joiner) {
                pendingJoins.ended(tx);
            }
        }
        tx.peer.removed(tx);
    }

    boolean isActive(Transaction tx) {
        return transactions.get(tx.key) == tx;
    }

    // ------------------------------------------------------------------ housekeeping

    /** Expires completed message ids and waiting messages, and sends the heartbeats that are due. */
    void housekeep(long now) {
        long interval = config.aliveInterval().toNanos();
        for (Peer p : new ArrayList<>(remotes.values())) {
            if (!p.completedTids.isEmpty()) {
                p.completedTids.expire(now);
            }
            if (!p.pending.isEmpty()) {
                p.expirePending(now);
            }
            p.housekeep(now, joinGuard);
            if (interval > 0 && p.remote.isJoined() && !p.reaped && p.remote.isProven()) {
                if (p.nextHeartbeat == 0) {
                    p.nextHeartbeat = now + (ctx.local().main ? interval : interval + interval / 2);
                } else if (now >= p.nextHeartbeat) {
                    p.heartbeat(now, interval, joinGuard);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the remote table

    JoinGuard joinGuard() {
        return joinGuard;
    }

    /** Joins of remotes new to us under way, by the uid they will have. */
    Map<Long, Joinent> provisional() {
        return Collections.unmodifiableMap(provisional);
    }

    Collection<Peer> peers() {
        return Collections.unmodifiableCollection(remotes.values());
    }

    @Override
    public Peer peer(String name) {
        return byName.get(name);
    }

    Peer peerByUid(long uid) {
        return remotes.get(uid);
    }

    Peer peerByAddress(InetSocketAddress ha) {
        return byHa.get(ha);
    }

    Peer requirePeer(String name) {
        Peer p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown remote: " + name);
        }
        return p;
    }

    @Override
    public Peer newPeer(InetSocketAddress ha) {
        return new Peer(new Remote(null, nextUid(), 0, ha), ctx, this);
    }

    private long nextUid() {
        LocalEstate local = ctx.local();
        long uid = local.puid;
        do {
            uid = uid >= 0xffffffffL ? 1 : uid + 1;
        } while (uid == local.uid || remotes.containsKey(uid) || provisional.containsKey(uid));
        local.puid = uid;
        return uid;
    }

    /**
     * Restores a remote from the keep. Its session id advances so that the restart opens a new session, as the
     * reference does.
     */
    Remote restore(String name, long uid, long fuid, InetSocketAddress ha, String role, boolean main, int kind,
            String fqdn, long sid, Boolean joined, VerifyKey verifyKey, PublicKey publicKey) {
        Remote r = new Remote(name, uid, fuid, ha);
        r.role(role);
        r.main(main);
        r.kind(kind);
        r.fqdn(fqdn);
        r.sid(sid);
        r.nextSid();
        r.joined(joined);
        r.keys(verifyKey, publicKey);
        r.proven(true);
        LocalEstate local = ctx.local();
        if (uid > local.puid) {
            local.puid = uid;
        }
        add(new Peer(r, ctx, this));
        ctx.store().saveRemote(r);
        return r;
    }

    /** Puts a peer in the table under its uid, name and address. */
    void add(Peer p) {
        Remote r = p.remote;
        remotes.put(r.uid(), p);
        if (r.name() != null) {
            byName.put(r.name(), p);
        }
        byHa.put(r.ha(), p);
    }

    @Override
    public boolean isAdded(Peer p) {
        return remotes.get(p.remote.uid()) == p;
    }

    @Override
    public void rename(Peer p, String name) {
        rekey(byName, p.remote.name(), name, p);
        p.remote.name(name);
    }

    @Override
    public void move(Peer p, InetSocketAddress ha) {
        rekey(byHa, p.remote.ha(), ha, p);
        p.remote.ha(ha);
    }

    /** Files {@code p} under {@code next} instead of {@code old} in a table (only when it is on the road). */
    private <K> void rekey(Map<K, Peer> table, K old, K next, Peer p) {
        if (old != null && table.get(old) == p) {
            table.remove(old);
        }
        if (isAdded(p)) {
            table.put(next, p);
        }
    }

    @Override
    public void remove(Peer p, boolean clearKeep) {
        Remote r = p.remote;
        p.forget();
        unproven.remove(r.uid(), p);
        if (remotes.get(r.uid()) == p) {
            remotes.remove(r.uid());
        }
        if (r.name() != null && byName.get(r.name()) == p) {
            byName.remove(r.name());
        }
        if (byHa.get(r.ha()) == p) {
            byHa.remove(r.ha());
        }
        joinees.values().remove(p);
        if (clearKeep) {
            ctx.store().removeRemote(r);
        }
    }

    /** When there are {@link HandshakeLimits#unprovenRemotes()} unproven remotes already, the oldest is forgotten. */
    @Override
    public void admitJoined(Peer peer) {
        while (unproven.size() >= config.handshakes().unprovenRemotes()) {
            Peer oldest = unproven.values().iterator().next();
            ctx.count(RoadCounter.UNPROVEN_REMOTE_EVICTED);
            remove(oldest, false);
        }
        unproven.put(peer.remote.uid(), peer);
        add(peer);
    }

    /**
     * The remote signed a packet with the keys it joined with: its name is now bound to them, and it is kept
     * (remote estate and role files). False when its role was meanwhile bound to other keys or rejected; the remote
     * is then forgotten.
     */
    private boolean prove(Peer peer, long now) {
        Remote remote = peer.remote;
        RoadStore store = ctx.store();
        Acceptance status = store.decideRole(remote.role(), remote.verifyKey(), remote.publicKey(), config.auto());
        String conflict = roleConflict(remote.role(), remote.verifyKey(), remote.publicKey(), remote);
        boolean approved = pendingJoins.approved(PendingJoins.Identity.of(remote), now);
        if (conflict != null || status == Acceptance.REJECTED && !approved) {
            ctx.count(RoadCounter.UNPROVEN_REMOTE_REFUSED);
            remove(peer, false);
            return false;
        }
        remote.proven(true);
        unproven.remove(remote.uid(), peer);
        remote.acceptance(Acceptance.ACCEPTED);
        store.keepRole(remote.role(), remote.verifyKey(), remote.publicKey(), Acceptance.ACCEPTED);
        store.saveRemote(remote);
        store.saveLocal(ctx.local());
        ctx.count(RoadCounter.REMOTE_PROVEN);
        return true;
    }

    /** A proven remote's role keeps its keys whatever the auto mode. */
    @Override
    public String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except) {
        for (Peer p : remotes.values()) {
            Remote r = p.remote;
            if (r != except && r.isProven() && role.equals(r.role())
                    && !(verifyKey.equals(r.verifyKey()) && publicKey.equals(r.publicKey()))) {
                return "role " + role + " is bound to other keys (remote " + r.name() + ")";
            }
        }
        return null;
    }

    @Override
    public Acceptance decideJoin(PendingJoins.Identity id, long now) {
        if (pendingJoins.approved(id, now)) {
            return Acceptance.ACCEPTED;
        }
        return ctx.store().decideRole(id.role(), id.verifyKey(), id.publicKey(), config.auto());
    }

    /**
     * An operator accepted exactly that identity (in memory), or re-keyed the remote's own role in the keep to these
     * keys.
     */
    @Override
    public boolean rebindApproved(PendingJoins.Identity id, Remote known, long now) {
        if (pendingJoins.approved(id, now)) {
            return true;
        }
        return id.role().equals(known.role()) && ctx.store().decideRole(id.role(), id.verifyKey(), id.publicKey(),
                AutoMode.NEVER) == Acceptance.ACCEPTED;
    }

    @Override
    public PendingJoins pendingJoins() {
        return pendingJoins;
    }

    @Override
    public void refusedJoin(String name, InetSocketAddress from, JoinRefusal code, String reason) {
        ctx.count(code);
        ctx.emit(new RoadEvent.JoinRefused(name, from, reason));
    }

    @Override
    public void provisional(long uid, Joinent join) {
        provisional.put(uid, join);
    }

    @Override
    public void endProvisional(long uid, Joinent join) {
        provisional.remove(uid, join);
    }

    @Override
    public void joinee(InetSocketAddress src, Peer peer) {
        joinees.put(src, peer);
    }

    @Override
    public void endJoinee(InetSocketAddress src, Peer peer) {
        joinees.remove(src, peer);
    }

    // ------------------------------------------------------------------ operators

    /** Accepts a pending join's identity (see {@link RoadEngine#acceptJoin}). */
    void acceptJoin(RoadEvent.JoinPending p, long now) {
        PendingJoins.Identity id = PendingJoins.Identity.of(p);
        PendingJoins.Entry e = pendingJoins.approve(id, p.address(), now);
        ctx.store().keepRole(id.role(), id.verifyKey(), id.publicKey(), Acceptance.ACCEPTED);
        ctx.count(RoadCounter.JOIN_ACCEPTED_BY_OPERATOR);
        if (e.live instanceof Joinent j && isActive(j)) {
            j.approved(now);
        } else if (e.live instanceof Joiner j && isActive(j)) {
            j.approved(now);
        }
    }

    /** Rejects a pending join; returns whether it was pending. */
    boolean rejectJoin(RoadEvent.JoinPending p, long now) {
        PendingJoins.Entry e = pendingJoins.remove(PendingJoins.Identity.of(p));
        if (e == null) {
            return false;
        }
        ctx.count(RoadCounter.JOIN_REJECTED_BY_OPERATOR);
        if (e.live instanceof Joinent j && isActive(j)) {
            j.rejectedByOperator(now);
        } else if (e.live instanceof Joiner j && isActive(j)) {
            j.rejectedByOperator(now);
        }
        return true;
    }

    // ------------------------------------------------------------------ bounds of incoming messages

    void acceptMessages(boolean accept) {
        incoming.accepting = accept;
    }

    @Override
    public boolean acceptingMessages() {
        return incoming.accepting;
    }

    int incompleteMessages() {
        return incoming.messages();
    }

    long incompleteBytes() {
        return incoming.bytes();
    }

    @Override
    public boolean admitIncomplete(Peer p) {
        return incoming.admit(p);
    }

    @Override
    public boolean holdIncomplete(Peer p, long bytes) {
        return incoming.hold(p, bytes);
    }

    @Override
    public void releaseBytes(Peer p, long bytes) {
        incoming.releaseBytes(p, bytes);
    }

    @Override
    public void releaseIncomplete(Peer p, long bytes) {
        incoming.release(p, bytes);
    }

    // ------------------------------------------------------------------ levels

    /** See {@link RoadEngine#levels()}. */
    Map<String, Long> levels() {
        long joined = 0;
        long allowed = 0;
        long alive = 0;
        long waiting = 0;
        for (Peer p : remotes.values()) {
            joined += p.remote.isJoined() ? 1 : 0;
            allowed += p.isAllowed() ? 1 : 0;
            alive += p.isAlive() ? 1 : 0;
            waiting += p.pending.size();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("remotes", (long) remotes.size());
        m.put("remotes_joined", joined);
        m.put("remotes_allowed", allowed);
        m.put("remotes_alive", alive);
        m.put("incomplete_messages", (long) incoming.messages());
        m.put("incomplete_bytes", incoming.bytes());
        m.put("queue_waiting_allow", waiting);
        return m;
    }

    /** Names of remotes currently alive. */
    List<String> aliveRemotes() {
        List<String> names = new ArrayList<>();
        for (Peer p : remotes.values()) {
            if (p.isAlive() && p.remote.name() != null) {
                names.add(p.remote.name());
            }
        }
        return names;
    }
}
