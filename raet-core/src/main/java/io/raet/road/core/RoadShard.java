package io.raet.road.core;

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
import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * One owner's part of a road engine: the remotes whose uid falls to it ({@code uid % shards}), their transactions,
 * timers, heartbeats and counters, and what it sends and reports. A driver runs each shard on its own owner thread
 * (one shard: the whole engine, as {@link RoadEngine} drives it); a shard is not thread-safe, except
 * {@link #post}.
 *
 * <p>Each datagram of one of its remotes comes to it ({@link RoadEngine#route} says which shard, from the head,
 * without parsing it): it parses the datagram once, checks its ids, admits it (signature, proof, session), answers
 * what needs no transaction (stale packets, renew) and hands the rest to the remote's {@link Peer} and the
 * transaction its key names. What concerns every remote (the table, identities, joins, the shared bounds) is the
 * {@link RoadEndpoint}'s: a shard takes the endpoint's lock for join and allow packets and timers, proofs, commands
 * and the shared bounds; a proven remote's messages and heartbeats go through without it. Work for another shard
 * (a datagram that turned out to be for another remote's shard, forgetting or evicting what another shard holds) is
 * {@link #post posted} to it.
 *
 * <p>Call order, on its owner thread: feed input ({@link #receive}, {@link #runPosted}, {@link #tick} when
 * {@link #nextWakeup()} is due, commands); drain output ({@link #pollOutgoing()}, {@link #pollEvent()}); sleep until
 * {@link #nextWakeup()}, a datagram, a command or a {@link #post} (the engine's wake-up hook tells the driver).
 */
public final class RoadShard {
    /** How often heartbeats and expiries are looked at. */
    private static final long HOUSEKEEPING_NANOS = Transaction.nanos(0.25);
    /**
     * Bytes of datagrams (plus {@value #DATAGRAM_OVERHEAD} each) a reader may hand this shard before it runs them:
     * as much as the socket's own receive buffer holds. Beyond, {@link #offer} drops them ({@code drop_backlog}).
     */
    public static final long BACKLOG_BYTES = 4L * 1024 * 1024;
    static final int DATAGRAM_OVERHEAD = 64;
    /** Times a datagram may be handed on to another shard before it is dropped. */
    private static final int MAX_HANDOFFS = 2;
    /** Flags of a datagram handed from one shard to another. */
    private static final int HANDED = 1;
    private static final int GUARD_ADMITTED = 2;

    private final RoadEngine engine;
    private final RoadEndpoint endpoint;
    private final int index;
    private final RoadConfig config;
    private final ReentrantLock lock;
    private final RoadStats stats = new RoadStats();
    /** What transactions and peers of this shard see of the road. */
    final TxContext ctx = new Context();
    /** The endpoint as this shard's peers use it. */
    final Admission admission = new ShardAdmission();

    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final ArrayDeque<RoadEvent> events = new ArrayDeque<>();

    private record Timer(long at, Timed tx, int generation) {}

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private long nextHousekeeping = Long.MIN_VALUE;
    /** Every transaction of this shard's remotes under way, by the key its packets carry. */
    private final Map<TxKey, Transaction> transactions = new HashMap<>();
    /** This shard's remotes on the road, by uid. */
    private final Map<Long, Peer> peers = new HashMap<>();
    /** Work other threads (another shard, the driver) hand to this one, in order. */
    private final ConcurrentLinkedQueue<LongConsumer> posted = new ConcurrentLinkedQueue<>();
    /** While one datagram is handled: the key a helper checked its signature with, or null. */
    private VerifyKey verifiedAhead;
    /** Message segments go out with their signature still to make ({@link #deferSignatures(boolean)}). */
    private volatile boolean deferSignatures;
    /** Bytes of the datagrams offered and not run yet, and those dropped since the owner last counted them. */
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong backlogDrops = new AtomicLong();

    RoadShard(RoadEngine engine, RoadEndpoint endpoint, int index) {
        this.engine = engine;
        this.endpoint = endpoint;
        this.index = index;
        this.config = engine.config();
        this.lock = endpoint.lock;
    }

    /** This shard's number, {@code 0 ≤ index < shards}. */
    public int index() {
        return index;
    }

    public RoadStats stats() {
        return stats;
    }

    // ------------------------------------------------------------------ work from other threads

    /**
     * Hands {@code work} to this shard (thread-safe): it runs on the shard's owner thread, with the time, in the
     * order posted, at the next {@link #runPosted}. The engine's wake-up hook tells the driver.
     */
    public void post(LongConsumer work) {
        posted.add(work);
        engine.wake(index);
    }

    /**
     * Hands a datagram read by another thread to this shard (thread-safe): it is received on the shard's thread, in
     * the order offered, at its next {@link #runPosted}. False, the datagram dropped (counted {@code drop_backlog}),
     * when {@link #BACKLOG_BYTES} are waiting already. {@code data} must not change afterwards.
     */
    public boolean offer(byte[] data, InetSocketAddress src) {
        long size = data.length + DATAGRAM_OVERHEAD;
        if (backlog.addAndGet(size) > BACKLOG_BYTES) {
            backlog.addAndGet(-size);
            backlogDrops.incrementAndGet();
            return false;
        }
        post(now -> {
            backlog.addAndGet(-size);
            receive(data, 0, data.length, src, now);
        });
        return true;
    }

    /** Whether work was posted and not run yet (thread-safe). */
    public boolean hasPosted() {
        return !posted.isEmpty();
    }

    /**
     * Runs up to {@code max} pieces of posted work, in order; returns how many ran. Nothing one of them throws ends
     * the shard (counted {@code command_error}), except a {@link VirtualMachineError}.
     */
    public int runPosted(long now, int max) {
        long dropped = backlogDrops.get();
        if (dropped != 0) {
            backlogDrops.addAndGet(-dropped);
            stats.drop(DropReason.BACKLOG, dropped);
            stats.count(RoadCounter.PACKETS_RECEIVED, dropped);
        }
        int n = 0;
        LongConsumer w;
        while (n < max && (w = posted.poll()) != null) {
            n++;
            try {
                w.accept(now);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                stats.count(RoadCounter.COMMAND_ERROR);
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ receive: parse once, route, deliver

    /**
     * Processes one received datagram routed to this shard. Never throws for bad input: every rejection is counted,
     * and so is a defect met while handling it ({@code drop_internal_error}); only a VM failure
     * ({@link VirtualMachineError}) goes on to the caller. The buffer is not kept: a datagram handed on to another
     * shard is copied.
     */
    public void receive(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        receive(buf, off, len, src, now, 0);
    }

    /**
     * As {@link #receive(byte[], int, int, InetSocketAddress, long)}, for a datagram whose signature was checked
     * already, by another thread, with {@code verified}: that check stands for this shard's own only when its remote
     * still has that very key ({@link #verifyKeyFor}); otherwise, or when {@code verified} is null, the shard checks
     * the signature itself. The caller vouches for the check: only a driver that made it passes a key.
     *
     * @param verified the key the signature was found good with, or null
     */
    public void receive(byte[] buf, int off, int len, InetSocketAddress src, long now, VerifyKey verified) {
        verifiedAhead = verified;
        try {
            receive(buf, off, len, src, now, 0);
        } finally {
            verifiedAhead = null;
        }
    }

    /**
     * With {@code true} the segments of large messages are queued with their signature still to make
     * ({@link Outgoing#signLater()}): a driver that signs them on helper threads before sending them says so. Other
     * packets are signed here as always. Off by default: {@link #pollOutgoing()} then gives only signed datagrams.
     *
     * @param defer whether segments' signatures are left to the driver
     */
    public void deferSignatures(boolean defer) {
        this.deferSignatures = defer;
    }

    /**
     * The long-term key a datagram's signature is to be checked with when this shard handles it: its remote's,
     * found by the destination id in its head; null when it has none here (a join, another shard's remote, an
     * unknown id). Owner thread only. A helper thread may check the signature with it meanwhile.
     */
    public VerifyKey verifyKeyFor(byte[] buf, int off, int len) {
        long de = RoadCodec.peekDestination(buf, off, len);
        if (de <= 0 || endpoint.shardOf(de) != index) {
            return null;
        }
        Peer peer = endpoint.peerByUid(de);
        return peer == null ? null : peer.remote.verifyKey();
    }

    private void receive(byte[] buf, int off, int len, InetSocketAddress src, long now, int flags) {
        if ((flags & HANDED) == 0) {
            ctx.count(RoadCounter.PACKETS_RECEIVED);
        }
        if (len > Math.max(RoadEngine.MAX_RECEIVE_SIZE, config.maxPacketSize())) {
            ctx.drop(DropReason.OVERSIZED);
            return;
        }
        long de = -1;
        try {
            ParsedPacket packet;
            try {
                packet = RoadCodec.parse(buf, off, len);
            } catch (PacketException e) {
                ctx.drop(DropReason.parse(e.reason()));
                return;
            }
            RoadHead h = packet.head();
            de = h.de();
            if (de != 0 && endpoint.shardOf(de) != index) {
                handOn(buf, off, len, src, endpoint.shardOf(de), flags);
                return;
            }
            TransactionKind tk = h.tk();
            if (tk == TransactionKind.JOIN || tk == TransactionKind.ALLOW) {
                // Handshakes change what every shard shares: the table, identities, joins.
                lock.lock();
                try {
                    Peer peer = route(packet, src, now, flags);
                    if (peer != null) {
                        deliver(peer, packet, src, now);
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                Peer peer = route(packet, src, now, flags);
                if (peer != null) {
                    deliver(peer, packet, src, now);
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // A defect must never take the stack down; the packet is counted and dropped.
            ctx.drop(DropReason.INTERNAL_ERROR);
        } finally {
            if (de == 0 || de < 0 && RoadCodec.peekDestination(buf, off, len) == 0) {
                settleVacuousRoute(src);
            }
        }
    }

    private void settleVacuousRoute(InetSocketAddress src) {
        if (endpoint.shards() > 1) {
            endpoint.locked(() -> endpoint.settleVacuousRoute(src, this));
        }
    }

    /** Hands a datagram to the shard it belongs to (a copy: the caller's buffer is reused). */
    private void handOn(byte[] buf, int off, int len, InetSocketAddress src, int shard, int flags) {
        int hops = flags >>> 2;
        if (hops >= MAX_HANDOFFS) {
            ctx.drop(DropReason.STALE_JOIN);
            return;
        }
        ctx.count(RoadCounter.PACKETS_HANDED_ON);
        byte[] copy = Arrays.copyOfRange(buf, off, off + len);
        int next = ((hops + 1) << 2) | (flags & GUARD_ADMITTED) | HANDED;
        RoadShard target = engine.shard(shard);
        target.post(now -> target.receive(copy, 0, copy.length, src, now, next));
    }

    /**
     * The peer a packet is for, once its ids, admission, signature and session are checked; null when it was dropped,
     * answered here or handed to another shard.
     */
    private Peer route(ParsedPacket packet, InetSocketAddress src, long now, int flags) {
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
            return h.cf() ? joinAnswer(packet, src) : joinRequest(packet, src, now, flags);
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
            Peer peer = endpoint.peerByAddress(src);
            if (peer == null || peer.remote.uid() != h.de()) {
                ctx.drop(DropReason.UNKNOWN_JOINEE);
                return null;
            }
            return peer;
        }
        Peer peer = endpoint.peerByUid(h.de());
        if (peer == null) {
            staler(packet, src, null); // the join it answers is gone with its remote
        }
        return peer;
    }

    /**
     * A join packet from a joiner. A new request is admitted within the join guard; a vacuous one goes to the join
     * in progress from its address (on its shard), or to a new peer that is in no table until the join completes
     * (the join correspondent looks the name up); one naming a uid we do not know is answered renew. Lock held.
     */
    private Peer joinRequest(ParsedPacket packet, InetSocketAddress src, long now, int flags) {
        RoadHead h = packet.head();
        if (h.se() == 0) {
            ctx.drop(DropReason.INVALID_JOIN_IDS);
            return null;
        }
        Peer joinee = h.de() == 0 ? endpoint.joinee(src) : null;
        if (h.de() == 0) {
            // The join from this address runs on another shard, or an earlier datagram from it went there: this one
            // follows, in its order.
            int shard = joinee != null ? endpoint.shardOf(joinee.remote.uid()) : endpoint.vacuousRoute(src);
            if (shard >= 0 && shard != index) {
                handOn(packet, src, shard, flags);
                return null;
            }
        }
        if ((h.pk() == PacketKind.REQUEST || h.de() != 0 && endpoint.peerByUid(h.de()) == null)
                && !transactions.containsKey(TxKey.of(h, src)) && (flags & GUARD_ADMITTED) == 0) {
            // A new join request (or one that would be answered with a renew): bounded per host.
            DropReason refused = endpoint.joinGuard().admit(src, now);
            if (refused != null) {
                ctx.drop(refused);
                return null;
            }
        }
        if (h.de() != 0) {
            Peer peer = endpoint.peerByUid(h.de());
            if (peer == null) {
                stalent(packet, src, PacketKind.RENEW, null);
            }
            return peer;
        }
        Peer peer = joinee;
        if (peer != null && peer.remote.fuid() != h.se() && peer.remote.fuid() != 0) {
            endpoint.removeJoinee(src);
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
        Peer known = knownElsewhere(packet);
        if (known != null) {
            // The name is bound to a remote of another shard: the join is that remote's business.
            int shard = endpoint.shardOf(known.remote.uid());
            endpoint.routeVacuous(src, shard);
            handOn(packet, src, shard, flags | GUARD_ADMITTED);
            return null;
        }
        return endpoint.newPeer(this, src);
    }

    private void handOn(ParsedPacket packet, InetSocketAddress src, int shard, int flags) {
        handOn(packet.buffer(), packet.offset(), packet.length(), src, shard, flags);
    }

    /** The remote of another shard bound to the name a vacuous join request asks for, or null. Lock held. */
    private Peer knownElsewhere(ParsedPacket packet) {
        if (endpoint.shards() == 1) {
            return null;
        }
        JoinBody d;
        try {
            d = JoinBody.parse(Body.decode(packet.head().bk(), packet.buffer(), packet.coatOffset(),
                    packet.coatLength()), false);
        } catch (PacketException e) {
            return null;
        }
        Peer known = d == null ? null : endpoint.peer(d.name());
        return known != null && endpoint.shardOf(known.remote.uid()) != index ? known : null;
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
        Peer peer = endpoint.peerByUid(h.de());
        Joinent joining = null;
        if (peer == null) {
            joining = endpoint.locked(() -> endpoint.provisional(h.de()));
            if (joining == null) {
                ctx.drop(DropReason.UNKNOWN_DESTINATION_UID);
                return null;
            }
            peer = joining.peer;
        }
        if (joining == null && beyondIncompleteLimit(peer, h, src)) {
            ctx.drop(DropReason.INCOMPLETE_LIMIT);
            return null;
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
     * Whether the packet is the first segment of a new segmented message from a remote that already has its most
     * incoming messages open ({@link io.raet.road.RoadLimits#maxIncompletePerRemote()}): such a message is refused
     * unanswered after its signature is checked (see {@link Messengent}), so it is refused before, at the cost of the
     * head it was parsed for instead of a verification. A remote flooding new messages thus costs the owner thread
     * little more than reading them. Only the remote's own count decides (no other remote can raise it), and a
     * message it completed before still gets its {@code done} as usual.
     */
    private boolean beyondIncompleteLimit(Peer peer, RoadHead h, InetSocketAddress src) {
        return h.tk() == TransactionKind.MESSAGE && h.pk() == PacketKind.MESSAGE && !h.cf() && Messengent.segmented(h)
                && IncomingBounds.atRemoteBound(peer, config.limits())
                && !transactions.containsKey(TxKey.of(h, src)) && !peer.completedTids.contains(h.ti());
    }

    /**
     * Checks the signature (stricter than the reference: every packet but a join's must be signed by the remote's
     * long-term key), completes a join the signed packet proves accepted, and binds a remote that proves its keys
     * for the first time (under the endpoint's lock). False when the packet was dropped.
     */
    private boolean authenticate(Peer peer, Joinent joining, ParsedPacket packet, long now) {
        Remote remote = peer.remote;
        if (packet.head().fk() != FootKind.NACL) {
            ctx.drop(DropReason.UNSIGNED);
            return false;
        }
        VerifyKey key = remote.verifyKey();
        if (key != null && key == verifiedAhead && packet.signed()) {
            ctx.count(RoadCounter.PACKETS_VERIFIED_AHEAD);
        } else if (key == null || !packet.verify(key)) {
            ctx.drop(DropReason.BAD_SIGNATURE);
            return false;
        }
        boolean completes = joining != null || !remote.isJoined() && peer.joinent != null;
        if (!completes && remote.isProven()) {
            return true;
        }
        lock.lock();
        try {
            if (joining != null) {
                // The joiner signs with the keys it joined with: its join is complete even if its ack was lost.
                if (!joining.acknowledgedBySignedTraffic(now) || !endpoint.isAdded(peer)) {
                    ctx.drop(DropReason.UNJOINED);
                    return false;
                }
            } else if (!remote.isJoined() && peer.joinent != null) {
                peer.joinent.acknowledgedBySignedTraffic(now);
            }
            if (!remote.isProven() && !endpoint.prove(this, peer, now)) {
                ctx.drop(DropReason.UNPROVEN_REFUSED);
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
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
            byte[] ack = peer.lostJoinAck(h, src);
            if (ack != null) {
                ctx.count(RoadCounter.JOIN_ACK_RESENT);
                ctx.resend(ack, src, peer);
            } else if (!peer.lateAnswer(h)) {
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
    private void register(Transaction tx) {
        Transaction before = transactions.put(tx.key, tx);
        if (before instanceof Joinent || tx instanceof Joinent) {
            lock.lock();
            try {
                if (before instanceof Joinent) {
                    endpoint.joinGuard().ended(before.to);
                }
                if (tx instanceof Joinent) {
                    endpoint.joinGuard().started(tx.to);
                }
            } finally {
                lock.unlock();
            }
        }
        tx.peer.added(tx);
    }

    private void unregister(Transaction tx) {
        if (transactions.get(tx.key) == tx) {
            transactions.remove(tx.key);
            if (tx instanceof Joinent || tx instanceof Joiner) {
                lock.lock();
                try {
                    if (tx instanceof Joinent) {
                        endpoint.joinGuard().ended(tx.to);
                    }
                    endpoint.pendingJoins().ended(tx);
                } finally {
                    lock.unlock();
                }
            }
        }
        tx.peer.removed(tx);
    }

    boolean isActive(Transaction tx) {
        return transactions.get(tx.key) == tx;
    }

    // ------------------------------------------------------------------ timers and housekeeping

    /** When the next timer is due (nanoseconds, same clock as the callers'); {@link Long#MIN_VALUE} before any. */
    public long nextWakeup() {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.generation != t.tx.timerGeneration) {
                timers.poll();
                continue;
            }
            return Math.min(t.at, nextHousekeeping);
        }
        return nextHousekeeping;
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
            nextHousekeeping = now + HOUSEKEEPING_NANOS;
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
     * Runs one due timer (a handshake's under the endpoint's lock; a remote's send window's, which only sends its
     * messages, without). A defect in a transaction's ends it (its message, if any, reported undelivered) and is
     * counted {@code timer_error}; only a VM failure goes on.
     */
    private void fire(Timed timed, long now) {
        boolean shared = timed instanceof Transaction t
                && (t.kind == TransactionKind.JOIN || t.kind == TransactionKind.ALLOW);
        if (shared) {
            lock.lock();
        }
        try {
            timed.fire(now);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            stats.count(RoadCounter.TIMER_ERROR);
            if (!(timed instanceof Transaction tx)) {
                return;
            }
            ctx.end(tx);
            if (tx instanceof Messenger m) {
                events.add(new RoadEvent.Undelivered(m.pending.id(), tx.remote.name(), DeliveryFailure.INTERNAL_ERROR,
                        "internal error: " + e));
            }
        } finally {
            if (shared) {
                lock.unlock();
            }
        }
    }

    /** The endpoint's pacing of the handshakes the engine starts itself, shared by every shard (takes the lock). */
    private final LongPredicate handshakePacing = this::mayStartHandshake;

    private boolean mayStartHandshake(long now) {
        return endpoint.locked(() -> endpoint.joinGuard().mayStartHandshake(now));
    }

    /**
     * Expires completed message ids and waiting messages, renews the sessions that are due, and sends the heartbeats
     * that are due.
     */
    private void housekeep(long now) {
        long interval = config.aliveInterval().toNanos();
        for (Peer p : new ArrayList<>(peers.values())) {
            if (!p.completedTids.isEmpty()) {
                p.completedTids.expire(now);
            }
            if (!p.pending.isEmpty()) {
                p.expirePending(now);
            }
            p.housekeep(now, handshakePacing);
            if (interval > 0 && p.remote.isJoined() && !p.reaped && p.remote.isProven()) {
                if (p.nextHeartbeat == 0) {
                    p.nextHeartbeat = now + (engine.local().main ? interval : interval + interval / 2);
                } else if (now >= p.nextHeartbeat) {
                    endpoint.locked(() -> p.heartbeat(now, interval, endpoint.joinGuard()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ output

    /**
     * The next datagram to send, or null. With {@link #deferSignatures(boolean)} on it may still need its signature
     * ({@link Outgoing#signLater()}).
     */
    public Outgoing pollOutgoing() {
        return outbox.poll();
    }

    public boolean hasOutgoing() {
        return !outbox.isEmpty();
    }

    /** The next event, or null. */
    public RoadEvent pollEvent() {
        return events.poll();
    }

    // ------------------------------------------------------------------ this shard's remotes

    /** The endpoint put a remote of this shard in the table. */
    void added(Peer p) {
        peers.put(p.remote.uid(), p);
    }

    /** A remote of this shard left the table. */
    void removed(Peer p) {
        peers.remove(p.remote.uid(), p);
    }

    /** Forgets a remote of this shard (see {@link RoadEndpoint#remove}). */
    void forget(Peer p) {
        p.forget();
        removed(p);
    }

    /** This shard's remotes on the road. */
    Collection<Peer> peers() {
        return peers.values();
    }

    /** Ends an incoming message the shared bounds evicted: now when it is this shard's, else on its own shard. */
    void endEvicted(Messengent m) {
        RoadShard home = endpoint.home(m.peer);
        if (home == this || engine.oneThread()) {
            m.refuse();
        } else {
            home.post(now -> {
                if (home.isActive(m)) {
                    endpoint.locked(m::refuse);
                }
            });
        }
    }

    /**
     * How full this shard is: {@code remotes}, {@code remotes_joined}, {@code remotes_allowed},
     * {@code remotes_alive} and {@code queue_waiting_allow} (messages waiting for their remote to be allowed).
     */
    public Map<String, Long> levels() {
        long joined = 0;
        long allowed = 0;
        long alive = 0;
        long waiting = 0;
        for (Peer p : peers.values()) {
            joined += p.remote.isJoined() ? 1 : 0;
            allowed += p.isAllowed() ? 1 : 0;
            alive += p.isAlive() ? 1 : 0;
            waiting += p.pending.size();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("remotes", (long) peers.size());
        m.put("remotes_joined", joined);
        m.put("remotes_allowed", allowed);
        m.put("remotes_alive", alive);
        m.put("queue_waiting_allow", waiting);
        return m;
    }

    // ------------------------------------------------------------------ commands (for remotes of this shard)

    /**
     * The peer of that name, which must be this shard's.
     *
     * @throws IllegalArgumentException for an unknown remote
     * @throws ElsewhereException when the name belongs to another shard's remote
     */
    private Peer requirePeer(String name) {
        Peer p = localPeer(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown remote: " + name);
        }
        return p;
    }

    /**
     * Starts a join with the estate at {@code ha}: a vacuous join when we know no id of ours there, else a join
     * with the known remote. Returns the remote (named after the address until the join answers).
     *
     * @throws ElsewhereException when the address is another shard's remote's
     */
    public Remote join(InetSocketAddress ha, long now) {
        lock.lock();
        try {
            Peer p = endpoint.peerByAddress(ha);
            if (p != null && endpoint.shardOf(p.remote.uid()) != index) {
                throw new ElsewhereException(endpoint.shardOf(p.remote.uid()));
            }
            if (p == null) {
                p = endpoint.newPeer(this, ha);
                endpoint.add(p);
            }
            p.join(now, false);
            return p.remote;
        } finally {
            lock.unlock();
        }
    }

    /** Starts an allow handshake with a joined remote (a join first, when not joined). */
    public void allow(String name, long now) {
        lock.lock();
        try {
            requirePeer(name).allow(now, false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a heartbeat to the remote (joining and allowing first as needed); {@code answer} (if not null) is called
     * on this shard's thread with null when the remote answers, or with why it did not.
     */
    public void alive(String name, long now, Consumer<String> answer) {
        lock.lock();
        try {
            Peer p = requirePeer(name);
            if (answer != null) {
                p.aliveWaiters.add(answer);
            }
            p.alive(now, false);
        } finally {
            lock.unlock();
        }
    }

    /** Whether an allow with the remote is in progress whose session is not open yet. */
    public boolean allowing(String name) {
        Peer p = localPeer(name);
        return p != null && p.allowing();
    }

    /** Whether a session with the remote is open. */
    public boolean allowed(String name) {
        Peer p = localPeer(name);
        return p != null && p.isAllowed();
    }

    /** The peer of that name if it is this shard's, null when unknown; {@link ElsewhereException} when another's. */
    private Peer localPeer(String name) {
        Peer p = endpoint.peer(name);
        if (p != null && endpoint.shardOf(p.remote.uid()) != index) {
            throw new ElsewhereException(endpoint.shardOf(p.remote.uid()));
        }
        return p;
    }

    /** See {@link RoadEngine#send}. */
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
        long id = engine.nextMessageId();
        long deadline = opts.timeout().isZero() ? -1 : now + opts.timeout().toNanos();
        // No lock: a message, or the join and allow it waits for, starts with this remote's state alone.
        p.send(new Messenger.Pending(id, config.bodyKind(), encoded, opts, deadline), now);
        return id;
    }

    /** The remotes of this shard, as the application may see them. */
    public List<io.raet.road.RemoteInfo> remoteInfos() {
        List<io.raet.road.RemoteInfo> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            out.add(p.info());
        }
        return out;
    }

    /** A command reached a shard that does not own its remote: it belongs on shard {@link #shard()}. */
    public static final class ElsewhereException extends IllegalStateException {
        private final int shard;

        ElsewhereException(int shard) {
            super("the remote belongs to shard " + shard);
            this.shard = shard;
        }

        public int shard() {
            return shard;
        }
    }

    // ------------------------------------------------------------------ what transactions and peers see

    /** The road's services as this shard's transactions and peers use them. */
    private final class Context implements TxContext {
        @Override
        public RoadConfig config() {
            return config;
        }

        @Override
        public LocalEstate local() {
            return engine.local();
        }

        @Override
        public RoadStore store() {
            return engine.store();
        }

        @Override
        public Entropy entropy() {
            return engine.entropy();
        }

        @Override
        public byte[] transmit(RoadHead head, byte[] coat, InetSocketAddress to, Peer answering) {
            try {
                byte[] data = RoadCodec.encode(head, coat, 0, coat.length, engine.local().signer,
                        config.maxPacketSize());
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

        @Override
        public void enqueue(byte[] data, InetSocketAddress to) {
            outbox.add(new Outgoing(data, to));
            stats.count(RoadCounter.PACKETS_SENT);
        }

        @Override
        public boolean deferSignatures() {
            return deferSignatures;
        }

        @Override
        public void enqueueToSign(byte[] data, InetSocketAddress to) {
            outbox.add(new Outgoing(data, to, engine.local().signer));
            stats.count(RoadCounter.PACKETS_SENT);
        }

        @Override
        public void resend(byte[] data, InetSocketAddress to, Peer answering) {
            if (data == null) {
                return;
            }
            if (answering != null && !answering.load.answer(data.length)) {
                stats.count(RoadCounter.ANSWER_BUDGET);
                return;
            }
            outbox.add(new Outgoing(data, to));
            stats.count(RoadCounter.PACKETS_SENT);
            stats.count(RoadCounter.PACKETS_RESENT);
        }

        @Override
        public void emit(RoadEvent event) {
            events.add(event);
        }

        @Override
        public void start(Transaction tx) {
            tx.live = true;
            register(tx);
        }

        @Override
        public void end(Transaction tx) {
            unregister(tx);
            tx.timerGeneration++;
            if (tx.live) {
                tx.live = false;
                tx.ended();
            }
        }

        @Override
        public boolean isActive(Transaction tx) {
            return RoadShard.this.isActive(tx);
        }

        @Override
        public void schedule(Timed t) {
            long at = t.nextDeadline();
            t.timerGeneration++;
            if (at >= 0) {
                timers.add(new Timer(at, t, t.timerGeneration));
            }
        }

        @Override
        public void count(RoadCounter counter) {
            stats.count(counter);
        }

        @Override
        public void count(JoinRefusal refusal) {
            stats.refused(refusal);
        }

        @Override
        public void drop(DropReason reason) {
            stats.drop(reason);
        }
    }

    /** The endpoint as this shard's peers and transactions use it: what they do is counted on this shard. */
    private final class ShardAdmission implements Admission {
        @Override
        public Peer peer(String name) {
            return endpoint.peer(name);
        }

        @Override
        public boolean isAdded(Peer peer) {
            return endpoint.isAdded(peer);
        }

        @Override
        public Peer newPeer(InetSocketAddress ha) {
            return endpoint.newPeer(RoadShard.this, ha);
        }

        @Override
        public void rename(Peer peer, String name) {
            endpoint.rename(peer, name);
        }

        @Override
        public void move(Peer peer, InetSocketAddress ha) {
            endpoint.move(peer, ha);
        }

        @Override
        public void remove(Peer peer, boolean clearKeep) {
            endpoint.remove(RoadShard.this, peer, clearKeep);
        }

        @Override
        public void admitJoined(Peer peer) {
            endpoint.admitJoined(RoadShard.this, peer);
        }

        @Override
        public String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except) {
            return endpoint.roleConflict(role, verifyKey, publicKey, except);
        }

        @Override
        public Acceptance decideJoin(PendingJoins.Identity id, long now) {
            return endpoint.decideJoin(id, now);
        }

        @Override
        public boolean rebindApproved(PendingJoins.Identity id, Remote known, long now) {
            return endpoint.rebindApproved(id, known, now);
        }

        @Override
        public PendingJoins pendingJoins() {
            return endpoint.pendingJoins();
        }

        @Override
        public void refusedJoin(String name, InetSocketAddress from, JoinRefusal code, String reason) {
            ctx.count(code);
            ctx.emit(new RoadEvent.JoinRefused(name, from, reason));
        }

        @Override
        public void provisional(long uid, Joinent join) {
            endpoint.provisional(uid, join);
        }

        @Override
        public void endProvisional(long uid, Joinent join) {
            endpoint.endProvisional(uid, join);
        }

        @Override
        public void joinee(InetSocketAddress src, Peer peer) {
            endpoint.joinee(src, peer);
        }

        @Override
        public void endJoinee(InetSocketAddress src, Peer peer) {
            endpoint.endJoinee(src, peer);
        }

        @Override
        public boolean acceptingMessages() {
            return endpoint.acceptingMessages();
        }

        @Override
        public boolean admitIncomplete(Messengent message) {
            return endpoint.locked(() -> endpoint.incoming().admit(RoadShard.this, message));
        }

        @Override
        public boolean holdIncomplete(Messengent message, long bytes) {
            return endpoint.locked(() -> endpoint.incoming().hold(RoadShard.this, message, bytes));
        }

        @Override
        public void releaseBytes(Messengent message, long bytes) {
            endpoint.locked(() -> endpoint.incoming().releaseBytes(message, bytes));
        }

        @Override
        public void releaseIncomplete(Messengent message) {
            endpoint.locked(() -> endpoint.incoming().release(message));
        }
    }
}
