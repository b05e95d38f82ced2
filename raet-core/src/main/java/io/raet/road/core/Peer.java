package io.raet.road.core;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.road.DeliveryFailure;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The road's protocol state with one remote, as {@link Remote} says who it is: the transactions under way (at most
 * one join and one allow, ours or the remote's, one heartbeat, and any number of messages), the session (our session id
 * lives in the remote's record, which the keep holds), the replay window and the completed messages of the remote's
 * session, the messages waiting for an allow, and what the remote may make us hold or send. Owned by the engine
 * thread.
 */
final class Peer {
    /**
     * Where the road stands with the remote: a handshake under way, else what the last one left. It is read off the
     * slots of the handshakes under way and the two facts the last ones left, the join ({@link Remote#isJoined()},
     * which the keep holds) and the session ({@link #allowed}), so it cannot drift from them. A join under way does
     * not close an open session: messages keep flowing on it (a remote that answers a heartbeat with
     * {@code unjoined} keeps its session while we join it again).
     */
    enum Phase {
        /** No join completed with the remote, or it told us it lost ours. */
        UNJOINED,
        /** A join is under way (ours or the remote's). */
        JOINING,
        /** A join waits for an operator's decision (ours, or the remote's operator's). */
        PENDING,
        /** Keys are exchanged; no session is open. */
        JOINED,
        /** An allow is under way and its session is not open yet. */
        ALLOWING,
        /** A session is open: messages and heartbeats flow. */
        ALLOWED
    }

    final Remote remote;
    /** The road around: output, timers, counters, settings. */
    final TxContext ctx;
    /** The endpoint: the remote table, identities and the bounds shared with every other remote. */
    final Admission admission;

    /** The remote's session id as last authenticated, and our next transaction id. */
    long rsid;
    long tid;

    Boolean allowed;
    Boolean alived;
    boolean reaped;

    /** Session keys of the current allow. */
    BoxKeyPair shortKeys;
    PublicKey peerShortKey;
    SharedKey sessionKey;
    /** {@code shortKeys} with {@code peerShortKey}: the next session key, computed once per handshake. */
    SharedKey shortShared;
    /** Our long-term box key with the remote's, and the remote key it was computed for. */
    private SharedKey longShared;
    private PublicKey longSharedFor;

    /** Every transaction under way, in the order they started. */
    final Set<Transaction> transactions = new LinkedHashSet<>();
    Joiner joiner;
    Joinent joinent;
    Allower allower;
    Allowent allowent;
    Aliver aliver;

    /** Message tids the remote initiated and we completed, until the stale-tid window expires them. */
    final CompletedTids completedTids = new CompletedTids();
    /** Transaction ids the remote initiated in its current session: replays are refused for the whole session. */
    final ReplayWindow replay = new ReplayWindow();
    /** Messages waiting for the remote to be allowed. */
    final ArrayDeque<Messenger.Pending> pending = new ArrayDeque<>();
    /** Bounded resources the remote holds, and its credit for answers. */
    final RemoteLoad load = new RemoteLoad();
    long nextHeartbeat;

    /** Congestion control and pacing of the messages being sent to the remote, all together. */
    final SendWindow window;
    /** Message tids we sent that the remote reported done: a late answer for one is counted, not nacked. */
    final CompletedTids deliveredTids = new CompletedTids();
    /**
     * The last join with the remote this estate completed as joiner: its tid and the final ack it sent, until a
     * session opens (the remote's join completed then). A response to that join coming again means the ack was lost;
     * the same ack goes again (one per response), not a nack, which would end the remote's join before our signed
     * traffic can complete it.
     */
    private long joinAckTid = -1;
    private byte[] joinAck;
    /** Completed messages of the remote, by tid, and when done last went for each (late duplicates are paced). */
    private final java.util.LinkedHashMap<Long, Long> doneAnswers = new java.util.LinkedHashMap<>();

