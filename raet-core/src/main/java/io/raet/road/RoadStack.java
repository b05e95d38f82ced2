package io.raet.road;

import io.raet.codec.BodyKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.core.Outgoing;
import io.raet.road.core.RoadCounter;
import io.raet.road.core.RoadEngine;
import io.raet.road.core.RoadShard;
import io.raet.road.core.StackSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RAET road estate on one UDP socket: the {@link RoadEngine} driven by owner threads, one per shard of the engine
 * ({@link Builder#shards}, by default one per core).
 *
 * <p>Each remote belongs to one shard, whose owner thread runs everything about it: its handshakes, messages,
 * heartbeats and their signatures, so several remotes keep several cores busy. With one shard the owner thread also
 * reads the socket. With several, a reader thread reads it while datagrams go to several owners, and hands each to
 * the owner of its remote by the destination id in its head (without parsing the rest); while they all go to one
 * owner, that owner reads the socket itself, as a single owner does, until datagrams for others come in. Each owner
 * sends its own datagrams. Joins, allows and the bounds every remote shares are decided in one place for all shards
 * (see {@link RoadEngine}). Helper threads ({@link Builder#cryptoThreads}, none by default) may check the signatures
 * of datagrams the owner reading the socket has not come to yet and sign the segments an owner is about to send, so
 * that one busy remote uses several cores too.
 *
 * <p>Application threads talk to it through thread-safe methods: {@link #join}, {@link #allow}, {@link #send}
 * (a {@link CompletableFuture} completed when the remote acknowledges the whole message), a blocking
 * {@link #receive()} that parks virtual threads cheaply and takes the messages of every remote in the order they
 * completed, and presence/handshake events through {@link #onEvent} (on the owner thread of the remote they
 * concern, each remote's in order). Close it to release the socket.
 *
 * <p>The inbox of received messages is bounded ({@link RoadLimits#inboxMessages()},
 * {@link RoadLimits#inboxBytes()}): when the application does not keep up, the stack stops accepting new messages
 * until it reads again, and senders retry. Nothing one packet, command, timer or listener throws stops an owner
 * thread (it is counted and logged); a VM failure ({@link VirtualMachineError}) or a failed socket closes the stack
 * loudly: logged at ERROR, {@link #closed()} fails with the cause, every outstanding future fails and
 * {@link #receive()} throws once the inbox is empty.
 *
 * <pre>{@code
 * try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(7540).build()) {
 *     RoadEvent.Message m = alpha.receive();
 * }
 * }</pre>
 */
public final class RoadStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoadStack.class);
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** Datagrams read per selector wake-up before timers and the selector get a turn again (one shard). */
    private static final int MAX_READS_PER_WAKEUP = 256;
    /** Posted datagrams and commands an owner runs before its timers get a turn again. */
    private static final int MAX_POSTED_PER_TURN = 256;
    /** Put in the inbox when the stack stops: {@link #receive()} then throws. */
    private static final RoadEvent.Message END = new RoadEvent.Message(null, null, Map.of(), 0);

    private final RoadEngine engine;
    private final DatagramChannel channel;
    private final InetSocketAddress address;
    /** One per shard. */
    private final Owner[] owners;
    /** Reads the socket for every owner when there are several; null with one shard (its owner reads). */
    private final Thread reader;
    private final BlockingQueue<RoadEvent.Message> inbox = new LinkedBlockingQueue<>();
    /** Bytes of the messages in the inbox (their {@link RoadEvent.Message#size()}). */
    private final AtomicLong inboxBytes = new AtomicLong();
    /** The engine was told to stop accepting messages because the inbox is full (changed under holdLock). */
    private volatile boolean inboxHeld;
    private final Object holdLock = new Object();
    /** A reader asked an owner to look at the inbox again. */
    private final AtomicBoolean resumeAsked = new AtomicBoolean();
    /** Commands handed to owners and not run yet. */
    private final AtomicInteger commandsWaiting = new AtomicInteger();
    private final RoadLimits limits;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Throwable failure;
    private volatile boolean endQueued;
    private final List<Consumer<RoadEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<Delivery>> deliveries = new ConcurrentHashMap<>();
    /** Futures of joins by address and of allows by name, completed by the events of the remote's owner. */
    private final Map<InetSocketAddress, List<CompletableFuture<String>>> joins = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<Void>>> allows = new ConcurrentHashMap<>();
    /** Every future handed out and not completed yet: failed when the stack stops. */
    private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    /**
     * Who reads the socket now: the index of the owner that does, or {@link #READER} for the reader thread. With
     * several shards the reader reads while datagrams go to several owners; when all of them went to one owner for a
     * while it hands reading to that owner, which reads the way a single owner does (no hand-over, no second
     * wake-up) and hands it back as soon as datagrams for other owners come in.
     */
    private volatile int readToken;
    private static final int READER = -1;
    /** Datagrams a reader looks back on to decide who reads: all of them for one owner hand it the socket. */
    private static final int READ_WINDOW = 64;
    /**
     * Or fewer, when they all went to one owner for this long (a remote that sends little, as the acknowledgements of
     * a large message): that owner reads from then on.
     */
    private static final long READ_RUN_NANOS = 20_000_000L;
    private static final int READ_RUN_MIN = 4;
    /** Datagrams for other owners in an owner's last {@link #READ_WINDOW} reads that make it hand reading back. */
    private static final int FOREIGN_READS = 2;
    private final Selector readerSelector;
    private final AtomicBoolean readerSelecting = new AtomicBoolean();
    /** Helper threads signing and checking signatures ahead of the owner threads, or null (none). */
    private final CryptoAhead ahead;
    /** Datagrams an owner reads at once before handling them, when helpers check their signatures meanwhile. */
    private static final int AHEAD_BATCH = 32;

    private record Deadline(long at, CompletableFuture<?> future, String what) {}

    private RoadStack(RoadEngine engine, DatagramChannel channel, int cryptoThreads) throws IOException {
        this.engine = engine;
        this.limits = engine.config().limits();
        this.channel = channel;
        this.address = (InetSocketAddress) channel.getLocalAddress();
        int n = engine.shards();
        this.owners = new Owner[n];
        String name = engine.local().name();
        for (int i = 0; i < n; i++) {
            owners[i] = new Owner(engine.shard(i), n == 1 ? "raet-road-" + name : "raet-road-" + name + "-" + i,
                    Selector.open());
        }
        engine.drive(i -> owners[i].wake());
        this.readToken = n == 1 ? 0 : READER;
        this.readerSelector = n == 1 ? null : Selector.open();
        this.reader = n == 1 ? null
                : Thread.ofPlatform().name("raet-road-" + name + "-reader").daemon(true).unstarted(this::read);
        this.ahead = cryptoThreads == 0 ? null : new CryptoAhead(cryptoThreads, "raet-road-" + name);
        for (int i = 0; i < n && ahead != null; i++) {
            engine.shard(i).deferSignatures(true);
        }
        for (Owner o : owners) {
            o.thread.start();
        }
        if (reader != null) {
            reader.start();
        }
    }

    /** {@return a builder with every setting at its default (the name must be set)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the local address the socket is bound to} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return this estate's name} */
    public String name() {
        return engine.local().name();
    }

    /** {@return the role this estate joins with} */
    public String role() {
        return engine.local().role();
    }

    /** {@return this estate's long-term signing key} */
    public SigningKey signingKey() {
        return engine.local().signer();
    }

    /** {@return this estate's long-term box key pair} */
    public BoxKeyPair boxKeys() {
        return engine.local().boxKeys();
    }

    /** {@return how many owner threads run the engine (its shards)} */
    public int shards() {
        return owners.length;
    }

    // ------------------------------------------------------------------ application API

    /**
     * Joins the estate at {@code remote}; completes with the remote's name once keys are exchanged, or fails with a
     * {@link JoinException} saying why (what the remote answered, or a timeout). An unresolved address fails the
     * future at once with an {@link IllegalArgumentException}: resolve the host first.
     *
     * @param remote the estate's address
     * @return completes with the remote's name
     */
    public CompletableFuture<String> join(InetSocketAddress remote) {
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot join " + remote.getHostString()
                    + ":" + remote.getPort() + ": the host name does not resolve to an address"));
        }
        CompletableFuture<String> f = future();
        submit(f, engine.shardFor(remote), (shard, now) -> {
            shard.join(remote, now);
            joins.computeIfAbsent(remote, k -> new CopyOnWriteArrayList<>()).add(f);
            expireAt(now, handshakeLimit(), f, "join with " + remote);
        });
        return f;
    }

    /**
     * Runs the allow handshake with a joined remote (joining first when it is not); completes when the session is
     * open, at once when it is open already and no allow is under way.
     *
     * @param remote the remote's name
     * @return completes when the session is open
     */
    public CompletableFuture<Void> allow(String remote) {
        CompletableFuture<Void> f = future();
        submit(f, engine.shardFor(remote), (shard, now) -> {
            if (engine.remote(remote) == null) {
                f.completeExceptionally(new IllegalArgumentException("unknown remote: " + remote));
                return;
            }
            if (shard.allowed(remote) && !shard.allowing(remote)) {
                f.complete(null);
                return;
            }
            shard.allow(remote, now);
            allows.computeIfAbsent(remote, k -> new CopyOnWriteArrayList<>()).add(f);
            expireAt(now, handshakeLimit(), f, "allow with " + remote);
        });
        return f;
    }

    /**
     * Sends a heartbeat to the remote now (joining and allowing first as needed); completes when the remote
     * answers, or fails: with a {@link java.util.concurrent.TimeoutException} when it does not answer, an
     * {@link IllegalStateException} saying why when it refuses or a handshake fails.
     *
     * @param remote the remote's name
     * @return completes when the remote answers
     */
    public CompletableFuture<Void> alive(String remote) {
        CompletableFuture<Void> f = future();
        submit(f, engine.shardFor(remote), (shard, now) -> {
            shard.alive(remote, now, reason -> {
                if (reason == null) {
                    f.complete(null);
                } else if (reason.equals("timeout")) {
                    f.completeExceptionally(new java.util.concurrent.TimeoutException(
                            "no answer from " + remote + " to a heartbeat"));
                } else {
                    f.completeExceptionally(new IllegalStateException("heartbeat of " + remote + ": " + reason));
                }
            });
            expireAt(now, handshakeLimit() + engine.config().aliveTimeout().toNanos(), f, "heartbeat of " + remote);
        });
        return f;
    }

    /** {@return the remotes this estate knows now (joined or not), each taken on its owner thread} */
    public CompletableFuture<List<RemoteInfo>> remotes() {
        return gather(RoadShard::remoteInfos, lists -> {
            List<RemoteInfo> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return all;
        });
    }

    /**
     * {@return the remote of that name as this estate knows it now, if there is one}
     *
     * @param name the remote's name
     */
    public CompletableFuture<java.util.Optional<RemoteInfo>> remote(String name) {
        CompletableFuture<java.util.Optional<RemoteInfo>> f = future();
        submit(f, engine.shardFor(name), (shard, now) -> {
            shard.allowed(name); // a remote of another shard is followed there
            f.complete(java.util.Optional.ofNullable(engine.remoteInfo(name)));
        });
        return f;
    }

    /**
     * Joins waiting for an operator's decision (each was announced by a {@link RoadEvent.JoinPending}).
     *
     * @return the pending joins
     */
    public CompletableFuture<List<RoadEvent.JoinPending>> pendingJoins() {
        CompletableFuture<List<RoadEvent.JoinPending>> f = future();
        submit(f, 0, (shard, now) -> f.complete(engine.pendingJoins(now)));
        return f;
    }

    /**
     * Operator: accepts a pending join's name, role and keys; a joiner still waiting is answered at once, a later join
     * with exactly this identity is accepted.
     *
     * @param pending the join, as announced
     * @return completes when the decision is kept
     */
    public CompletableFuture<Void> acceptJoin(RoadEvent.JoinPending pending) {
        CompletableFuture<Void> f = future();
        submit(f, 0, (shard, now) -> {
            engine.acceptJoin(pending, now);
            f.complete(null);
        });
        return f;
    }

    /**
     * Operator: rejects a pending join.
     *
     * @param pending the join, as announced
     * @return completes with whether it was pending
     */
    public CompletableFuture<Boolean> rejectJoin(RoadEvent.JoinPending pending) {
        CompletableFuture<Boolean> f = future();
        submit(f, 0, (shard, now) -> f.complete(engine.rejectJoin(pending, now)));
        return f;
    }

    /**
     * Sends a message with the default options; see {@link #send(String, Map, MessageOptions)}.
     *
     * @param remote the remote's name
     * @param body the message
     * @return completes when the remote has the whole message
     */
    public CompletableFuture<Delivery> send(String remote, Map<String, ?> body) {
        return send(remote, body, null);
    }

    /**
     * Sends a message; the future completes when the remote has the whole message, or exceptionally with a
     * {@link DeliveryException}. A remote that is not yet allowed is allowed first.
     *
     * @param remote the remote's name
     * @param body the message
     * @param options how it is sent, or null for the defaults
     * @return completes when the remote has the whole message
     */
    public CompletableFuture<Delivery> send(String remote, Map<String, ?> body, MessageOptions options) {
        CompletableFuture<Delivery> f = future();
        submit(f, engine.shardFor(remote), (shard, now) -> {
            long id = shard.send(remote, body, options, now);
            deliveries.put(id, f);
        });
        return f;
    }

    /**
     * Blocks until a message arrives (from any remote: messages are taken in the order they completed).
     *
     * @return the message
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalStateException when the stack is closed (or failed) and every message it received was taken
     */
    public RoadEvent.Message receive() throws InterruptedException {
        return taken(inbox.take());
    }

    /**
     * Waits up to {@code timeout} for a message; null when none came.
     *
     * @param timeout the longest wait
     * @return the message, or null
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalStateException when the stack is closed (or failed) and every message it received was taken
     */
    public RoadEvent.Message receive(Duration timeout) throws InterruptedException {
        return taken(inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** {@return messages received and not yet taken by {@link #receive()}} */
    public int inboxSize() {
        int n = inbox.size();
        return endQueued ? Math.max(0, n - 1) : n;
    }

    /** {@return bytes of the messages received and not yet taken (their {@link RoadEvent.Message#size()})} */
    public long inboxBytes() {
        return inboxBytes.get();
    }

    /**
     * Completes when the stack stops: normally after {@link #close()}, exceptionally (with the cause) when a VM
     * failure or a socket failure stopped it.
     *
     * @return completes when the stack stops
     */
    public CompletableFuture<Void> closed() {
        return closed.copy();
    }

    /** {@return whether the stack still runs (not closed, not failed)} */
    public boolean isOpen() {
        return running;
    }

    private RoadEvent.Message taken(RoadEvent.Message m) {
        if (m == END) {
            inbox.add(END);
            Throwable why = failure;
            throw new IllegalStateException(why == null ? "road stack is closed" : "road stack failed: " + why, why);
        }
        if (m != null) {
            inboxBytes.addAndGet(-m.size());
            if (inboxHeld && belowLowWater() && resumeAsked.compareAndSet(false, true) && running) {
                owners[0].shard.post(now -> resumeAsked.set(false));
            }
        }
        return m;
    }

    private boolean inboxFull() {
        return inbox.size() >= limits.inboxMessages() || inboxBytes.get() >= limits.inboxBytes();
    }

    private boolean belowLowWater() {
        return inbox.size() <= limits.inboxMessages() * 3L / 4 && inboxBytes.get() <= limits.inboxBytes() * 3 / 4;
    }

    /**
     * Owner threads: stop the engine accepting messages while the inbox is full, resume below three quarters. Every
     * shard shares the one inbox and the one decision; messages being received when it is taken still complete.
     */
    private void updateInboxHold(RoadShard shard) {
        boolean held = inboxHeld;
        if (held ? !belowLowWater() : !inboxFull()) {
            return;
        }
        synchronized (holdLock) {
            if (!inboxHeld && inboxFull()) {
                inboxHeld = true;
                engine.acceptMessages(false);
                shard.stats().count(RoadCounter.INBOX_HELD);
            } else if (inboxHeld && belowLowWater()) {
                inboxHeld = false;
                engine.acceptMessages(true);
            }
        }
    }

    /**
     * Listens to every event (joined, allowed, alive, dead, …), on the owner thread of the remote it concerns (each
     * remote's events in order); keep the listener quick.
     *
     * @param listener the listener
     */
    public void onEvent(Consumer<RoadEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Counters of the engine ({@code packets_received}, {@code dropped}, {@code drop_<reason>}, each bound of
     * {@link RoadLimits} hit, …; how full the bounded queues are is in {@link #levels()}), summed over the shards: a
     * current copy taken on the owner threads, or the last ones they published when the stack is closed or does not
     * answer within a second.
     *
     * @return the counters by name
     */
    public Map<String, Long> stats() {
        return await(gather(s -> s.stats().snapshot(), RoadStack::sum), () -> {
            List<Map<String, Long>> published = new ArrayList<>();
            for (Owner o : owners) {
                published.add(o.statsSnapshot);
            }
            return sum(published);
        });
    }

    /**
     * {@return current levels, by name: {@code remotes}, {@code remotes_joined}, {@code remotes_allowed}, {@code
     * remotes_alive}, {@code messages_in_flight} (sent and not yet delivered or failed), and the queue depths {@code
     * queue_inbox} and {@code queue_inbox_bytes} (messages received and not yet taken by {@link #receive()}), {@code
     * incomplete_messages} and {@code incomplete_bytes} (incoming messages being reassembled), {@code
     * queue_waiting_allow} (messages waiting for their remote to be allowed), {@code queue_commands} (calls waiting for
     * the owner threads) and {@code queue_unsent} (datagrams the socket has not taken yet)} The remotes and queues of
     * each shard are taken on its owner thread like {@link #stats()}; the last levels taken when the stack is closed or
     * does not answer within a second.
     */
    public Map<String, Long> levels() {
        Map<String, Long> m = await(gather(s -> {
            Map<String, Long> l = new java.util.HashMap<>(s.levels());
            l.put("queue_unsent", (long) owners[s.index()].unsent.size() + owners[s.index()].signing.size());
            return l;
        }, this::levels), () -> levelsSnapshot);
        levelsSnapshot = m;
        return m;
    }

    private volatile Map<String, Long> levelsSnapshot = Map.of();

    private Map<String, Long> levels(List<Map<String, Long>> perShard) {
        Map<String, Long> engineLevels = engine.levels(perShard);
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String k : List.of("remotes", "remotes_joined", "remotes_allowed", "remotes_alive")) {
            m.put(k, engineLevels.get(k));
        }
        m.put("messages_in_flight", (long) deliveries.size());
        m.put("queue_inbox", (long) inboxSize());
        m.put("queue_inbox_bytes", inboxBytes.get());
        for (String k : List.of("incomplete_messages", "incomplete_bytes", "queue_waiting_allow")) {
            m.put(k, engineLevels.get(k));
        }
        m.put("queue_commands", (long) commandsWaiting.get());
        long unsent = 0;
        for (Map<String, Long> s : perShard) {
            unsent += s.getOrDefault("queue_unsent", 0L);
        }
        m.put("queue_unsent", unsent);
        return m;
    }

    private static Map<String, Long> sum(List<Map<String, Long>> maps) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Long> m : maps) {
            m.forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    /**
     * Asks every owner {@code query} with its shard, on its thread, and combines the answers. From an owner thread
     * (a listener) the answer cannot come: the future fails at once.
     */
    private <T, R> CompletableFuture<R> gather(Function<RoadShard, T> query, Function<List<T>, R> combine) {
        CompletableFuture<R> f = future();
        if (isOwnerThread()) {
            f.completeExceptionally(new IllegalStateException("asked on an owner thread"));
            return f;
        }
        List<CompletableFuture<T>> parts = new ArrayList<>(owners.length);
        for (Owner o : owners) {
            CompletableFuture<T> part = future();
            parts.add(part);
            submit(part, o.shard.index(), (shard, now) -> part.complete(query.apply(shard)));
        }
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : e);
                return;
            }
            List<T> answers = new ArrayList<>(parts.size());
            for (CompletableFuture<T> p : parts) {
                answers.add(p.join());
            }
            f.complete(combine.apply(answers));
        });
        return f;
    }

    private boolean isOwnerThread() {
        return currentOwner() != null;
    }

    /** The answer within a second, or {@code fallback} when the stack is closed, on an owner thread, or slow. */
    private <T> T await(CompletableFuture<T> answer, java.util.function.Supplier<T> fallback) {
        if (running && !isOwnerThread()) {
            try {
                return answer.get(1, TimeUnit.SECONDS);
            } catch (IllegalStateException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                // fall through to the published copy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return fallback.get();
    }

    /**
     * Runs {@code query} with the engine while every owner thread is paused, and returns its result: it may look at
     * and change any shard. Not API: for this package (and its tests) only; applications use {@link #remotes()},
     * {@link #stats()} and {@link #levels()}.
     */
    <T> CompletableFuture<T> inspect(Function<RoadEngine, T> query) {
        CompletableFuture<T> f = future();
        int n = owners.length;
        CountDownLatch paused = new CountDownLatch(n - 1);
        CountDownLatch resume = new CountDownLatch(1);
        for (int i = 1; i < n; i++) {
            owners[i].shard.post(now -> {
                paused.countDown();
                try {
                    resume.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        submit(f, 0, (shard, now) -> {
            try {
                if (!paused.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the owner threads did not pause");
                }
                f.complete(query.apply(engine));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.completeExceptionally(e);
            } finally {
                resume.countDown();
            }
        });
        return f;
    }

    /** A future the stack answers for: it completes, at the latest when the stack closes. */
    private <T> CompletableFuture<T> future() {
        CompletableFuture<T> f = new CompletableFuture<>();
        open.add(f);
        f.whenComplete((v, e) -> open.remove(f));
        return f;
    }

    /** How long the engine may take at most to settle a join or allow, with every retry and renewal in it. */
    private long handshakeLimit() {
        RoadConfig c = engine.config();
        return 2 * (c.joinerTimeout().toNanos() + c.allowTimeout().toNanos()) + 1_000_000_000L;
    }

    /** Owner thread: fails {@code f} with a timeout when still open {@code after} nanoseconds from {@code now}. */
    private void expireAt(long now, long after, CompletableFuture<?> f, String what) {
        Owner o = currentOwner();
        if (o != null) {
            o.deadlines.add(new Deadline(now + after, f, what));
        }
    }

    private Owner currentOwner() {
        Thread t = Thread.currentThread();
        for (Owner o : owners) {
            if (o.thread == t) {
                return o;
            }
        }
        return null;
    }

    /** A command for one shard's owner: it runs with the shard and the time. */
    @FunctionalInterface
    private interface Command {
        void run(RoadShard shard, long now);
    }

    /**
     * Hands a command to the owner of shard {@code shard}; {@code f} fails with what the command throws, or at once
     * when the stack is closed. A command that finds its remote on another shard follows it there.
     */
    private void submit(CompletableFuture<?> f, int shard, Command command) {
        if (!running) {
            f.completeExceptionally(new IllegalStateException("road stack is closed"));
            return;
        }
        commandsWaiting.incrementAndGet();
        RoadShard target = owners[shard].shard;
        target.post(command(f, command, target, 0));
    }

    private LongConsumer command(CompletableFuture<?> f, Command command, RoadShard shard, int hops) {
        return now -> {
            commandsWaiting.decrementAndGet();
            try {
                command.run(shard, now);
            } catch (RoadShard.ElsewhereException e) {
                if (hops < owners.length) {
                    commandsWaiting.incrementAndGet();
                    RoadShard next = owners[e.shard()].shard;
                    next.post(command(f, command, next, hops + 1));
                } else {
                    f.completeExceptionally(e);
                }
            } catch (VirtualMachineError e) {
                f.completeExceptionally(e);
                throw e;
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        };
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        for (Owner o : owners) {
            o.wake();
        }
        wakeReader();
        try {
            for (Owner o : owners) {
                o.thread.join(2000);
            }
            if (reader != null) {
                reader.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped(null);
    }

    /**
     * Releases the socket, fails every outstanding future and ends {@link #receive()} once the inbox is empty.
     * Runs on an owner thread when it stops, and on the closing thread; later runs find nothing to do.
     */
    private void stopped(Throwable cause) {
        if (ahead != null) {
            ahead.close();
        }
        try {
            for (Owner o : owners) {
                o.selector.close();
            }
            if (readerSelector != null) {
                readerSelector.close();
            }
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing road socket", e);
        }
        String why = cause == null ? "road stack closed" : "road stack failed: " + cause;
        for (Map.Entry<Long, CompletableFuture<Delivery>> d : deliveries.entrySet()) {
            d.getValue().completeExceptionally(new DeliveryException(d.getKey(), "?", DeliveryFailure.CLOSED, why));
        }
        // Commands that never ran, handshakes and heartbeats under way: every future the stack gave out completes.
        for (CompletableFuture<?> f : List.copyOf(open)) {
            f.completeExceptionally(new IllegalStateException(why, cause));
        }
        synchronized (inbox) {
            if (!endQueued) {
                endQueued = true;
                inbox.add(END);
            }
        }
        if (cause == null) {
            closed.complete(null);
        } else {
            closed.completeExceptionally(cause);
        }
    }

    /** Not closed by close(): a VM failure, a failed socket or a defect outside any one packet stops the stack. */
    private void failed(Throwable cause) {
        synchronized (holdLock) {
            if (!running) {
                return;
            }
            running = false;
        }
        failure = cause != null ? cause : new IllegalStateException("road owner loop ended");
        LOG.error("road stack {} stopped: every pending exchange fails", engine.local().name(), failure);
        for (Owner o : owners) {
            o.wake();
        }
        wakeReader();
        stopped(failure);
    }

    // ------------------------------------------------------------------ reading the socket

    private void wakeReader() {
        if (readerSelector != null && readerSelecting.get()) {
            readerSelector.wakeup();
        }
    }

    /**
     * The reader thread (several shards): while it holds the socket it reads every datagram and hands it to the owner
     * of its remote (see {@link RoadEngine#route}); when {@link #READ_WINDOW} datagrams in a row went to one owner, or
     * all of those of the last {@link #READ_RUN_NANOS}, it hands that owner the socket and waits until it comes back.
     */
    private void read() {
        ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        int lastShard = -1;
        int run = 0;
        long runStart = 0;
        try {
            SelectionKey key = channel.register(readerSelector, 0);
            while (running) {
                boolean holding = readToken == READER;
                key.interestOps(holding ? SelectionKey.OP_READ : 0);
                readerSelecting.set(true);
                if (running && readToken == READER == holding) {
                    readerSelector.select(1000);
                }
                readerSelecting.set(false);
                readerSelector.selectedKeys().clear();
                if (!holding) {
                    lastShard = -1;
                    run = 0;
                    continue;
                }
                for (int i = 0; i < MAX_READS_PER_WAKEUP && running; i++) {
                    buf.clear();
                    InetSocketAddress src = (InetSocketAddress) channel.receive(buf);
                    if (src == null) {
                        break;
                    }
                    byte[] data = Arrays.copyOf(buf.array(), buf.position());
                    int shard = engine.route(data, 0, data.length, src);
                    engine.shard(shard).offer(data, src);
                    if (shard != lastShard) {
                        run = 0;
                        runStart = System.nanoTime();
                    }
                    run++;
                    lastShard = shard;
                }
                if (run >= READ_WINDOW
                        || run >= READ_RUN_MIN && System.nanoTime() - runStart >= READ_RUN_NANOS) {
                    // Everything went to one owner: it reads from now on, with nothing handed over.
                    key.interestOps(0);
                    readToken = lastShard;
                    owners[lastShard].wake();
                }
            }
        } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
            // closed: the stack stops
        } catch (Throwable t) {
            if (running) {
                failed(t);
            }
        }
    }

    // ------------------------------------------------------------------ owner threads

    /** The owner thread of one shard and what it alone touches. */
    private final class Owner {
        final RoadShard shard;
        final Thread thread;
        /** Its own: it waits on it for the socket (when it reads), for a datagram it may send, or a wake-up. */
        final Selector selector;
        /** Datagrams the socket refused for now. */
        final ArrayDeque<Outgoing> unsent = new ArrayDeque<>();
        /** Futures of handshakes, failed when the engine never answers them in time. */
        final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        final AtomicBoolean selecting = new AtomicBoolean();
        volatile Map<String, Long> statsSnapshot = Map.of();
        /** The socket refused a datagram and we wait for OP_WRITE. */
        boolean writeBlocked;
        SelectionKey key;
        /** While reading: which of the last reads were for other owners (a ring of {@link #READ_WINDOW}). */
        private final boolean[] foreign = new boolean[READ_WINDOW];
        private int reads;
        private int foreignReads;

        Owner(RoadShard shard, String name, Selector selector) {
            this.shard = shard;
            this.selector = selector;
            this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        }

        /** Work was posted to the shard: only a blocked owner needs waking. */
        void wake() {
            if (selecting.get()) {
                selector.wakeup();
            }
        }

        void run() {
            Throwable cause = null;
            try {
                loop();
            } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
                cause = running ? e : null;
            } catch (Throwable t) {
                cause = t;
            } finally {
                try {
                    statsSnapshot = shard.stats().snapshot();
                } catch (RuntimeException | Error e) {
                    // keep the last published copy
                }
                if (running) {
                    failed(cause);
                }
            }
        }

        private boolean reading() {
            return readToken == shard.index();
        }

        /**
         * Runs posted work (datagrams the reader or another owner handed over, commands), timers and output; waits on
         * its selector for the next timer, a wake-up, a datagram it may send, and (when it holds the socket) a
         * datagram to read, which it handles at once, as a single owner does.
         */
        private void loop() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
            byte[] array = buf.array();
            key = channel.register(selector, 0);
            int interest = -1;
            long lastStats = 0;
            boolean readBefore = false;
            while (running) {
                long now = System.nanoTime();
                service(now);
                // Answer each datagram handed over at once, as those read here.
                for (int i = 0; i < MAX_POSTED_PER_TURN && running && shard.runPosted(now, 1) > 0; i++) {
                    now = System.nanoTime();
                    service(now);
                }
                if (now - lastStats > 100_000_000L) {
                    statsSnapshot = shard.stats().snapshot();
                    lastStats = now;
                }
                boolean reading = reading();
                int want = (reading ? SelectionKey.OP_READ : 0) | (writeBlocked ? SelectionKey.OP_WRITE : 0);
                if (want != interest) {
                    key.interestOps(want);
                    interest = want;
                }
                long wake = shard.nextWakeup();
                // Round up: a timer less than a millisecond away is served by a 1 ms wait, not by spinning.
                long waitMillis = wake == Long.MIN_VALUE ? 0
                        : Math.max(0, (wake - System.nanoTime() + 999_999L) / 1_000_000L);
                selecting.set(true);
                if (!shard.hasPosted() && waitMillis > 0 && reading == reading()) {
                    selector.select(Math.min(waitMillis, 1000));
                } else {
                    selector.selectNow();
                }
                selecting.set(false);
                selector.selectedKeys().clear();
                if (reading) {
                    if (!readBefore) {
                        // The socket just came here: what the reader handed over before goes first, in its order.
                        while (running && shard.runPosted(now, 1) > 0) {
                            now = System.nanoTime();
                            service(now);
                        }
                    }
                    readSocket(buf, array);
                }
                readBefore = reading;
            }
        }

        /**
         * Drains the socket, answering each datagram of this shard at once (the peer works on our reply while we
         * read the next one) and handing the others to their owners; hands reading back to the reader when they
         * are more than a few.
         */
        private void readSocket(ByteBuffer buf, byte[] array) throws IOException {
            if (ahead != null) {
                readSocketAhead(buf);
                return;
            }
            for (int i = 0; i < MAX_READS_PER_WAKEUP && running; i++) {
                buf.clear();
                InetSocketAddress src = (InetSocketAddress) channel.receive(buf);
                if (src == null) {
                    return;
                }
                boolean other = handleRead(array, buf.position(), src, null, true);
                if (owners.length > 1 && readAndCount(other)) {
                    giveReadingBack();
                    return;
                }
            }
        }

        /**
         * Handles one datagram read here: this shard's at once (with its signature check's answer, if any), another
         * shard's handed to its owner ({@code reused}: the array is read into again, so a copy). Returns whether it
         * was another shard's.
         */
        private boolean handleRead(byte[] data, int len, InetSocketAddress src, CryptoAhead.Check check,
                boolean reused) throws IOException {
            int target = engine.route(data, 0, len, src);
            if (target != shard.index()) {
                engine.shard(target).offer(reused ? Arrays.copyOf(data, len) : data, src);
                return true;
            }
            long rnow = System.nanoTime();
            shard.receive(data, 0, len, src, rnow, check == null ? null : check.result());
            service(rnow);
            return false;
        }

        /** Datagrams for other owners came in: the reader takes the socket back and hands them over. */
        private void giveReadingBack() {
            key.interestOps(writeBlocked ? SelectionKey.OP_WRITE : 0);
            readToken = READER;
            wakeReader();
        }

        private final byte[][] batchData = new byte[AHEAD_BATCH][];
        private final InetSocketAddress[] batchSrc = new InetSocketAddress[AHEAD_BATCH];
        private final CryptoAhead.Check[] batchChecks = new CryptoAhead.Check[AHEAD_BATCH];

        /**
         * {@link #readSocket} with helpers: reads what the socket holds (up to {@link #AHEAD_BATCH} datagrams),
         * hands the signatures of this shard's ones to the helpers, then handles them in their order as
         * {@link #readSocket} does, each with its check's answer; the helpers check the next ones meanwhile.
         */
        private void readSocketAhead(ByteBuffer buf) throws IOException {
            int reads = 0;
            while (reads < MAX_READS_PER_WAKEUP && running) {
                int n = 0;
                while (n < AHEAD_BATCH && running) {
                    buf.clear();
                    InetSocketAddress src = (InetSocketAddress) channel.receive(buf);
                    if (src == null) {
                        break;
                    }
                    byte[] data = Arrays.copyOf(buf.array(), buf.position());
                    batchData[n] = data;
                    batchSrc[n] = src;
                    // Only a datagram for one of this shard's known remotes has a key (its route is decided below).
                    var vk = shard.verifyKeyFor(data, 0, data.length);
                    batchChecks[n] = vk == null ? null : ahead.check(data, vk);
                    n++;
                }
                if (n == 0) {
                    return;
                }
                reads += n;
                ahead.wake();
                boolean handBack = false;
                for (int i = 0; i < n; i++) {
                    byte[] data = batchData[i];
                    InetSocketAddress src = batchSrc[i];
                    CryptoAhead.Check check = batchChecks[i];
                    batchData[i] = null;
                    batchSrc[i] = null;
                    batchChecks[i] = null;
                    boolean other = handleRead(data, data.length, src, check, false);
                    handBack |= owners.length > 1 && readAndCount(other);
                }
                if (handBack) {
                    giveReadingBack();
                    return;
                }
                if (n < AHEAD_BATCH) {
                    return;
                }
            }
        }

        /** Counts one read; whether the last {@link #READ_WINDOW} held {@link #FOREIGN_READS} for other owners. */
        private boolean readAndCount(boolean other) {
            int slot = reads++ % READ_WINDOW;
            foreignReads += (other ? 1 : 0) - (foreign[slot] ? 1 : 0);
            foreign[slot] = other;
            if (foreignReads >= FOREIGN_READS) {
                java.util.Arrays.fill(foreign, false);
                foreignReads = 0;
                return true;
            }
            return false;
        }

        /** Runs commands and handed-over work, due timers, sends what the shard produced and hands out its events. */
        private void service(long now) throws IOException {
            if (shard.nextWakeup() <= now) {
                shard.tick(now);
            }
            flush();
            dispatchEvents();
            updateInboxHold(shard);
            expireDeadlines(now);
        }

        private void flush() throws IOException {
            if (unsent.isEmpty() && signing.isEmpty() && !shard.hasOutgoing()) {
                writeBlocked = false;
                return;
            }
            Outgoing o;
            while ((o = unsent.isEmpty() ? nextOutgoing() : unsent.poll()) != null) {
                int n;
                try {
                    n = channel.send(ByteBuffer.wrap(o.data()), o.to());
                } catch (IOException | RuntimeException e) {
                    // One datagram the socket refuses (an unreachable or unsupported address) is counted and skipped.
                    if (!channel.isOpen()) {
                        throw e instanceof IOException io ? io : new IOException(e);
                    }
                    shard.stats().count(RoadCounter.SEND_ERROR);
                    continue;
                }
                if (n == 0) {
                    // The socket is full: the selector tells when it takes datagrams again.
                    unsent.addFirst(o);
                    writeBlocked = true;
                    return;
                }
            }
            writeBlocked = false;
        }

        /** Datagrams taken from the shard for the helpers to sign, in their order: each goes once it is signed. */
        private final ArrayDeque<Pending> signing = new ArrayDeque<>();

        private record Pending(Outgoing out, CryptoAhead.Signing job) {}

        /**
         * The shard's next datagram to send, signed. With helpers, the datagrams queued with their signature deferred
         * are taken a batch at a time and signed by the helpers while the owner sends the first ones; each goes in
         * its order, once signed (by a helper, or here when none had started it).
         */
        private Outgoing nextOutgoing() {
            if (ahead == null) {
                Outgoing o = shard.pollOutgoing();
                return o == null ? null : o.signed();
            }
            if (signing.isEmpty()) {
                boolean any = false;
                Outgoing o;
                while (signing.size() < AHEAD_BATCH && (o = shard.pollOutgoing()) != null) {
                    CryptoAhead.Signing job = o.signLater() == null ? null : ahead.sign(o.data(), o.signLater());
                    any |= job != null;
                    signing.add(new Pending(o, job));
                }
                if (any) {
                    ahead.wake();
                }
            }
            Pending p = signing.poll();
            if (p == null) {
                return null;
            }
            if (p.job() == null) {
                return p.out();
            }
            if (p.job().finish()) {
                shard.stats().count(RoadCounter.PACKETS_SIGNED_AHEAD);
            }
            return new Outgoing(p.out().data(), p.out().to());
        }

        private void dispatchEvents() {
            RoadEvent e;
            while ((e = shard.pollEvent()) != null) {
                switch (e) {
                    case RoadEvent.Message m -> {
                        inboxBytes.addAndGet(m.size());
                        inbox.add(m);
                    }
                    case RoadEvent.Delivered d -> {
                        CompletableFuture<Delivery> f = deliveries.remove(d.messageId());
                        if (f != null) {
                            f.complete(new Delivery(d.messageId(), d.remote()));
                        }
                    }
                    case RoadEvent.Undelivered u -> {
                        CompletableFuture<Delivery> f = deliveries.remove(u.messageId());
                        if (f != null) {
                            f.completeExceptionally(new DeliveryException(u.messageId(), u.remote(), u.reason(),
                                    u.detail()));
                        }
                    }
                    case RoadEvent.Joined j -> complete(joins.remove(j.address()), f -> f.complete(j.remote()));
                    case RoadEvent.JoinFailed j -> {
                        complete(joins.remove(j.address()),
                                f -> f.completeExceptionally(new JoinException(j.remote(), j.address(), j.reason())));
                        if (j.remote() != null) {
                            complete(allows.remove(j.remote()), f -> f.completeExceptionally(
                                    new JoinException(j.remote(), j.address(), j.reason())));
                        }
                    }
                    case RoadEvent.Allowed a -> complete(allows.remove(a.remote()), f -> f.complete(null));
                    case RoadEvent.AllowFailed a -> complete(allows.remove(a.remote()),
                            f -> f.completeExceptionally(new IllegalStateException("allow failed: " + a.reason())));
                    default -> {}
                }
                for (Consumer<RoadEvent> l : listeners) {
                    try {
                        l.accept(e);
                    } catch (VirtualMachineError ex) {
                        throw ex;
                    } catch (RuntimeException | Error ex) {
                        shard.stats().count(RoadCounter.LISTENER_ERROR);
                        LOG.warn("road event listener failed", ex);
                    }
                }
            }
        }

        private void expireDeadlines(long now) {
            while (!deadlines.isEmpty() && (deadlines.peek().future.isDone() || deadlines.peek().at - now <= 0)) {
                Deadline d = deadlines.poll();
                if (!d.future.isDone()) {
                    d.future.completeExceptionally(new java.util.concurrent.TimeoutException(d.what + " timed out"));
                }
            }
        }
    }


    private static <T> void complete(List<CompletableFuture<T>> futures, Consumer<CompletableFuture<T>> action) {
        if (futures != null) {
            futures.forEach(action);
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a road stack; every setting has a default but the name. */
    public static final class Builder {
        private String name;
        private String role;
        private boolean main;
        private int kind;
        private String host = "127.0.0.1";
        private int port = 7530;
        private Path keep;
        private io.raet.keep.RoadKeep openKeep;
        private io.raet.keep.PassphraseSource passphrase;
        private SigningKey signer;
        private BoxKeyPair boxKeys;
        private RoadConfig config = RoadConfig.defaults();
        private String fqdn = "localhost";
        private boolean newIdentity;
        private int shards = Runtime.getRuntime().availableProcessors();
        private int cryptoThreads;

        private Builder() {}

        /**
         * This estate's name (required).
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The role it joins with (default: its name).
         *
         * @param role the role
         * @return this builder
         */
        public Builder role(String role) {
            this.role = role;
            return this;
        }

        /**
         * Whether other estates may join this one.
         *
         * @param main whether they may
         * @return this builder
         */
        public Builder main(boolean main) {
            this.main = main;
            return this;
        }

        /**
         * The estate's kind, a number the application gives (default 0).
         *
         * @param kind the kind
         * @return this builder
         */
        public Builder kind(int kind) {
            this.kind = kind;
            return this;
        }

        /**
         * The address to bind (default {@code 127.0.0.1}).
         *
         * @param host the host
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * UDP port; 0 reuses the port kept from the last run, or picks a free one.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Keep directory: keys and remotes persist there. Without one the stack keeps nothing on disk.
         *
         * @param dir the keep directory
         * @return this builder
         */
        public Builder keep(Path dir) {
            this.keep = dir;
            this.openKeep = null;
            return this;
        }

        /**
         * A keep already opened by the caller (unlocked with its passphrase when sealed): the stack keeps its keys and
         * remotes there, and the caller may go on using it (to accept roles, say) while the stack runs.
         *
         * @param keep the open keep
         * @return this builder
         */
        public Builder keep(io.raet.keep.RoadKeep keep) {
            this.openKeep = keep;
            this.keep = keep == null ? null : keep.dir();
            return this;
        }

        /**
         * Where the passphrase of a sealed keep comes from (docs/keep.md): the keep directory is opened with
         * {@code new RoadKeep(dir, passphrase)}, which unlocks a sealed keep, seals a new one, and loads a plain one
         * with a warning. Without it a sealed keep cannot start a stack (its keys stay locked).
         *
         * @param passphrase where the passphrase comes from
         * @return this builder
         */
        public Builder passphrase(io.raet.keep.PassphraseSource passphrase) {
            this.passphrase = passphrase;
            return this;
        }

        /**
         * The long-term keys of a new estate (default: new ones).
         *
         * @param signer the signing key
         * @param boxKeys the box key pair
         * @return this builder
         */
        public Builder keys(SigningKey signer, BoxKeyPair boxKeys) {
            this.signer = signer;
            this.boxKeys = boxKeys;
            return this;
        }

        /**
         * How joins from unknown estates are accepted.
         *
         * @param auto the auto mode
         * @return this builder
         */
        public Builder auto(AutoMode auto) {
            this.config = config.withAuto(auto);
            return this;
        }

        /**
         * How message bodies are serialized (default JSON).
         *
         * @param bk the body kind
         * @return this builder
         */
        public Builder bodyKind(BodyKind bk) {
            this.config = config.withBodyKind(bk);
            return this;
        }

        /**
         * Every setting of the road ({@link RoadConfig}).
         *
         * @param config the settings
         * @return this builder
         */
        public Builder config(RoadConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Bounds kept whatever peers send (replaces those of the config given so far).
         *
         * @param limits the bounds
         * @return this builder
         */
        public Builder limits(RoadLimits limits) {
            this.config = config.withLimits(limits);
            return this;
        }

        /**
         * The host name this estate announces in its join (default {@code localhost}).
         *
         * @param fqdn the name
         * @return this builder
         */
        public Builder fqdn(String fqdn) {
            this.fqdn = fqdn;
            return this;
        }

        /**
         * Lets a keep that holds remote estates but lost the local identity ({@code local/estate.json} or
         * {@code role/local/role.json}) start with a new one. Without it such a keep is refused: every remote that
         * knew this estate would refuse the new keys.
         *
         * @param allowed whether a new identity is allowed
         * @return this builder
         */
        public Builder newIdentity(boolean allowed) {
            this.newIdentity = allowed;
            return this;
        }

        /**
         * Owner threads (the engine's shards): each runs the remotes that fall to it, their handshakes, messages and
         * signatures; with several, a reader thread reads the socket for them. 1 runs everything on one owner thread
         * that reads the socket itself. Default: the number of cores.
         *
         * @param n the number of owner threads, at least 1
         * @return this builder
         */
        public Builder shards(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a road stack needs at least one shard, not " + n);
            }
            this.shards = n;
            return this;
        }

        /**
         * The same as {@link #shards(int)}: one owner thread per shard.
         *
         * @param n the number of owner threads, at least 1
         * @return this builder
         */
        public Builder threads(int n) {
            return shards(n);
        }

        /**
         * Helper threads that do the owner threads' Ed25519 work ahead of them: they check the signatures of the
         * datagrams the owner reading the socket has not come to yet, and sign the segments of large messages an
         * owner is about to send. So one busy remote (a large message, a fast sender) has its signatures and
         * verifications, the largest costs of the road, spread over several cores; its owner still handles and
         * sends its datagrams one by one, in their order, and does itself any work no helper came to first. Worth it
         * on a machine with cores to spare; the helpers spin a moment after each batch before they sleep. Default 0:
         * none.
         *
         * @param n the number of helper threads, 0 or more
         * @return this builder
         */
        public Builder cryptoThreads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("crypto threads cannot be negative: " + n);
            }
            this.cryptoThreads = n;
            return this;
        }

        /**
         * Opens the keep, binds the socket and starts the owner threads.
         *
         * @return the running stack
         * @throws IllegalArgumentException when the name is missing or the port out of range
         * @throws UncheckedIOException when the socket cannot be bound or the keep cannot be opened
         */
        public RoadStack build() {
            if (name == null) {
                throw new IllegalArgumentException("a road stack needs a name");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            try {
                io.raet.keep.RoadKeep k = openKeep != null ? openKeep
                        : keep == null ? null : new io.raet.keep.RoadKeep(keep, passphrase);
                StackSetup setup = StackSetup.prepare(name, role, main, kind, signer, boxKeys, fqdn, k,
                        newIdentity);
                // Peers reply to the address they have on record: a restarted estate binds its kept port.
                int bindPort = port == 0 ? setup.storedPort() : port;
                InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(host), bindPort);
                DatagramChannel ch = DatagramChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 * 1024 * 1024);
                    bind(ch, bind, port == 0 && bindPort != 0);
                    ch.configureBlocking(false);
                    InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
                    RoadEngine engine = setup.engine(config, bound, shards);
                    return new RoadStack(engine, ch, cryptoThreads);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
            } catch (java.net.UnknownHostException e) {
                throw new UncheckedIOException("cannot open road socket on " + host + ":" + port
                        + ": the host name does not resolve to an address of this machine", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open road socket on " + host + ":" + port + ": "
                        + (e instanceof java.net.BindException ? e.getMessage() : e.toString()), e);
            }
        }

        /** Binds, or fails with a {@link java.net.BindException} that names the address and what to do. */
        private static void bind(DatagramChannel ch, InetSocketAddress at, boolean keptPort) throws IOException {
            try {
                ch.bind(at);
            } catch (java.net.BindException e) {
                String os = String.valueOf(e.getMessage());
                String where = at.getAddress().getHostAddress() + ":" + at.getPort();
                String why;
                if (os.contains("in use")) {
                    why = "UDP " + where + " is in use by another socket" + (keptPort ? " (the port kept from the"
                            + " last run)" : "") + ": choose another port, or port 0 for any free one";
                } else if (os.contains("assign")) {
                    why = at.getAddress().getHostAddress() + " is not an address of this machine: bind to one of"
                            + " its addresses, or 0.0.0.0 for all of them";
                } else if (os.contains("ermission")) {
                    why = "binding UDP " + where + " is not permitted: choose a port above 1023";
                } else {
                    why = "cannot bind UDP " + where + ": " + os;
                }
                java.net.BindException b = new java.net.BindException(why);
                b.initCause(e);
                throw b;
            }
        }
    }
}
