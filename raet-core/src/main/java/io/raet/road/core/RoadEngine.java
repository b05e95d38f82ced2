package io.raet.road.core;

import io.raet.crypto.Entropy;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.road.MessageOptions;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The sans-IO road: every protocol decision of a RAET road stack, with no socket, thread, clock or randomness of its
 * own inside. The driver feeds it datagrams and the time, and carries out what it asks: datagrams to send, events
 * for the application, the time it next wants to run.
 *
 * <p>The engine is made of {@link #shards() shards} ({@link RoadShard}): each owns the remotes whose uid falls to it,
 * and a driver may run each on its own owner thread ({@link #drive}): {@link #route} says which shard a datagram is
 * for, {@link #shardFor(String)} and {@link #shardFor(InetSocketAddress)} which one a command is for, and the driver
 * feeds each shard on its thread in the call order {@link RoadShard} describes. What every remote shares is the
 * {@link RoadEndpoint}'s.
 *
 * <p>Without a driver, one thread drives every shard through this class (the engine is then not thread-safe), in
 * this order:
 * <ol>
 *   <li>Feed input: {@link #receive} each datagram, {@link #tick} when {@link #nextWakeup()} is due, and the
 *       application's commands ({@link #join}, {@link #allow}, {@link #alive}, {@link #send}, …).
 *   <li>Drain output: {@link #pollOutgoing()} until null (send each datagram) and {@link #pollEvent()} until null.
 *   <li>Sleep until {@link #nextWakeup()} or the next datagram or command, whichever comes first.
 * </ol>
 * Each call runs what it causes on every shard before it returns, so several shards driven this way behave as one.
 * Time is a monotonic nanosecond count chosen by the caller.
 */
public final class RoadEngine {
    /**
     * Largest datagram accepted: the reference sends at most 1024 bytes and receives into 2048; anything larger is
     * dropped before parsing (a larger {@link RoadConfig#maxPacketSize()} raises the limit to match).
     */
    public static final int MAX_RECEIVE_SIZE = 2048;
    /** Posted work run per shard and turn when one thread drives every shard. */
    private static final int POSTED_PER_TURN = 64;

    /** Who runs the shards' posted work. */
    private enum Mode {
        /** One thread drives every shard through this class: posted work runs before each call returns. */
        ONE_THREAD,
        /** A driver runs each shard on its own thread; {@link #wakeup} tells it of posted work. */
        DRIVEN,
        /** A simulation runs the shards' work in an order of its choosing, on one thread. */
        INTERLEAVED
    }

    private final LocalEstate local;
    private final RoadConfig config;
    private final RoadStore store;
    /** Where nonces and short-term keys come from (the system's generator unless a simulation passes its own). */
    private final Entropy entropy;
    private final RoadEndpoint endpoint;
    private final RoadShard[] shards;
    private final AtomicLong messageIds = new AtomicLong();
    private volatile Mode mode = Mode.ONE_THREAD;
    private volatile IntConsumer wakeup = i -> {};
    /** In a simulation that interleaves shards: which shard with work runs next. */
    private java.util.random.RandomGenerator order;

    public RoadEngine(LocalEstate local, RoadConfig config, RoadStore store) {
        this(local, config, store, Entropy.system());
    }

    /**
     * An engine taking its random bytes (nonces, short-term keys) from {@code entropy}: a simulation passes a
     * seeded source to replay a run exactly; real traffic needs {@link Entropy#system()}.
     */
    public RoadEngine(LocalEstate local, RoadConfig config, RoadStore store, Entropy entropy) {
        this(local, config, store, entropy, 1);
    }

    /**
     * An engine of {@code shards} shards (at least 1). The keep ({@code store}) is only used under the endpoint's
     * lock, one shard at a time; {@code entropy} must be thread-safe when a driver runs several shards at once
     * ({@link Entropy#system()} is).
     */
    public RoadEngine(LocalEstate local, RoadConfig config, RoadStore store, Entropy entropy, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("an engine needs at least one shard, not " + shards);
        }
        this.local = local;
        this.config = config;
        this.store = store;
        this.entropy = entropy;
        this.endpoint = new RoadEndpoint(this, config, shards);
        this.shards = new RoadShard[shards];
        for (int i = 0; i < shards; i++) {
            this.shards[i] = new RoadShard(this, endpoint, i);
        }
    }

    public LocalEstate local() {
        return local;
    }

    public RoadConfig config() {
        return config;
    }

    RoadStore store() {
        return store;
    }

    Entropy entropy() {
        return entropy;
    }

    long nextMessageId() {
        return messageIds.incrementAndGet();
    }

    /**
     * The counters of every shard: with one shard its own (live) counters, with several a sum taken now (one thread
     * driving every shard; a driver sums what each shard's thread reads of {@link RoadShard#stats()}).
     */
    public RoadStats stats() {
        if (shards.length == 1) {
            return shards[0].stats();
        }
        RoadStats sum = new RoadStats();
        for (RoadShard s : shards) {
            sum.add(s.stats());
        }
        return sum;
    }

    // ------------------------------------------------------------------ shards and their drivers

    public int shards() {
        return shards.length;
    }

    public RoadShard shard(int index) {
        return shards[index];
    }

    /**
     * From now on a driver runs each shard on its own thread: {@code wakeup} is called (on any thread) with a
     * shard's index when work is {@link RoadShard#post posted} to it. The methods of this class that drive every
     * shard are then not to be used, except the thread-safe ones ({@link #route}, {@link #shardFor(String)},
     * {@link #shardFor(InetSocketAddress)}).
     */
    public void drive(IntConsumer wakeup) {
        this.wakeup = wakeup;
        this.mode = Mode.DRIVEN;
    }

    /**
     * A simulation interleaves the shards' work on its one thread: a datagram is posted to its shard, and work posted
     * to any shard (datagrams, what one shard hands another) runs one piece at a time, the next shard drawn from
     * {@code order} among those with work, until none is left; work for another shard waits its turn instead of
     * running at once. Each call of this class still returns with every shard quiet.
     */
    void interleave(java.util.random.RandomGenerator order) {
        this.order = order;
        this.mode = Mode.INTERLEAVED;
    }

    /** Whether one thread runs every shard, each call's work done before it returns. */
    boolean oneThread() {
        return mode == Mode.ONE_THREAD;
    }

    void wake(int shard) {
        wakeup.accept(shard);
    }

    /**
     * The shard a datagram is for (thread-safe): read from its head ({@code de}, our uid for the remote) without
     * parsing the rest. A datagram without one (a vacuous join) goes to the shard handling its address, else to the
     * least loaded. With one shard, 0.
     */
    public int route(byte[] buf, int off, int len, InetSocketAddress src) {
        return endpoint.route(buf, off, len, src);
    }

    /** The shard of the remote of that name: where commands for it go (thread-safe; 0 for an unknown name). */
    public int shardFor(String name) {
        int s = endpoint.shardOfName(name);
        return s < 0 ? 0 : s;
    }

    /**
     * The shard a join with the estate at {@code ha} starts on (thread-safe): that of the remote there, else the
     * least loaded.
     */
    public int shardFor(InetSocketAddress ha) {
        int s = endpoint.shardOfAddress(ha);
        return s < 0 ? endpoint.leastLoaded() : s;
    }

    /** Runs the shards' posted work until none is left (one thread driving every shard). */
    void settle(long now) {
        if (mode == Mode.DRIVEN || shards.length == 1 && !shards[0].hasPosted()) {
            return;
        }
        if (mode == Mode.INTERLEAVED) {
            List<RoadShard> busy = new ArrayList<>(shards.length);
            while (true) {
                busy.clear();
                for (RoadShard s : shards) {
                    if (s.hasPosted()) {
                        busy.add(s);
                    }
                }
                if (busy.isEmpty()) {
                    return;
                }
                busy.get(order.nextInt(busy.size())).runPosted(now, 1);
            }
        }
        boolean ran = true;
        while (ran) {
            ran = false;
            for (RoadShard s : shards) {
                ran |= s.runPosted(now, POSTED_PER_TURN) > 0;
            }
        }
    }

    /** Runs {@code command} on the shard it names, following the remote to its shard; settles. */
    private <T> T onShard(int shard, long now, IntFunction<T> command) {
        T result;
        try {
            result = command.apply(shard);
        } catch (RoadShard.ElsewhereException e) {
            result = command.apply(e.shard());
        } finally {
            settle(now);
        }
        return result;
    }

    /** Asks the shard of the remote of that name, following it to its shard. */
    private <T> T ask(String name, IntFunction<T> query) {
        try {
            return query.apply(shardFor(name));
        } catch (RoadShard.ElsewhereException e) {
            return query.apply(e.shard());
        }
    }

    // ------------------------------------------------------------------ input

    /**
     * Processes one received datagram on the shard it is for. Never throws for bad input: every rejection is counted
     * in the stats, and so is a defect met while handling it ({@code drop_internal_error}); only a VM failure
     * ({@link VirtualMachineError}) goes on to the caller. In a simulation that interleaves shards the datagram is
     * posted to its shard instead.
     */
    public void receive(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        deliver(buf, off, len, src, now);
        settle(now);
    }

    /**
     * Receives a datagram on its shard, or, in a simulation that interleaves shards, posts it there to run at the next
     * {@link #settle}.
     */
    void deliver(byte[] buf, int off, int len, InetSocketAddress src, long now) {
        RoadShard s = shards[route(buf, off, len, src)];
        if (mode == Mode.INTERLEAVED) {
            byte[] copy = Arrays.copyOfRange(buf, off, off + len);
            s.post(t -> s.receive(copy, 0, copy.length, src, t));
        } else {
            s.receive(buf, off, len, src, now);
        }
    }

    /** When the next timer of any shard is due (nanoseconds, same clock as the callers'); {@link Long#MIN_VALUE} before any. */
    public long nextWakeup() {
        long w = Long.MAX_VALUE;
        for (RoadShard s : shards) {
            w = Math.min(w, s.nextWakeup());
        }
        return w;
    }

    /** Runs every timer due at {@code now}, heartbeats and expiries, shard by shard. */
    public void tick(long now) {
        if (mode == Mode.INTERLEAVED) {
            List<RoadShard> all = new ArrayList<>(Arrays.asList(shards));
            java.util.Collections.shuffle(all, order);
            for (RoadShard s : all) {
                s.tick(now);
            }
        } else {
            for (RoadShard s : shards) {
                s.tick(now);
            }
        }
        settle(now);
    }

    // ------------------------------------------------------------------ output

    /** The next datagram to send, or null: shard by shard. */
    public Outgoing pollOutgoing() {
        for (RoadShard s : shards) {
            Outgoing o = s.pollOutgoing();
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    /** The next event, or null: shard by shard (each remote's events in order). */
    public RoadEvent pollEvent() {
        for (RoadShard s : shards) {
            RoadEvent e = s.pollEvent();
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    public boolean hasOutgoing() {
        for (RoadShard s : shards) {
            if (s.hasOutgoing()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ remotes

    /** The remotes on the road now. */
    public List<Remote> remotes() {
        Collection<Peer> peers = peers();
        List<Remote> out = new ArrayList<>(peers.size());
        for (Peer p : peers) {
            out.add(p.remote);
        }
        return out;
    }

    /** The remotes on the road now, as the application may see them. */
    public List<RemoteInfo> remoteInfos() {
        List<RemoteInfo> out = new ArrayList<>();
        for (Peer p : peers()) {
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
        endpoint.lock.lock();
        try {
            return new ArrayList<>(endpoint.peers());
        } finally {
            endpoint.lock.unlock();
        }
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
     * Restores a remote from the keep, before the engine runs. Its session id advances so that the restart opens a
     * new session, as the reference does.
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
        List<Map<String, Long>> perShard = new ArrayList<>(shards.length);
        for (RoadShard s : shards) {
            perShard.add(s.levels());
        }
        return levels(perShard);
    }

    /** The engine's levels from each shard's {@link RoadShard#levels()} (taken on its thread) and the shared bounds. */
    public Map<String, Long> levels(List<Map<String, Long>> perShard) {
        return endpoint.levels(perShard);
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
        return onShard(shardFor(ha), now, s -> shards[s].join(ha, now));
    }

    /** Starts an allow handshake with a joined remote (a join first, when not joined). */
    public void allow(String name, long now) {
        onShard(shardFor(name), now, s -> {
            shards[s].allow(name, now);
            return null;
        });
    }

    /** Whether an allow with the remote is in progress whose session is not open yet. */
    public boolean allowing(String name) {
        return ask(name, s -> shards[s].allowing(name));
    }

    /** Whether a session with the remote is open. */
    public boolean allowed(String name) {
        return ask(name, s -> shards[s].allowed(name));
    }

    /** Sends a heartbeat to the remote (joining and allowing first as needed). */
    public void alive(String name, long now) {
        alive(name, now, null);
    }

    /**
     * Sends a heartbeat to the remote (joining and allowing first as needed); {@code answer} is called with null
     * when the remote answers, or with why it did not ({@code timeout}, {@code refused}, {@code rejected}, or a
     * failed join or allow).
     */
    public void alive(String name, long now, Consumer<String> answer) {
        onShard(shardFor(name), now, s -> {
            shards[s].alive(name, now, answer);
            return null;
        });
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
        return onShard(shardFor(name), now, s -> shards[s].send(name, body, options, now));
    }

    /**
     * Admits new incoming messages (the default) or not, on every shard (thread-safe). While not, a packet that
     * would start a new message is dropped unanswered (counted {@code drop_inbox_full}), so its sender retries;
     * messages being received complete. A driver stops admitting while its application inbox is full.
     */
    public void acceptMessages(boolean accept) {
        endpoint.acceptMessages(accept);
    }

    public boolean acceptingMessages() {
        return endpoint.acceptingMessages();
    }

    /** Incoming messages being reassembled, all remotes together (thread-safe). */
    public int incompleteMessages() {
        return endpoint.incompleteMessages();
    }

    /** Bytes held for incoming messages being reassembled (see {@link RoadLimits#SEGMENT_OVERHEAD}; thread-safe). */
    public long incompleteBytes() {
        return endpoint.incompleteBytes();
    }

    // ------------------------------------------------------------------ operators

    /**
     * Joins waiting for an operator's decision ({@link RoadEvent.JoinPending} tells of each when it arrives;
     * thread-safe).
     */
    public List<RoadEvent.JoinPending> pendingJoins(long now) {
        endpoint.lock.lock();
        try {
            return endpoint.pendingJoins().list(now);
        } finally {
            endpoint.lock.unlock();
        }
    }

    /**
     * Operator: accepts the name, role and keys of a pending join (or of a join still to come): the role is kept as
     * accepted with these keys, a join still waiting is answered at once, and a later join presenting exactly this
     * identity is accepted, even for a name bound to other keys (which it then rebinds). The acceptance of the
     * name is held in memory for ten minutes. A driver runs it on shard 0; the join waiting goes on on its own shard.
     */
    public void acceptJoin(RoadEvent.JoinPending p, long now) {
        endpoint.acceptJoin(shards[0], p, now);
        settle(now);
    }

    /** Operator: rejects a pending join; a join still waiting is answered reject. Returns whether it was pending. */
    public boolean rejectJoin(RoadEvent.JoinPending p, long now) {
        boolean pending = endpoint.rejectJoin(shards[0], p, now);
        settle(now);
        return pending;
    }
}