    /** When the current session opened, and the message bytes sealed or opened with its key since. */
    long sessionOpenedAt;
    long sessionBytes;
    /** Session keys a renewal replaced that messages of the old session still use: wiped once none does. */
    private final List<SharedKey> retiredKeys = new ArrayList<>(0);
    /** Our session is due for renewal: new messages wait while the ones under way finish, then we allow. */
    boolean renewalDue;
    long renewalDueSince;
    /**
     * The remote asked for a renewal (an allow while the session is open) and waits for our messages to finish: its
     * hello's tid, since when, and whether new messages wait for it.
     */
    boolean renewalHeld;
    private long heldHelloTi = -1;
    private long heldHelloSince;
    /** When a renewal that failed is tried again. */
    long nextRenewalTry;

    /** Name, mode and kind a join asked for (mutable roads), applied by the next authenticated allow from there. */
    JoinProposal proposal;
    /** The remote lost our state (it answered our join with renew): our next allow lets its session id restart. */
    boolean rebaseSession;
    /**
     * The remote joined again since its session opened (as a remote that lost its state does): a hello of an older
     * session may then start an allow that, once complete, re-bases its session.
     */
    boolean rejoined;
    /** An allow was asked for while another handshake ran: start one when that ends. */
    boolean allowWanted;
    /** Callers waiting for the answer to a heartbeat ({@code null} = answered, else why not). */
    final List<Consumer<String>> aliveWaiters = new ArrayList<>(0);
    /** When the engine may start its next handshake of its own with the remote, and the wait after that one. */
    long nextAutoHandshake;
    long autoHandshakeBackoff;

    /** What a join of a known remote asked to change, and where from (see {@link #proposal}). */
    record JoinProposal(String name, String role, boolean main, int kind, long fuid, java.net.InetSocketAddress ha) {}

    Peer(Remote remote, TxContext ctx, Admission admission) {
        this.remote = remote;
        this.ctx = ctx;
        this.admission = admission;
        this.window = new SendWindow(ctx);
    }

    /** The handshake under way, else where the last one left the remote. */
    Phase phase() {
        if (joiner != null || joinent != null) {
            return joiner != null && joiner.pending() || joinent != null && joinent.pending() ? Phase.PENDING
                    : Phase.JOINING;
        }
        if (allower != null || allowent != null && !allowent.acked()) {
            return Phase.ALLOWING;
        }
        if (isAllowed()) {
            return Phase.ALLOWED;
        }
        return remote.isJoined() ? Phase.JOINED : Phase.UNJOINED;
    }

    /** Whether a join or allow is under way (an allow whose session is open does not count). */
    boolean handshaking() {
        Phase p = phase();
        return p == Phase.JOINING || p == Phase.PENDING || p == Phase.ALLOWING;
    }

    /** Whether a join is under way, ours or the remote's. */
    boolean joining() {
        return joiner != null || joinent != null;
    }

    /** Takes a transaction that starts into its slot. */
    void added(Transaction tx) {
        transactions.add(tx);
        switch (tx) {
            case Joiner j -> joiner = j;
            case Joinent j -> joinent = j;
            case Allower a -> allower = a;
            case Allowent a -> allowent = a;
            case Aliver a -> aliver = a;
            default -> {}
        }
    }

    /** Empties the slot of a transaction that ended. */
    void removed(Transaction tx) {
        transactions.remove(tx);
        if (joiner == tx) {
            joiner = null;
        } else if (joinent == tx) {
            joinent = null;
        } else if (allower == tx) {
            allower = null;
        } else if (allowent == tx) {
            allowent = null;
        } else if (aliver == tx) {
            aliver = null;
        }
    }

    // ------------------------------------------------------------------ handshakes and heartbeats

    /** Starts a join (unless one runs: an allow is then wanted after it when {@code cascade}). */
    void join(long now, boolean cascade) {
        if (joining()) {
            if (cascade) {
                allowWanted = true;
            }
            return;
        }
        Joiner.start(this, now, cascade, false);
    }

