package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.PacketException;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.crypto.Entropy;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The sans-IO road: every protocol decision of a RAET road stack, with no socket, thread, clock or randomness of its
 * own inside. The driver feeds it datagrams and the time, and carries out what it asks: datagrams to send, events
 * for the application, the time it next wants to run.
 *
 * <p>Call order, on one owner thread (the engine is not thread-safe):
 * <ol>
 *   <li>Feed input: {@link #receive} each datagram, {@link #tick} when {@link #nextWakeup()} is due, and the
 *       application's commands ({@link #join}, {@link #allow}, {@link #alive}, {@link #send}, …).
 *   <li>Drain output: {@link #pollOutgoing()} until null (send each datagram) and {@link #pollEvent()} until null.
 *   <li>Sleep until {@link #nextWakeup()} or the next datagram or command, whichever comes first.
 * </ol>
 * Time is a monotonic nanosecond count chosen by the caller.
 *
 * <p>Inside, a {@link RoadEndpoint} takes every datagram first and routes it to the {@link Peer} of its remote;
 * a peer runs the transactions with its remote. This class holds what they share: the output queues, the timers,
 * the counters and the settings ({@link TxContext}).
 */
public final class RoadEngine {
    /**
     * Largest datagram accepted: the reference sends at most 1024 bytes and receives into 2048; anything larger is
     * dropped before parsing (a larger {@link RoadConfig#maxPacketSize()} raises the limit to match).
     */
    public static final int MAX_RECEIVE_SIZE = 2048;
    /** How often heartbeats and expiries are looked at. */
    private static final long HOUSEKEEPING_NANOS = Transaction.nanos(0.25);

    private final LocalEstate local;
    private final RoadConfig config;
    private final RoadStore store;
    /** Where nonces and short-term keys come from (the system's generator unless a simulation passes its own). */
    private final Entropy entropy;
    private final RoadStats stats = new RoadStats();
    /** What transactions and peers see of the engine. */
    private final TxContext ctx = new Context();
    private final RoadEndpoint endpoint;

    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final ArrayDeque<RoadEvent> events = new ArrayDeque<>();

    private record Timer(long at, Timed tx, int generation) {}

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private long nextHousekeeping = Long.MIN_VALUE;
    private long messageIds;

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
        this.endpoint = new RoadEndpoint(ctx);
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

    // ------------------------------------------------------------------ input

    /**
     * Processes one received datagram. Never throws for bad input: every rejection is counted in the stats, and
     * so is a defect met while handling it ({@code drop_internal_error}); only a VM failure
     * ({@link VirtualMachineError}) goes on to the caller.
     */
    public void receive(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        endpoint.receive(buf, off, len, src, now);
    }

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
                endpoint.housekeep(now);
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
    private void fire(Timed timed, long now) {
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
        }
    }

    // ------------------------------------------------------------------ output

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

    // ------------------------------------------------------------------ remotes

    /** The remotes on the road now. */
    public List<Remote> remotes() {
        Collection<Peer> peers = endpoint.peers();
        List<Remote> out = new ArrayList<>(peers.size());
        for (Peer p : peers) {
            out.add(p.remote);
        }
        return out;
    }

    /** The remotes on the road now, as the application may see them. */
    public List<RemoteInfo> remoteInfos() {
        List<RemoteInfo> out = new ArrayList<>();
        for (Peer p : endpoint.peers()) {
            out.add(p.info());
        }
        return out;
    }

    /** The remote of that name as the application may see it, or null. */
    public RemoteInfo remoteInfo(String name) {
        Peer p = endpoint.peer(name);
        return p == null ? null : p.info();
    }

    public Remote remote(String name) {
        Peer p = endpoint.peer(name);
        return p == null ? null : p.remote;
    }

    public Remote remoteByUid(long uid) {
        Peer p = endpoint.peerByUid(uid);
        return p == null ? null : p.remote;
    }

    public Remote remoteByAddress(InetSocketAddress ha) {
        Peer p = endpoint.peerByAddress(ha);
        return p == null ? null : p.remote;
    }

    /** The endpoint (tests look into its tables). */
    RoadEndpoint endpoint() {
        return endpoint;
    }

    Collection<Peer> peers() {
        return endpoint.peers();
    }

    Peer peer(String name) {
        return endpoint.peer(name);
    }

    Peer peerByUid(long uid) {
        return endpoint.peerByUid(uid);
    }

    Peer peerByAddress(InetSocketAddress ha) {
        return endpoint.peerByAddress(ha);
    }

    /**
     * Restores a remote from the keep. Its session id advances so that the restart opens a new session, as the
     * reference does.
     */
    public Remote restoreRemote(String name, long uid, long fuid, InetSocketAddress ha, String role, boolean main,
            int kind, String fqdn, long sid, Boolean joined, VerifyKey verifyKey, PublicKey publicKey) {
        return endpoint.restore(name, uid, fuid, ha, role, main, kind, fqdn, sid, joined, verifyKey, publicKey);
    }

    /**
     * How full the engine is, by name: {@code remotes}, {@code remotes_joined}, {@code remotes_allowed},
     * {@code remotes_alive}, {@code incomplete_messages}, {@code incomplete_bytes} (incoming messages being
     * reassembled) and {@code queue_waiting_allow} (messages waiting for their remote to be allowed).
     */
    public Map<String, Long> levels() {
        return endpoint.levels();
    }

    /** Names of remotes currently alive. */
    public List<String> aliveRemotes() {
        return endpoint.aliveRemotes();
    }

    // ------------------------------------------------------------------ commands

    /**
     * Starts a join with the estate at {@code ha}: a vacuous join when we know no id of ours there, else a join
     * with the known remote. Returns the remote (named after the address until the join answers).
     */
    public Remote join(InetSocketAddress ha, long now) {
        Peer p = endpoint.peerByAddress(ha);
        if (p == null) {
            p = endpoint.newPeer(ha);
            endpoint.add(p);
        }
        p.join(now, false);
        return p.remote;
    }

    /** Starts an allow handshake with a joined remote (a join first, when not joined). */
    public void allow(String name, long now) {
        endpoint.requirePeer(name).allow(now, false);
    }

    /** Whether an allow with the remote is in progress whose session is not open yet. */
    public boolean allowing(String name) {
        Peer p = endpoint.peer(name);
        return p != null && p.allowing();
    }

    /** Whether a session with the remote is open. */
    public boolean allowed(String name) {
        Peer p = endpoint.peer(name);
        return p != null && p.isAllowed();
    }

    /** Sends a heartbeat to the remote (joining and allowing first as needed). */
    public void alive(String name, long now) {
        endpoint.requirePeer(name).alive(now, false);
    }

    /**
     * Sends a heartbeat to the remote (joining and allowing first as needed); {@code answer} is called on the
     * owner thread with null when the remote answers, or with why it did not ({@code timeout}, {@code refused},
     * {@code rejected}, or a failed join or allow).
     */
    public void alive(String name, long now, Consumer<String> answer) {
        Peer p = endpoint.requirePeer(name);
        p.aliveWaiters.add(answer);
        p.alive(now, false);
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
        Peer p = endpoint.requirePeer(name);
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

    /**
     * Admits new incoming messages (the default) or not. While not, a packet that would start a new message is
     * dropped unanswered (counted {@code drop_inbox_full}), so its sender retries; messages being received
     * complete. A driver stops admitting while its application inbox is full.
     */
    public void acceptMessages(boolean accept) {
        endpoint.acceptMessages(accept);
    }

    public boolean acceptingMessages() {
        return endpoint.acceptingMessages();
    }

    /** Incoming messages being reassembled, all remotes together. */
    public int incompleteMessages() {
        return endpoint.incompleteMessages();
    }

    /** Bytes held for incoming messages being reassembled (see {@link RoadLimits#SEGMENT_OVERHEAD}). */
    public long incompleteBytes() {
        return endpoint.incompleteBytes();
    }

    // ------------------------------------------------------------------ operators

    /** Joins waiting for an operator's decision ({@link RoadEvent.JoinPending} tells of each when it arrives). */
    public List<RoadEvent.JoinPending> pendingJoins(long now) {
        return endpoint.pendingJoins().list(now);
    }

    /**
     * Operator: accepts the name, role and keys of a pending join (or of a join still to come): the role is kept as
     * accepted with these keys, a join still waiting is answered at once, and a later join presenting exactly this
     * identity is accepted, even for a name bound to other keys (which it then rebinds). The acceptance of the
     * name is held in memory for ten minutes.
     */
    public void acceptJoin(RoadEvent.JoinPending p, long now) {
        endpoint.acceptJoin(p, now);
    }

    /** Operator: rejects a pending join; a join still waiting is answered reject. Returns whether it was pending. */
    public boolean rejectJoin(RoadEvent.JoinPending p, long now) {
        return endpoint.rejectJoin(p, now);
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

        @Override
        public void enqueue(byte[] data, InetSocketAddress to) {
            outbox.add(new Outgoing(data, to));
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
            endpoint.register(tx);
        }

        @Override
        public void end(Transaction tx) {
            endpoint.unregister(tx);
            tx.timerGeneration++;
            if (tx.live) {
                tx.live = false;
                tx.ended();
            }
        }

        @Override
        public boolean isActive(Transaction tx) {
            return endpoint.isActive(tx);
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
}
