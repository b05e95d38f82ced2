package io.raet.road;

import io.raet.codec.Body;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.Entropy;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The sans-IO road: every protocol decision of a RAET road stack, with no socket, thread or clock inside.
 *
 * <p>Feed it datagrams with {@link #receive} and the time with {@link #tick}; issue commands ({@link #join},
 * {@link #allow}, {@link #alive}, {@link #send}); drain {@link #pollOutgoing()} (datagrams to send) and
 * {@link #pollEvent()} (what happened). {@link #nextWakeup()} says when the next timer is due. Time is a
 * monotonic nanosecond count chosen by the caller. Not thread-safe: one owner thread drives it.
 */
public final class RoadEngine {
    /**
     * Largest datagram accepted: the reference sends at most 1024 bytes and receives into 2048; anything larger is
     * dropped before parsing (a larger {@link RoadConfig#maxPacketSize()} raises the limit to match).
     */
    public static final int MAX_RECEIVE_SIZE = 2048;

    final LocalEstate local;
    final RoadConfig config;
    final RoadStore store;
    /** Where nonces and short-term keys come from (the system's generator unless a simulation passes its own). */
    final Entropy entropy;
    final RoadStats stats = new RoadStats();

    private final Map<Long, Peer> remotes = new HashMap<>();
    private final Map<String, Peer> byName = new HashMap<>();
    private final Map<InetSocketAddress, Peer> byHa = new HashMap<>();
    /** Peers of vacuous joins we answer, by source address, until the join ends. */
    final Map<InetSocketAddress, Peer> joinees = new HashMap<>();
    /**
     * Joins of remotes that are new to us, by the uid we gave them, until the join completes: their remotes are in
     * no other table (nothing of an unfinished join is visible or kept).
     */
    final Map<Long, Joinent> provisional = new HashMap<>();
    /** Remotes that completed a join but have not yet proven their keys, oldest first (memory only, bounded). */
    private final LinkedHashMap<Long, Peer> unproven = new LinkedHashMap<>();
    private final Map<TxKey, Transaction> transactions = new HashMap<>();
    /** Limits on what unauthenticated join requests may start, and the pace of our own handshakes. */
    final JoinGuard joinGuard;
    /** Joins held for an operator's decision. */
    final PendingJoins pendingJoins;

    /** What transactions and peers see of the engine. */
    private final TxContext ctx = new Context();
    private final Admission admission = new Table();

    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final ArrayDeque<RoadEvent> events = new ArrayDeque<>();

    private record Timer(long at, Transaction tx, int generation) {}

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private long nextHousekeeping = Long.MIN_VALUE;
    private long messageIds;
    /** The transaction being run (fed a packet or a timer), whose re-sent packets may be answers. */
    private Transaction current;
    /** Whether new incoming messages are admitted (false while the application's inbox is full). */
    private boolean acceptingMessages = true;
    /** Incoming messages being reassembled, all remotes together, and the bytes held for them. */
    private int incomplete;
    private long incompleteBytes;

    public RoadEngine(LocalEstate local, RoadConfig config, RoadStore store) {
        this(local, config, store, Entropy.system());
    }

    /**
     * An engine taking its random bytes (nonces, short-term keys) from {@code entropy}: a simulation passes a
     * seeded source to replay a run exactly; real traffic needs {@link Entropy#system()}.
     */
    public RoadEngine(LocalEstate local, RoadConfig config, RoadStore store, Entropy entropy) {
        this.local = local;
        this.config = config;
        this.store = store;
        this.entropy = entropy;
        this.joinGuard = new JoinGuard(config.handshakes());
        this.pendingJoins = new PendingJoins(config.handshakes().pendingJoins());
    }

    public LocalEstate local() {
        return local;
    }

    public RoadConfig config() {
        return config;
    }

    public RoadStats stats() {
        return stats;
    }

    // ------------------------------------------------------------------ remotes

    /** The remotes on the road now. */
    public List<Remote> remotes() {
        List<Remote> out = new ArrayList<>(remotes.size());
        for (Peer p : remotes.values()) {
            out.add(p.remote);
        }
        return out;
    }

    Collection<Peer> peers() {
        return Collections.unmodifiableCollection(remotes.values());
    }

    public Remote remote(String name) {
        Peer p = byName.get(name);
        return p == null ? null : p.remote;
    }

    Peer peer(String name) {
        return byName.get(name);
    }

    Peer peerByUid(long uid) {
        return remotes.get(uid);
    }

    Peer peerByAddress(InetSocketAddress ha) {
        return byHa.get(ha);
    }

    public Remote remoteByUid(long uid) {
        Peer p = remotes.get(uid);
        return p == null ? null : p.remote;
    }

    public Remote remoteByAddress(InetSocketAddress ha) {
        Peer p = byHa.get(ha);
        return p == null ? null : p.remote;
    }

    /** A peer for a remote new to us at {@code ha}, with a fresh uid, in no table yet. */
    Peer newPeer(InetSocketAddress ha) {
        return new Peer(new Remote(null, nextUid(), 0, ha), ctx, admission);
    }

    long nextUid() {
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
    public Remote restoreRemote(String name, long uid, long fuid, InetSocketAddress ha, String role, boolean main,
            int kind, String fqdn, long sid, Boolean joined, VerifyKey verifyKey, PublicKey publicKey) {
        Remote r = new Remote(name, uid, fuid, ha);
        r.role(role);
        r.main(main);
        r.kind(kind);
        r.fqdn(fqdn == null ? "localhost" : fqdn);
        r.sid(sid);
        r.nextSid();
        r.joined(joined);
        r.keys(verifyKey, publicKey);
        r.proven(true);
        if (uid > local.puid) {
            local.puid = uid;
        }
        addPeer(new Peer(r, ctx, admission));
        store.saveRemote(r);
        return r;
    }

    void addPeer(Peer p) {
        Remote r = p.remote;
        remotes.put(r.uid(), p);
        if (r.name() != null) {
            byName.put(r.name(), p);
        }
        byHa.put(r.ha(), p);
    }

    boolean isAdded(Peer p) {
        return remotes.get(p.remote.uid()) == p;
    }

    void renameRemote(Peer p, String name) {
        Remote r = p.remote;
        if (r.name() != null && byName.get(r.name()) == p) {
            byName.remove(r.name());
        }
        r.name(name);
        if (isAdded(p)) {
            byName.put(name, p);
        }
    }

    void moveRemote(Peer p, InetSocketAddress ha) {
        Remote r = p.remote;
        if (byHa.get(r.ha()) == p) {
            byHa.remove(r.ha());
        }
        r.ha(ha);
        if (isAdded(p)) {
            byHa.put(ha, p);
        }
    }

    /** Forgets a remote: its transactions are nacked, its keep file removed when {@code clearKeep}. */
    void removeRemote(Peer p, boolean clearKeep) {
        Remote r = p.remote;
        p.abortAll("remote removed");
        p.failPending(DeliveryFailure.REMOTE_REMOVED, "remote removed");
        p.resolveAlive("remote removed");
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
            store.removeRemote(r);
        }
    }

    // ------------------------------------------------------------------ transactions and timers

    void addTransaction(Transaction tx) {
        tx.live = true;
        Transaction before = transactions.put(tx.key, tx);
        if (before instanceof Joinent) {
            joinGuard.ended(before.to);
        }
        if (tx instanceof Joinent) {
            joinGuard.started(tx.to);
        }
        tx.peer.added(tx);
    }

    void removeTransaction(Transaction tx) {
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
        tx.timerGeneration++;
        if (tx.live) {
            tx.live = false;
            tx.ended();
        }
    }

    boolean isActive(Transaction tx) {
        return transactions.get(tx.key) == tx;
    }

    void schedule(Transaction tx) {
        long at = tx.nextDeadline();
        tx.timerGeneration++;
        if (at >= 0) {
            timers.add(new Timer(at, tx, tx.timerGeneration));
        }
    }

    /** When the next timer is due (nanoseconds, same clock as the callers'), or {@link Long#MAX_VALUE}. */
    public long nextWakeup() {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.generation != t.tx.timerGeneration) {
                timers.poll();
                continue;
            }
            return Math.min(t.at, nextHousekeeping);
        }
        return nextHousekeeping == Long.MIN_VALUE ? Long.MIN_VALUE : nextHousekeeping;
    }

    /** Runs every timer due at {@code now}, heartbeats and expiries. */
    public void tick(long now) {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.generation != t.tx.timerGeneration) {
                timers.poll();
                continue;
            }
            if (t.at > now) {
                break;
            }
            timers.poll();
            fire(t.tx, now);
        }
        if (now >= nextHousekeeping) {
            nextHousekeeping = now + Transaction.nanos(0.25);
            try {
                housekeep(now);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                stats.count(RoadCounter.HOUSEKEEPING_ERROR);
            }
        }
    }

    /**
     * Runs one due timer. A defect in it ends that transaction (its message, if any, reported undelivered) and
     * is counted {@code timer_error}; only a VM failure goes on to the caller.
     */
    private void fire(Transaction tx, long now) {
        Transaction before = current;
        current = tx;
        try {
            tx.fire(now);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            stats.count(RoadCounter.TIMER_ERROR);
            removeTransaction(tx);
            if (tx instanceof Messenger m) {
                emit(new RoadEvent.Undelivered(m.pending.id(), tx.remote.name(), DeliveryFailure.INTERNAL_ERROR,
                        "internal error: " + e));
            }
        } finally {
            current = before;
        }
    }

    private void housekeep(long now) {
        long interval = config.aliveInterval().toNanos();
        for (Peer p : new ArrayList<>(remotes.values())) {
            if (!p.completedTids.isEmpty()) {
                p.completedTids.expire(now);
            }
            if (!p.pending.isEmpty()) {
                p.expirePending(now);
            }
            if (interval > 0 && p.remote.isJoined() && !p.reaped && p.remote.isProven()) {
                if (p.nextHeartbeat == 0) {
                    p.nextHeartbeat = now + (local.main ? interval : interval + interval / 2);
                } else if (now >= p.nextHeartbeat) {
                    p.heartbeat(now, interval, joinGuard);
                }
            }
        }
    }

    // ------------------------------------------------------------------ output

    /** Encodes and queues a packet; returns its bytes, or null when it could not be packed (counted). */
    byte[] transmit(RoadHead head, byte[] coat, InetSocketAddress to) {
        return transmit(head, coat, to, null);
    }

    /**
     * Encodes and queues a packet; when it answers {@code answering} (not null) it is sent only within that
     * remote's answer credit. Returns its bytes, or null when it was not packed or not sent (counted).
     */
    byte[] transmit(RoadHead head, byte[] coat, InetSocketAddress to, Peer answering) {
        try {
            byte[] data = RoadCodec.encode(head, coat, 0, coat.length, local.signer, config.maxPacketSize());
            if (answering != null && !answering.load.answer(data.length)) {
                stats.count(RoadCounter.ANSWER_BUDGET);
                return null;
            }
            outbox.add(new Outgoing(data, to));
            stats.count(RoadCounter.PACKETS_SENT);
            return data;
        } catch (PacketException e) {
            stats.count(RoadCounter.PACK_ERROR);
            return null;
        }
    }

    void enqueue(byte[] data, InetSocketAddress to) {
        outbox.add(new Outgoing(data, to));
        stats.count(RoadCounter.PACKETS_SENT);
    }

    /** Queues a packet again; a correspondent's re-sent answer is bounded by its remote's answer credit. */
    void resend(byte[] data, InetSocketAddress to) {
        if (data != null && current != null && current.correspondent && !current.peer.load.answer(data.length)) {
            stats.count(RoadCounter.ANSWER_BUDGET);
            return;
        }
        if (data != null) {
            outbox.add(new Outgoing(data, to));
            stats.count(RoadCounter.PACKETS_SENT);
            stats.count(RoadCounter.PACKETS_RESENT);
        }
    }

    void emit(RoadEvent event) {
        events.add(event);
    }

    /** The next datagram to send, or null. */
    public Outgoing pollOutgoing() {
        return outbox.poll();
    }

    /** The next event, or null. */
    public RoadEvent pollEvent() {
        return events.poll();
    }

    public boolean hasOutgoing() {
        return !outbox.isEmpty();
    }

    void drop(DropReason reason) {
        stats.drop(reason);
    }

    // ------------------------------------------------------------------ receive

    /**
     * Processes one received datagram. Never throws for bad input: every rejection is counted in the stats, and
     * so is a defect met while handling it ({@code drop_internal_error}); only a VM failure
     * ({@link VirtualMachineError}) goes on to the caller.
     */
    public void receive(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        stats.count(RoadCounter.PACKETS_RECEIVED);
        if (len > Math.max(MAX_RECEIVE_SIZE, config.maxPacketSize())) {
            drop(DropReason.OVERSIZED);
            return;
        }
        try {
            ParsedPacket packet;
            try {
                packet = RoadCodec.parse(buf, off, len);
            } catch (PacketException e) {
                drop(DropReason.parse(e.reason()));
                return;
            }
            dispatch(packet, src, now);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // A defect must never take the stack down; the packet is counted and dropped.
            drop(DropReason.INTERNAL_ERROR);
        }
    }

    private void dispatch(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        if (h.bf()) {
            drop(DropReason.BROADCAST);
            return;
        }
        Peer peer;
        if (h.tk() == TransactionKind.JOIN) {
            if (h.si() != 0) {
                drop(DropReason.JOIN_WITH_SESSION);
                return;
            }
            if (h.cf()) {
                if (h.de() == 0) {
                    drop(DropReason.INVALID_JOIN_IDS);
                    return;
                }
                if (h.se() == 0) {
                    peer = byHa.get(src);
                    if (peer == null || peer.remote.uid() != h.de()) {
                        drop(DropReason.UNKNOWN_JOINEE);
                        return;
                    }
                } else {
                    peer = remotes.get(h.de());
                    if (peer == null) {
                        staler(packet, src, null); // the join it answers is gone with its remote
                        return;
                    }
                }
            } else {
                if (h.se() == 0) {
                    drop(DropReason.INVALID_JOIN_IDS);
                    return;
                }
                if ((h.pk() == PacketKind.REQUEST || h.de() != 0 && remotes.get(h.de()) == null)
                        && !transactions.containsKey(txKey(h, src))) {
                    // A new join request (or one that would be answered with a renew): bounded per host.
                    DropReason refused = joinGuard.admit(src, now);
                    if (refused != null) {
                        drop(refused);
                        return;
                    }
                }
                if (h.de() == 0) {
                    // A vacuous join: the remote of the one in progress from this address, or a new one that is in
                    // no table until the join completes (Joinent looks the name up).
                    peer = joinees.get(src);
                    if (peer != null && peer.remote.fuid() != h.se() && peer.remote.fuid() != 0) {
                        joinees.remove(src);
                        peer = null;
                    }
                    if (peer == null) {
                        if (h.pk().isNackKind()) {
                            // The joiner's answer to a response we re-sent after its join completed: not an error.
                            stats.count(RoadCounter.LATE_JOIN_NACK);
                            return;
                        }
                        if (h.pk() != PacketKind.REQUEST) {
                            drop(DropReason.STALE_JOIN);
                            return;
                        }
                        peer = newPeer(src);
                    }
                } else {
                    peer = remotes.get(h.de());
                    if (peer == null) {
                        stalent(packet, src, PacketKind.RENEW);
                        return;
                    }
                }
            }
        } else {
            if (h.si() == 0 || h.se() == 0 || h.de() == 0) {
                drop(DropReason.INVALID_IDS);
                return;
            }
            peer = remotes.get(h.de());
            Joinent joining = null;
            if (peer == null) {
                joining = provisional.get(h.de());
                if (joining == null) {
                    drop(DropReason.UNKNOWN_DESTINATION_UID);
                    return;
                }
                peer = joining.peer;
            }
            Remote remote = peer.remote;
            // Stricter than the reference: every non-join packet must be signed by the remote's long-term key.
            if (h.fk() != FootKind.NACL) {
                drop(DropReason.UNSIGNED);
                return;
            }
            if (remote.verifyKey() == null || !packet.verify(remote.verifyKey())) {
                drop(DropReason.BAD_SIGNATURE);
                return;
            }
            if (joining != null) {
                // The joiner signs with the keys it joined with: its join is complete even if its ack was lost.
                if (!joining.acknowledgedBySignedTraffic(now) || !isAdded(peer)) {
                    drop(DropReason.UNJOINED);
                    return;
                }
            } else if (!remote.isJoined()) {
                if (peer.joinent != null) {
                    peer.joinent.acknowledgedBySignedTraffic(now);
                }
            }
            if (!remote.isProven() && !prove(peer, now)) {
                drop(DropReason.UNPROVEN_REFUSED);
                return;
            }
            if (!h.cf()) {
                if (!Remote.validSid(h.si(), peer.rsid)) {
                    // A hello of an older session than the remote's last, after the remote joined again: it lost
                    // its state (a restart without its keep). Only a completed allow, which no replay can complete,
                    // re-bases the remote's session; until then nothing changes.
                    TxKey key = txKey(h, src);
                    if (transactions.get(key) instanceof Allowent a && a.rebasing()) {
                        a.receive(packet, src, now);
                        return;
                    }
                    if (h.tk() == TransactionKind.ALLOW && h.pk() == PacketKind.HELLO && remote.isJoined()
                            && peer.rejoined && !transactions.containsKey(key)) {
                        stats.count(RoadCounter.HELLO_OF_OLDER_SESSION);
                        Allowent.start(peer, packet, key, src, now, true);
                        return;
                    }
                    drop(DropReason.STALE_SESSION);
                    stalent(packet, src, PacketKind.NACK);
                    return;
                }
                if (h.si() != peer.rsid) {
                    peer.renewCorrespondentSession(h.si());
                }
            }
            peer.reaped = false;
        }

        peer.load.heard(packet.length(), config.limits());
        TxKey key = txKey(h, src);
        Transaction tx = transactions.get(key);
        if (tx != null) {
            Transaction before = current;
            current = tx;
            try {
                tx.receive(packet, src, now);
            } finally {
                current = before;
            }
            return;
        }
        if (h.cf()) {
            staler(packet, src, peer);
            return;
        }
        switch (h.tk()) {
            case JOIN -> {
                if (h.pk() == PacketKind.REQUEST) {
                    Joinent.start(peer, packet, key, src, now);
                } else {
                    drop(DropReason.STALE_PACKET);
                }
            }
            case ALLOW -> {
                if (h.pk() == PacketKind.HELLO) {
                    if (peer.replay.check(peer.rsid, h.ti()) != ReplayWindow.Verdict.FRESH) {
                        // A hello of an allow that already ran: restarting it would tear down the session.
                        drop(DropReason.REPLAY);
                        return;
                    }
                    Allowent.start(peer, packet, key, src, now, false);
                    if (transactions.containsKey(key)) {
                        peer.replay.mark(peer.rsid, h.ti());
                    }
                } else {
                    drop(DropReason.STALE_PACKET);
                }
            }
            case ALIVE -> {
                if (h.pk() == PacketKind.REQUEST) {
                    // A repeated request is answered (its ack may have been lost) but proves no presence.
                    boolean fresh = peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.FRESH;
                    if (fresh) {
                        peer.replay.mark(peer.rsid, h.ti());
                    } else {
                        drop(DropReason.REPLAY);
                    }
                    Alivent.answer(peer, packet, key, src, now, fresh);
                } else {
                    drop(DropReason.STALE_PACKET);
                }
            }
            case MESSAGE -> {
                if (h.pk() != PacketKind.MESSAGE) {
                    drop(DropReason.STALE_PACKET);
                } else if (peer.completedTids.contains(h.ti())) {
                    // Already delivered: answer done again (the reference nacks, which fails a delivered message).
                    drop(DropReason.DUPLICATE_MESSAGE);
                    stalent(packet, src, PacketKind.DONE, peer);
                } else if (peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.SEEN) {
                    // Delivered earlier in this session (beyond the stale-tid window): never deliver it again.
                    drop(DropReason.REPLAY);
                    stalent(packet, src, PacketKind.DONE, peer);
                } else if (peer.replay.check(peer.rsid, h.ti()) == ReplayWindow.Verdict.TOO_OLD) {
                    drop(DropReason.REPLAY);
                    stalent(packet, src, PacketKind.NACK, peer);
                } else if (h.af()) {
                    drop(DropReason.STALE_MESSAGE);
                    stalent(packet, src, PacketKind.NACK, peer);
                } else {
                    Messengent.start(peer, packet, key, src, now);
                }
            }
            default -> drop(DropReason.UNSUPPORTED_TRANSACTION);
        }
    }

    private static TxKey txKey(RoadHead h, InetSocketAddress src) {
        Object remoteId = (h.se() == 0 && h.cf()) || (h.de() == 0 && !h.cf()) ? src : (Object) h.se();
        return new TxKey(!h.cf(), h.de(), remoteId, h.si(), h.ti());
    }

    /**
     * A remote new to us completed a join: it enters the road, in memory only, as an unproven remote. When there
     * are {@link HandshakeLimits#unprovenRemotes()} of them already, the oldest is forgotten.
     */
    void admitJoined(Peer peer) {
        while (unproven.size() >= config.handshakes().unprovenRemotes()) {
            Peer oldest = unproven.values().iterator().next();
            stats.count(RoadCounter.UNPROVEN_REMOTE_EVICTED);
            removeRemote(oldest, false);
        }
        unproven.put(peer.remote.uid(), peer);
        addPeer(peer);
    }

    /**
     * The remote signed a packet with the keys it joined with: its name is now bound to them, and it is kept
     * (remote estate and role files). False when its role was meanwhile bound to other keys or rejected; the remote
     * is then forgotten.
     */
    boolean prove(Peer peer, long now) {
        Remote remote = peer.remote;
        Acceptance status = store.decideRole(remote.role(), remote.verifyKey(), remote.publicKey(), config.auto());
        String conflict = roleConflict(remote.role(), remote.verifyKey(), remote.publicKey(), remote);
        boolean approved = pendingJoins.approved(PendingJoins.Identity.of(remote), now);
        if (conflict != null || status == Acceptance.REJECTED && !approved) {
            stats.count(RoadCounter.UNPROVEN_REMOTE_REFUSED);
            removeRemote(peer, false);
            return false;
        }
        remote.proven(true);
        unproven.remove(remote.uid(), peer);
        remote.acceptance(Acceptance.ACCEPTED);
        store.keepRole(remote.role(), remote.verifyKey(), remote.publicKey(), Acceptance.ACCEPTED);
        store.saveRemote(remote);
        store.saveLocal(local);
        stats.count(RoadCounter.REMOTE_PROVEN);
        return true;
    }

    /**
     * Why a remote other than {@code except} holding {@code role} with other keys forbids binding it to these keys,
     * or null: a proven remote's role keeps its keys whatever the auto mode.
     */
    String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except) {
        for (Peer p : remotes.values()) {
            Remote r = p.remote;
            if (r != except && r.isProven() && role.equals(r.role())
                    && !(verifyKey.equals(r.verifyKey()) && publicKey.equals(r.publicKey()))) {
                return "role " + role + " is bound to other keys (remote " + r.name() + ")";
            }
        }
        return null;
    }

    /** The acceptance of a joiner's identity: an operator's acceptance, else the store's table (nothing written). */
    Acceptance decideJoin(PendingJoins.Identity id, long now) {
        if (pendingJoins.approved(id, now)) {
            return Acceptance.ACCEPTED;
        }
        return store.decideRole(id.role(), id.verifyKey(), id.publicKey(), config.auto());
    }

    /**
     * Whether {@code known}'s name may be bound to the identity {@code id} presents: an operator accepted exactly
     * that (in memory), or re-keyed the remote's own role in the keep to these keys.
     */
    boolean rebindApproved(PendingJoins.Identity id, Remote known, long now) {
        if (pendingJoins.approved(id, now)) {
            return true;
        }
        return id.role().equals(known.role()) && store.decideRole(id.role(), id.verifyKey(), id.publicKey(),
                AutoMode.NEVER) == Acceptance.ACCEPTED;
    }

    /** Counts and reports a join this estate refuses. */
    void refusedJoin(String name, InetSocketAddress from, JoinRefusal code, String reason) {
        stats.refused(code);
        emit(new RoadEvent.JoinRefused(name, from, reason));
    }

    /** A reply for an initiator we no longer have: tell the correspondent to stop. */
    private void staler(ParsedPacket packet, InetSocketAddress src, Peer peer) {
        RoadHead h = packet.head();
        if (h.pk().isNackKind() || peer == null) {
            drop(DropReason.STALE_REPLY);
            return;
        }
        drop(DropReason.STALE_REPLY);
        RoadHead nack = new RoadHead().hk(config.headKind()).pk(PacketKind.NACK).tk(h.tk()).se(h.de()).de(h.se())
                .si(h.si()).ti(h.ti()).cf(false).bk(config.bodyKind()).ck(h.ck()).fk(h.fk());
        transmit(nack, Transaction.EMPTY, src);
    }

    /** A packet from an initiator that cannot be served: nack (or renew), echoing its ids. */
    void stalent(ParsedPacket packet, InetSocketAddress src, PacketKind kind) {
        stalent(packet, src, kind, null);
    }

    /** Same as {@link #stalent(ParsedPacket, InetSocketAddress, PacketKind)}, within the remote's answer credit. */
    void stalent(ParsedPacket packet, InetSocketAddress src, PacketKind kind, Peer answering) {
        RoadHead h = packet.head();
        if (h.pk().isNackKind()) {
            return;
        }
        RoadHead nack = new RoadHead().hk(config.headKind()).pk(kind).tk(h.tk()).se(h.de()).de(h.se()).si(h.si())
                .ti(h.ti()).cf(true).bk(config.bodyKind()).ck(h.ck()).fk(h.fk());
        transmit(nack, Transaction.EMPTY, src, answering);
    }

    // ------------------------------------------------------------------ commands

    /**
     * Starts a join with the estate at {@code ha}: a vacuous join when we know no id of ours there, else a join
     * with the known remote. Returns the remote (named after the address until the join answers).
     */
    public Remote join(InetSocketAddress ha, long now) {
        Peer p = byHa.get(ha);
        if (p == null) {
            p = newPeer(ha);
            addPeer(p);
        }
        p.join(now, false);
        return p.remote;
    }

    /** Starts an allow handshake with a joined remote (a join first, when not joined). */
    public void allow(String name, long now) {
        requirePeer(name).allow(now, false);
    }

    /** Whether an allow with the remote is in progress whose session is not open yet. */
    public boolean allowing(String name) {
        Peer p = byName.get(name);
        return p != null && p.allowing();
    }

    /** Whether a session with the remote is open. */
    public boolean allowed(String name) {
        Peer p = byName.get(name);
        return p != null && p.isAllowed();
    }

    /** Sends a heartbeat to the remote (joining and allowing first as needed). */
    public void alive(String name, long now) {
        requirePeer(name).alive(now, false);
    }

    /**
     * Sends a heartbeat to the remote (joining and allowing first as needed); {@code answer} is called on the
     * owner thread with null when the remote answers, or with why it did not ({@code timeout}, {@code refused},
     * {@code rejected}, or a failed join or allow).
     */
    public void alive(String name, long now, java.util.function.Consumer<String> answer) {
        Peer p = requirePeer(name);
        p.aliveWaiters.add(answer);
        p.alive(now, false);
    }

    // ------------------------------------------------------------------ operators

    /** Joins waiting for an operator's decision ({@link RoadEvent.JoinPending} tells of each when it arrives). */
    public List<RoadEvent.JoinPending> pendingJoins(long now) {
        return pendingJoins.list(now);
    }

    /**
     * Operator: accepts the name, role and keys of a pending join (or of a join still to come): the role is kept as
     * accepted with these keys, a join still waiting is answered at once, and a later join presenting exactly this
     * identity is accepted, even for a name bound to other keys (which it then rebinds). The acceptance of the
     * name is held in memory for ten minutes.
     */
    public void acceptJoin(RoadEvent.JoinPending p, long now) {
        PendingJoins.Identity id = PendingJoins.Identity.of(p);
        PendingJoins.Entry e = pendingJoins.approve(id, p.address(), now);
        store.keepRole(id.role(), id.verifyKey(), id.publicKey(), Acceptance.ACCEPTED);
        stats.count(RoadCounter.JOIN_ACCEPTED_BY_OPERATOR);
        if (e.live instanceof Joinent j && isActive(j)) {
            j.approved(now);
        } else if (e.live instanceof Joiner j && isActive(j)) {
            j.approved(now);
        }
    }

    /** Operator: rejects a pending join; a join still waiting is answered reject. Returns whether it was pending. */
    public boolean rejectJoin(RoadEvent.JoinPending p, long now) {
        PendingJoins.Entry e = pendingJoins.remove(PendingJoins.Identity.of(p));
        if (e == null) {
            return false;
        }
        stats.count(RoadCounter.JOIN_REJECTED_BY_OPERATOR);
        if (e.live instanceof Joinent j && isActive(j)) {
            j.rejectedByOperator(now);
        } else if (e.live instanceof Joiner j && isActive(j)) {
            j.rejectedByOperator(now);
        }
        return true;
    }

    Peer requirePeer(String name) {
        Peer p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown remote: " + name);
        }
        return p;
    }

    /**
     * Queues a message for the remote and returns its id; the outcome comes as {@link RoadEvent.Delivered} or
     * {@link RoadEvent.Undelivered}. A remote not yet allowed is joined and allowed first; the message waits.
     *
     * @param body a {@code Map} for JSON and msgpack bodies
     * @throws IllegalArgumentException for an unknown remote or a body that cannot be serialized or is too large
     * @throws OutgoingLimitException when {@link RoadLimits#maxOutgoingPerRemote()} messages to the remote are
     *     being sent or waiting
     */
    public long send(String name, Map<String, ?> body, MessageOptions options, long now) {
        Peer p = requirePeer(name);
        byte[] encoded;
        try {
            encoded = Body.encode(config.bodyKind(), body);
        } catch (PacketException e) {
            throw new IllegalArgumentException("message body cannot be serialized: " + e.getMessage(), e);
        }
        int max = config.limits().maxMessageSize();
        if (encoded.length + 40 > max) {
            throw new IllegalArgumentException("message of " + encoded.length + " bytes exceeds the maximum of "
                    + (max - 40));
        }
        if (p.outgoing() >= config.limits().maxOutgoingPerRemote()) {
            stats.count(RoadCounter.OUTGOING_LIMIT);
            throw new OutgoingLimitException(name, config.limits().maxOutgoingPerRemote());
        }
        MessageOptions opts = options == null ? config.messageDefaults() : options;
        long id = ++messageIds;
        long deadline = opts.timeout().isZero() ? -1 : now + opts.timeout().toNanos();
        p.send(new Messenger.Pending(id, config.bodyKind(), encoded, opts, deadline), now);
        return id;
    }

    // ------------------------------------------------------------------ bounds of incoming messages

    /**
     * Admits new incoming messages (the default) or not. While not, a packet that would start a new message is
     * dropped unanswered (counted {@code drop_inbox_full}), so its sender retries; messages being received
     * complete. A driver stops admitting while its application inbox is full.
     */
    public void acceptMessages(boolean accept) {
        acceptingMessages = accept;
    }

    public boolean acceptingMessages() {
        return acceptingMessages;
    }

    /** Incoming messages being reassembled, all remotes together. */
    public int incompleteMessages() {
        return incomplete;
    }

    /** Bytes held for incoming messages being reassembled (see {@link RoadLimits#SEGMENT_OVERHEAD}). */
    public long incompleteBytes() {
        return incompleteBytes;
    }

    /**
     * Admits a new incoming message of {@code p} for reassembly within {@link RoadLimits#maxIncompletePerRemote()}
     * and {@link RoadLimits#maxIncomplete()}, making room in the latter when another remote holds more. False,
     * counted {@code drop_incomplete_limit}, when refused.
     */
    boolean admitIncomplete(Peer p) {
        RoadLimits l = config.limits();
        if (p.load.incomplete >= l.maxIncompletePerRemote()
                || incomplete >= l.maxIncomplete() && !evictIncomplete(p, false, 1)) {
            drop(DropReason.INCOMPLETE_LIMIT);
            return false;
        }
        p.load.incomplete++;
        incomplete++;
        return true;
    }

    /**
     * Holds {@code bytes} more for a message of {@code p} being reassembled, within the per-remote and total
     * bounds (making room in the total when another remote holds more). False, counted
     * {@code drop_incomplete_bytes_limit}, when refused.
     */
    boolean holdIncomplete(Peer p, long bytes) {
        RoadLimits l = config.limits();
        if (p.load.incompleteBytes + bytes > l.maxIncompleteBytesPerRemote()) {
            drop(DropReason.INCOMPLETE_BYTES_LIMIT);
            return false;
        }
        while (incompleteBytes + bytes > l.maxIncompleteBytes()) {
            if (!evictIncomplete(p, true, bytes)) {
                drop(DropReason.INCOMPLETE_BYTES_LIMIT);
                return false;
            }
        }
        p.load.incompleteBytes += bytes;
        incompleteBytes += bytes;
        return true;
    }

    /** Gives back bytes held by {@link #holdIncomplete} for a segment that was not kept after all. */
    void releaseBytes(Peer p, long bytes) {
        p.load.incompleteBytes -= bytes;
        incompleteBytes -= bytes;
    }

    /** An incoming message of {@code p} that held {@code bytes} ended (delivered, refused or dropped). */
    void releaseIncomplete(Peer p, long bytes) {
        p.load.incomplete--;
        incomplete--;
        releaseBytes(p, bytes);
    }

    /**
     * Ends the oldest incomplete message of the remote holding the most (by bytes or by count) when that is not
     * {@code requester} and it holds more than {@code requester} would after taking {@code amount}: a remote that
     * fills the shared bound gives way to one holding less. Counted {@code incomplete_evicted}.
     */
    private boolean evictIncomplete(Peer requester, boolean byBytes, long amount) {
        Peer most = null;
        long mostHeld = -1;
        for (Peer p : remotes.values()) {
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
                stats.count(RoadCounter.INCOMPLETE_EVICTED);
                m.refuse();
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ status changes

    /**
     * How full the engine is, by name: {@code remotes}, {@code remotes_joined}, {@code remotes_allowed},
     * {@code remotes_alive}, {@code incomplete_messages}, {@code incomplete_bytes} (incoming messages being
     * reassembled) and {@code queue_waiting_allow} (messages waiting for their remote to be allowed).
     */
    public Map<String, Long> levels() {
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
        m.put("incomplete_messages", (long) incomplete);
        m.put("incomplete_bytes", incompleteBytes);
        m.put("queue_waiting_allow", waiting);
        return m;
    }

    /** Names of remotes currently alive. */
    public List<String> aliveRemotes() {
        List<String> names = new ArrayList<>();
        for (Peer p : remotes.values()) {
            if (p.isAlive() && p.remote.name() != null) {
                names.add(p.remote.name());
            }
        }
        return names;
    }

    // ------------------------------------------------------------------ what transactions and peers see

    /** The road's services as transactions and peers use them. */
    private final class Context implements TxContext {
        @Override
        public RoadConfig config() {
            return config;
        }

        @Override
        public LocalEstate local() {
            return local;
        }

        @Override
        public RoadStore store() {
            return store;
        }

        @Override
        public Entropy entropy() {
            return entropy;
        }

        @Override
        public byte[] transmit(RoadHead head, byte[] coat, InetSocketAddress to, Peer answering) {
            return RoadEngine.this.transmit(head, coat, to, answering);
        }

        @Override
        public void enqueue(byte[] data, InetSocketAddress to) {
            RoadEngine.this.enqueue(data, to);
        }

        @Override
        public void resend(byte[] data, InetSocketAddress to) {
            RoadEngine.this.resend(data, to);
        }

        @Override
        public void emit(RoadEvent event) {
            RoadEngine.this.emit(event);
        }

        @Override
        public void start(Transaction tx) {
            addTransaction(tx);
        }

        @Override
        public void end(Transaction tx) {
            removeTransaction(tx);
        }

        @Override
        public boolean isActive(Transaction tx) {
            return RoadEngine.this.isActive(tx);
        }

        @Override
        public void schedule(Transaction tx) {
            RoadEngine.this.schedule(tx);
        }

        @Override
        public void count(RoadCounter counter) {
            stats.count(counter);
        }

        @Override
        public void drop(DropReason reason) {
            stats.drop(reason);
        }
    }

    /** The remote table and admission as peers and their transactions use them. */
    private final class Table implements Admission {
        @Override
        public Peer peer(String name) {
            return byName.get(name);
        }

        @Override
        public boolean isAdded(Peer peer) {
            return RoadEngine.this.isAdded(peer);
        }

        @Override
        public Peer newPeer(InetSocketAddress ha) {
            return RoadEngine.this.newPeer(ha);
        }

        @Override
        public void rename(Peer peer, String name) {
            renameRemote(peer, name);
        }

        @Override
        public void move(Peer peer, InetSocketAddress ha) {
            moveRemote(peer, ha);
        }

        @Override
        public void remove(Peer peer, boolean clearKeep) {
            removeRemote(peer, clearKeep);
        }

        @Override
        public void admitJoined(Peer peer) {
            RoadEngine.this.admitJoined(peer);
        }

        @Override
        public String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except) {
            return RoadEngine.this.roleConflict(role, verifyKey, publicKey, except);
        }

        @Override
        public Acceptance decideJoin(PendingJoins.Identity id, long now) {
            return RoadEngine.this.decideJoin(id, now);
        }

        @Override
        public boolean rebindApproved(PendingJoins.Identity id, Remote known, long now) {
            return RoadEngine.this.rebindApproved(id, known, now);
        }

        @Override
        public PendingJoins pendingJoins() {
            return pendingJoins;
        }

        @Override
        public void refusedJoin(String name, InetSocketAddress from, JoinRefusal code, String reason) {
            RoadEngine.this.refusedJoin(name, from, code, reason);
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

        @Override
        public boolean acceptingMessages() {
            return acceptingMessages;
        }

        @Override
        public boolean admitIncomplete(Peer peer) {
            return RoadEngine.this.admitIncomplete(peer);
        }

        @Override
        public boolean holdIncomplete(Peer peer, long bytes) {
            return RoadEngine.this.holdIncomplete(peer, bytes);
        }

        @Override
        public void releaseBytes(Peer peer, long bytes) {
            RoadEngine.this.releaseBytes(peer, bytes);
        }

        @Override
        public void releaseIncomplete(Peer peer, long bytes) {
            RoadEngine.this.releaseIncomplete(peer, bytes);
        }
    }
}