    /**
     * Starts an allow, a join first when the remote is not joined. When another join or allow with the remote is in
     * progress the allow is wanted: it starts when that one ends, unless it opened a session.
     */
    void allow(long now, boolean cascade) {
        if (joining()) {
            allowWanted = true;
            return;
        }
        if (!remote.isJoined()) {
            Joiner.start(this, now, true, false);
            return;
        }
        if (allower != null || allowent != null) {
            if (allowent != null && !allowent.acked()) {
                allowWanted = true;
            }
            return;
        }
        Allower.start(this, now, cascade);
    }

    /** Sends a heartbeat (joining and allowing first as needed). */
    void alive(long now, boolean cascade) {
        if (!remote.isJoined()) {
            join(now, true);
            return;
        }
        if (!isAllowed()) {
            allow(now, true);
            return;
        }
        Aliver.start(this, now);
    }

    /** Whether an allow is in progress whose session is not open yet, or one is wanted. */
    boolean allowing() {
        return allower != null || allowent != null && !allowent.acked() || allowWanted;
    }

    /**
     * A join or allow with the remote ended; an allow wanted meanwhile starts now, or fails when the remote is not
     * joined.
     */
    void handshakeEnded(long now) {
        if (isAllowed()) {
            flushPending(now); // messages held while it ran go in the session that stays
        }
        if (!allowWanted || !admission.isAdded(this) || handshaking()) {
            return;
        }
        if (remote.isJoined()) {
            allow(now, false);
        } else {
            allowWanted = false;
            ctx.emit(new RoadEvent.AllowFailed(remote.label(), "not joined"));
        }
    }

    /**
     * A heartbeat is due. An allowed remote gets an alive; one that is not needs a handshake first, which the engine
     * starts on its own only at the pace {@code guard} allows and, for a remote whose last one failed, after a wait
     * that doubles up to {@link #MAX_AUTO_HANDSHAKE_WAIT}: a keep of thousands of silent remotes does not turn into
     * a storm of hellos.
     */
    void heartbeat(long now, long interval, JoinGuard guard) {
        if (isAllowed() || aliver != null) {
            nextHeartbeat = now + interval;
            if (aliver == null) {
                alive(now, true);
            }
            return;
        }
        if (handshaking()) {
            nextHeartbeat = now + interval;
            return;
        }
        if (now < nextAutoHandshake) {
            nextHeartbeat = nextAutoHandshake;
            return;
        }
        if (!guard.mayStartHandshake(now)) {
            ctx.count(RoadCounter.HANDSHAKE_PACED);
            return; // due again at the next housekeeping
        }
        nextHeartbeat = now + interval;
        autoHandshakeBackoff = autoHandshakeBackoff == 0 ? MIN_AUTO_HANDSHAKE_WAIT
                : Math.min(MAX_AUTO_HANDSHAKE_WAIT, autoHandshakeBackoff * 2);
        nextAutoHandshake = now + autoHandshakeBackoff;
        alive(now, true);
    }

    static final long MIN_AUTO_HANDSHAKE_WAIT = Transaction.nanos(5);
    static final long MAX_AUTO_HANDSHAKE_WAIT = Transaction.nanos(300);

    /** Tells every caller waiting for a heartbeat of the remote its outcome (null: answered). */
    void resolveAlive(String reason) {
        if (aliveWaiters.isEmpty()) {
            return;
        }
        List<Consumer<String>> waiting = new ArrayList<>(aliveWaiters);
        aliveWaiters.clear();
        for (Consumer<String> w : waiting) {
            w.accept(reason);
        }
    }

    /** The remote answered (or went silent): tells the application on a change. */
    void setAlive(boolean alive) {
        Boolean before = alived;
        alived = alive;
        if (alive && !Boolean.TRUE.equals(before)) {
            ctx.emit(new RoadEvent.Alive(remote.name()));
        } else if (!alive && Boolean.TRUE.equals(before)) {
            ctx.emit(new RoadEvent.Dead(remote.name()));
        }
    }

    // ------------------------------------------------------------------ joins and sessions

    /**
     * Records a completed join on both sides: a session id when there is none yet, and the remote joined. The
     * remote's session id, replay window and completed messages are left as they are: a join is not authenticated.
     * The remote and the local estate are kept when the remote is proven (a joinent keeps a new remote once it
     * signed a packet).
     */
    void recordJoin() {
        if (remote.sid() == 0) {
            remote.nextSid();
        }
        remote.joined(true);
        if (remote.isProven()) {
            ctx.store().saveRemote(remote);
            ctx.store().saveLocal(ctx.local());
        }
    }

    /**
     * The allow handshake succeeded on our side: the session keys take effect, our session id advances (ending
     * initiators of the old session, whose messages wait to be re-sent), and the remote is allowed and alive.
     *
     * @param initiated whether this estate started the allow
     */
    void openSession(long now, boolean initiated) {
        allowed = true;
        joinAck = null; // the remote's join completed: no response of it is owed an ack any more
        SharedKey previous = sessionKey;
        sessionKey = shortShared != null ? shortShared : shortKeys.sharedKey(peerShortKey);
        shortShared = null;
        if (shortKeys != null) {
            shortKeys.destroy(); // the short-term secret: the session key exists now
            shortKeys = null;
        }
        boolean renewal = previous != null && previous != sessionKey;
        if (renewal) {
            ctx.count(RoadCounter.SESSION_RENEWED);
            retire(previous);
        }
        sessionOpenedAt = now;
        sessionBytes = 0;
        renewalDue = false;
        renewalHeld = false;
        nextRenewalTry = 0;
        remote.nextSid();
        autoHandshakeBackoff = 0;
        nextAutoHandshake = 0;
        allowWanted = false;
        rejoined = false;
        renewInitiatorSession();
        if (remote.isProven()) {
            ctx.store().saveRemote(remote);
        }
        ctx.emit(new RoadEvent.Allowed(remote.name(), initiated, renewal));
        setAlive(true);
        if (!aliveWaiters.isEmpty() && aliver == null) {
            Aliver.start(this, now);
        }
    }

    /** Our session with the remote advanced (allow): end initiators of the old one, keeping their messages. */
    private void renewInitiatorSession() {
        for (Transaction tx : new ArrayList<>(transactions)) {
            if (!tx.correspondent && !Remote.validSid(tx.si, remote.sid())) {
                tx.abort("session renewed");
                ctx.end(tx);
                if (tx instanceof Messenger m) {
                    pending.addFirst(m.pending);
                }
            }
        }
    }

    /**
     * The remote opened a new session: end correspondents of the old one (§5.3). Only a signed packet of a session
     * not older than the current one gets here, so the session id only moves forward.
     */
    void renewCorrespondentSession(long si) {
        rsid = si;
        for (Transaction tx : new ArrayList<>(transactions)) {
            if (tx.correspondent && !Remote.validSid(tx.si, si)) {
                tx.abort("session renewed");
                ctx.end(tx);
            }
        }
        completedTids.clear();
    }

    /**
     * A completed allow opened by a hello of an older session than the remote's last (the remote lost its state):
     * the remote's session starts again from that hello's, with no memory of the old one's transaction ids. The
     * allow is authenticated end to end, and its new session key makes every packet of the old sessions useless.
     */
    void rebaseCorrespondentSession(long si, Transaction keep) {
        ctx.count(RoadCounter.SESSION_REBASED);
        rsid = si;
        for (Transaction tx : new ArrayList<>(transactions)) {
            if (tx.correspondent && tx != keep && tx.si != si && !(tx instanceof Joinent)) {
                tx.abort("session renewed");
                ctx.end(tx);
            }
        }
        completedTids.clear();
    }

    /**
     * The remote is forgotten: every transaction with it ends (its correspondent nacked), the messages being sent
     * or waiting fail ({@link DeliveryFailure#REMOTE_REMOVED}) and so do the heartbeats waited for.
     */
    void forget() {
        for (Transaction tx : new ArrayList<>(transactions)) {
            tx.abort("remote removed");
            ctx.end(tx);
            if (tx instanceof Messenger m) {
                ctx.emit(new RoadEvent.Undelivered(m.pending.id(), remote.name(), DeliveryFailure.REMOTE_REMOVED,
                        "remote removed"));
            }
        }
        failPending(DeliveryFailure.REMOTE_REMOVED, "remote removed");
        resolveAlive("remote removed");
        dropSessionKey();
        if (shortKeys != null) {
            shortKeys.destroy();
            shortKeys = null;
        }
    }

    // ------------------------------------------------------------------ messages

    /**
     * Sends the message now when a session is open, else queues it and asks for an allow. While a renewal of the
     * session is due or under way it waits too, and goes in the new session.
     */
    void send(Messenger.Pending message, long now) {
        if (isAllowed() && !holdingMessages()) {
            flushPending(now); // any held (a handshake ended with no flush of its own) go first
            Messenger.start(this, message, now);
            return;
        }
        if (pending.size() >= ctx.config().maxPendingPerRemote()) {
            throw new IllegalStateException("too many messages waiting for " + remote.name());
        }
        pending.add(message);
        if (!isAllowed()) {
            allow(now, false);
        }
    }

    /** Sends every message that waited for the remote to be allowed. */
    void flushPending(long now) {
        while (!pending.isEmpty() && isAllowed() && !holdingMessages()) {
            Messenger.Pending m = pending.poll();
            if (m.deadline() >= 0 && now >= m.deadline()) {
                ctx.emit(new RoadEvent.Undelivered(m.id(), remote.name(), DeliveryFailure.TIMEOUT, "timeout"));
                continue;
            }
            Messenger.start(this, m, now);
        }
    }

    /** Fails the waiting messages whose deadline passed. */
    void expirePending(long now) {
        pending.removeIf(m -> {
            if (m.deadline() >= 0 && now >= m.deadline()) {
                ctx.emit(new RoadEvent.Undelivered(m.id(), remote.name(), DeliveryFailure.TIMEOUT,
                        "timeout waiting for the remote to be allowed"));
                return true;
            }
            return false;
        });
    }

    /** Fails every waiting message. */
    void failPending(DeliveryFailure reason, String detail) {
        for (Messenger.Pending m : pending) {
            ctx.emit(new RoadEvent.Undelivered(m.id(), remote.name(), reason, detail));
        }
        pending.clear();
    }

    /**
     * Something changed among the messages being sent (one ended, or went again): the window sends what it now
     * allows, and a renewal waiting for the messages under way to finish starts once they have.
     */
    void messagesChanged(long now) {
        window.pump(now);
        if (renewalDue && load.outgoing == 0 && allower == null) {
            startRenewal(now);
        }
    }

    /** A message we sent was reported done: a late answer for it is not a refusal. */
    void delivered(long tid, long now) {
        deliveredTids.add(tid, now + LATE_ANSWER_WINDOW);
    }

    /** Our join of tid {@code tid} completed with this final ack. */
    void joinAcknowledged(long tid, byte[] ack) {
        joinAckTid = tid;
        joinAck = ack;
    }

    /**
     * The final ack of our completed join whose response {@code h} is, or null: the response came again from the
     * remote's address, so its copy of our ack was lost.
     */
    byte[] lostJoinAck(io.raet.codec.RoadHead h, InetSocketAddress src) {
        if (joinAck == null || h.tk() != io.raet.codec.TransactionKind.JOIN
                || h.pk() != io.raet.codec.PacketKind.RESPONSE || h.ti() != joinAckTid || !src.equals(remote.ha())) {
            return null;
        }
        return joinAck;
    }

    /**
     * A message answer for a transaction we no longer have: true (counted) when it concerns a message the remote
     * reported done (a repeated done, or a nack of a late duplicate, as the reference sends), which needs no answer.
     */
    boolean lateAnswer(io.raet.codec.RoadHead h) {
        if (h.tk() != io.raet.codec.TransactionKind.MESSAGE || !deliveredTids.contains(h.ti())) {
            return false;
        }
        ctx.count(h.pk() == io.raet.codec.PacketKind.DONE ? RoadCounter.LATE_DONE : RoadCounter.LATE_NACK);
        return true;
    }

    /** How long the tids of delivered messages are remembered for their late answers. */
    static final long LATE_ANSWER_WINDOW = Transaction.nanos(60);
    /** Most completed messages whose last done is remembered for pacing late duplicates. */
    static final int MAX_DONE_ANSWERS = 1024;
    /** A late duplicate of a completed message is answered done at most once per this (the receiver's redo). */
    static final long DONE_ANSWER_INTERVAL = Transaction.nanos(0.2);

    /** Done went to the remote for its message {@code tid} (at completion, or for a late duplicate). */
    void answeredDone(long tid, long now) {
        doneAnswers.remove(tid);
        doneAnswers.put(tid, now);
        if (doneAnswers.size() > MAX_DONE_ANSWERS) {
            doneAnswers.pollFirstEntry();
        }
    }

    /**
     * Whether a late duplicate of the remote's completed message {@code tid} is answered done now: at most once per
     * {@link #DONE_ANSWER_INTERVAL} per message (every late segment of a message used to get its own, and the
     * reference nacks each).
     */
    boolean mayAnswerDone(long tid, long now) {
        for (var it = doneAnswers.entrySet().iterator(); it.hasNext();) {
            if (now - it.next().getValue() < DONE_ANSWER_INTERVAL) {
                break;
            }
            it.remove();
        }
        if (doneAnswers.containsKey(tid)) {
            return false;
        }
        answeredDone(tid, now);
        return true;
    }

    // ------------------------------------------------------------------ session renewal (forward secrecy)

    /** The longest our renewal waits for the messages under way to finish before it goes anyway. */
    static final long RENEWAL_DRAIN_MAX = Transaction.nanos(30);
    /** The longest a renewal the remote asked for waits for our messages under way. */
    static final long RENEWAL_HOLD_MAX = Transaction.nanos(2);
    /** The wait before a renewal that failed is tried again. */
    static final long RENEWAL_RETRY = Transaction.nanos(10);

    /** Whether new messages wait: a renewal of the open session is due or under way. */
    boolean holdingMessages() {
        return renewalDue || renewalHeld || allower != null || allowent != null;
    }

    /**
     * Housekeeping: the tids of delivered messages expire, and the session is renewed once due. A due renewal takes
     * its turn with the engine's other handshakes ({@code mayStartHandshake}: the endpoint's pacing, shared by every
     * shard); new messages then wait while the ones under way finish (at most {@link #RENEWAL_DRAIN_MAX}), and the
     * allow starts. A renewal the remote asked for holds our new messages until its allow starts, or for as long as
     * an allow may take once its hellos stop coming.
     */
    void housekeep(long now, java.util.function.LongPredicate mayStartHandshake) {
        if (!deliveredTids.isEmpty()) {
            deliveredTids.expire(now);
        }
        if (renewalHeld && now - heldHelloSince > Math.max(RENEWAL_HOLD_MAX, ctx.config().allowTimeout().toNanos())) {
            renewalHeld = false; // the remote's allow has ended by now without another hello: ours go
        }
        if (!pending.isEmpty() && isAllowed() && !holdingMessages()) {
            flushPending(now); // held while a handshake ran that ended without sending them (aborted)
        }
        if (renewalDue) {
            if (allower == null && (load.outgoing == 0 || now - renewalDueSince >= RENEWAL_DRAIN_MAX)) {
                startRenewal(now);
            }
            return;
        }
        io.raet.road.SessionRenewal renewal = ctx.config().sessionRenewal();
        if (!renewal.enabled() || !isAllowed() || sessionKey == null || handshaking() || allowent != null
                || !remote.isJoined() || now < nextRenewalTry || !renewal.due(sessionOpenedAt, sessionBytes, now)) {
            return;
        }
        if (!mayStartHandshake.test(now)) {
            ctx.count(RoadCounter.HANDSHAKE_PACED);
            return;
        }
        renewalDue = true;
        renewalDueSince = now;
        if (load.outgoing == 0) {
            startRenewal(now);
        }
    }

    private void startRenewal(long now) {
        if (!isAllowed() || joining() || allowent != null) {
            renewalDue = false;
            flushPending(now);
            return;
        }
        Allower.start(this, now, false, true);
    }

    /** A renewal allow failed: the session stays, the waiting messages go in it, and it is tried again later. */
    void renewalFailed(long now) {
        ctx.count(RoadCounter.SESSION_RENEWAL_FAILED);
        renewalDue = false;
        nextRenewalTry = now + RENEWAL_RETRY;
        flushPending(now);
    }

    /**
     * A hello while our session is open (a renewal, or the remote lost its state): while messages of ours are under
     * way it goes unanswered (the remote's allow says hello again) and new ones wait, for at most
     * {@link #RENEWAL_HOLD_MAX} per allow of the remote (its hello's tid), so that the session changes with none of
     * ours under way (one re-sent in the new session after its done was on its way would arrive twice). True when
     * the hello is held.
     */
    boolean holdRenewal(long ti, long now) {
        if (!isAllowed() || load.outgoing == 0) {
            return false;
        }
        if (ti != heldHelloTi) {
            heldHelloTi = ti;
            heldHelloSince = now;
        }
        if (now - heldHelloSince > RENEWAL_HOLD_MAX) {
            // Answered now, with what is still under way; new messages go on waiting until the allow has started
            // (then they wait for it): none starts in between only to be interrupted.
            return false;
        }
        renewalHeld = true;
        ctx.count(RoadCounter.RENEWAL_HELD);
        return true;
    }

    /** An old session key: wiped now, or once the last message using it ends. */
    private void retire(SharedKey key) {
        if (usedByMessages(key)) {
            retiredKeys.add(key);
        } else {
            key.destroy();
        }
    }

    /** A message ended: the retired session keys no message uses any more are wiped. */
    void retireKeys() {
        if (retiredKeys.isEmpty()) {
            return;
        }
        retiredKeys.removeIf(k -> {
            if (usedByMessages(k)) {
                return false;
            }
            k.destroy();
            return true;
        });
    }

    private boolean usedByMessages(SharedKey key) {
        for (Transaction tx : transactions) {
            if (tx instanceof Messenger m && m.sessionKey() == key || tx instanceof Messengent r && r.sessionKey() == key) {
                return true;
            }
        }
        return false;
    }

    /** The session is void (the remote lost it, or was re-keyed or forgotten): its key goes once unused. */
    void dropSessionKey() {
        if (sessionKey != null) {
            retire(sessionKey);
            sessionKey = null;
        }
    }

    /** Retired session keys not wiped yet (tests). */
    int retiredKeys() {
        return retiredKeys.size();
    }

    /** Messages to the remote being sent or waiting. */
    int outgoing() {
        return pending.size() + load.outgoing;
    }

    /** The box key between our long-term key and the remote's current one (computed once per remote key). */
    SharedKey longShared(BoxKeyPair local) {
        if (longShared == null || longSharedFor != remote.publicKey()) {
            longShared = local.sharedKey(remote.publicKey());
            longSharedFor = remote.publicKey();
        }
        return longShared;
    }

    long nextTid() {
        tid = tid >= 0xffffffffL ? 1 : tid + 1;
        return tid;
    }

    /** What the application may know of the remote now. */
    RemoteInfo info() {
        return new RemoteInfo(remote.name(), remote.ha(), remote.role(), remote.main(), remote.kind(), remote.uid(),
                remote.fuid(), remote.sid(), remote.verifyKey(), remote.publicKey(), remote.isProven(), remote.isJoined(),
                isAllowed(), isAlive());
    }

    boolean isAllowed() {
        return Boolean.TRUE.equals(allowed);
    }

    boolean isAlive() {
        return Boolean.TRUE.equals(alived);
    }

    @Override
    public String toString() {
        return "Peer[" + remote + " " + phase() + " allowed=" + allowed + " alive=" + alived + "]";
    }
}
