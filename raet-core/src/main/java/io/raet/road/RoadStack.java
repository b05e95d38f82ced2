package io.raet.road;

import io.raet.codec.BodyKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.core.Outgoing;
import io.raet.road.core.RoadCounter;
import io.raet.road.core.RoadEngine;
import io.raet.road.core.StackSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RAET road estate on one UDP socket: the {@link RoadEngine} driven by one owner thread.
 *
 * <p>Application threads talk to it through thread-safe methods: {@link #join}, {@link #allow}, {@link #send}
 * (a {@link CompletableFuture} completed when the remote acknowledges the whole message), a blocking
 * {@link #receive()} that parks virtual threads cheaply, and presence/handshake events through
 * {@link #onEvent}. Close it to release the socket.
 *
 * <p>The inbox of received messages is bounded ({@link RoadLimits#inboxMessages()},
 * {@link RoadLimits#inboxBytes()}): when the application does not keep up, the stack stops accepting new messages
 * until it reads again, and senders retry. Nothing one packet, command, timer or listener throws stops the owner
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
    /** Datagrams read per selector wake-up before timers and the selector get a turn again. */
    private static final int MAX_READS_PER_WAKEUP = 256;

    private final RoadEngine engine;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread owner;
    private final InetSocketAddress address;
    private final ConcurrentLinkedQueue<Consumer<Long>> commands = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<RoadEvent.Message> inbox = new LinkedBlockingQueue<>();
    /** Put in the inbox when the stack stops: {@link #receive()} then throws. */
    private static final RoadEvent.Message END = new RoadEvent.Message(null, null, Map.of(), 0);
    /** Bytes of the messages in the inbox (their {@link RoadEvent.Message#size()}). */
    private final AtomicLong inboxBytes = new AtomicLong();
    /** The engine was told to stop accepting messages because the inbox is full (owner thread writes). */
    private volatile boolean inboxHeld;
    /** A reader asked the owner to look at the inbox again. */
    private final AtomicBoolean resumeAsked = new AtomicBoolean();
    private final RoadLimits limits;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Throwable failure;
    private volatile boolean endQueued;
    private final List<Consumer<RoadEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<Delivery>> deliveries = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, List<CompletableFuture<String>>> joins = new HashMap<>();
    private final Map<String, List<CompletableFuture<Void>>> allows = new HashMap<>();
    /** Every future handed out and not completed yet: failed when the stack stops. */
    private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
    /** Owner thread only: futures of handshakes, failed when the engine never answers them in time. */
    private final java.util.PriorityQueue<Deadline> deadlines = new java.util.PriorityQueue<>(
            (a, b) -> Long.compare(a.at, b.at));

    private record Deadline(long at, CompletableFuture<?> future, String what) {}
    private final ArrayDeque<Outgoing> unsent = new ArrayDeque<>();
    private volatile boolean running = true;
    /** Owner thread only: the socket refused a datagram and we wait for OP_WRITE. */
    private boolean writeBlocked;
    private final java.util.concurrent.atomic.AtomicBoolean selecting = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Map<String, Long> statsSnapshot = Map.of();
    private volatile Map<String, Long> levelsSnapshot = Map.of();

    private RoadStack(RoadEngine engine, DatagramChannel channel, Selector selector) throws IOException {
        this.engine = engine;
        this.limits = engine.config().limits();
        this.channel = channel;
        this.selector = selector;
        this.address = (InetSocketAddress) channel.getLocalAddress();
        this.owner = Thread.ofPlatform().name("raet-road-" + engine.local().name()).daemon(true).unstarted(this::run);
        this.owner.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The local address the socket is bound to. */
    public InetSocketAddress address() {
        return address;
    }

    public String name() {
        return engine.local().name();
    }

    /** The role this estate joins with. */
    public String role() {
        return engine.local().role();
    }

    public SigningKey signingKey() {
        return engine.local().signer();
    }

    public BoxKeyPair boxKeys() {
        return engine.local().boxKeys();
    }

    // ------------------------------------------------------------------ application API

    /**
     * Joins the estate at {@code remote}; completes with the remote's name once keys are exchanged, or fails with a
     * {@link JoinException} saying why (what the remote answered, or a timeout). An unresolved address fails the
     * future at once with an {@link IllegalArgumentException}: resolve the host first.
     */
    public CompletableFuture<String> join(InetSocketAddress remote) {
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot join " + remote.getHostString()
                    + ":" + remote.getPort() + ": the host name does not resolve to an address"));
        }
        CompletableFuture<String> f = future();
        submit(f, now -> {
            joins.computeIfAbsent(remote, k -> new ArrayList<>()).add(f);
            expireAt(now, handshakeLimit(), f, "join with " + remote);
            engine.join(remote, now);
        });
        return f;
    }

    /**
     * Runs the allow handshake with a joined remote (joining first when it is not); completes when the session is
     * open, at once when it is open already and no allow is under way.
     */
    public CompletableFuture<Void> allow(String remote) {
        CompletableFuture<Void> f = future();
        submit(f, now -> {
            if (engine.remote(remote) == null) {
                f.completeExceptionally(new IllegalArgumentException("unknown remote: " + remote));
                return;
            }
            if (engine.allowed(remote) && !engine.allowing(remote)) {
                f.complete(null);
                return;
            }
            allows.computeIfAbsent(remote, k -> new ArrayList<>()).add(f);
            expireAt(now, handshakeLimit(), f, "allow with " + remote);
            engine.allow(remote, now);
        });
        return f;
    }

    /**
     * Sends a heartbeat to the remote now (joining and allowing first as needed); completes when the remote
     * answers, or fails: with a {@link java.util.concurrent.TimeoutException} when it does not answer, an
     * {@link IllegalStateException} saying why when it refuses or a handshake fails.
     */
    public CompletableFuture<Void> alive(String remote) {
        CompletableFuture<Void> f = future();
        submit(f, now -> {
            expireAt(now, handshakeLimit() + engine.config().aliveTimeout().toNanos(), f, "heartbeat of " + remote);
            engine.alive(remote, now, reason -> {
                if (reason == null) {
                    f.complete(null);
                } else if (reason.equals("timeout")) {
                    f.completeExceptionally(new java.util.concurrent.TimeoutException(
                            "no answer from " + remote + " to a heartbeat"));
                } else {
                    f.completeExceptionally(new IllegalStateException("heartbeat of " + remote + ": " + reason));
                }
            });
        });
        return f;
    }

    /** The remotes this estate knows now (joined or not), taken on the owner thread. */
    public CompletableFuture<List<RemoteInfo>> remotes() {
        return inspect(RoadEngine::remoteInfos);
    }

    /** The remote of that name as this estate knows it now, if there is one. */
    public CompletableFuture<java.util.Optional<RemoteInfo>> remote(String name) {
        return inspect(e -> java.util.Optional.ofNullable(e.remoteInfo(name)));
    }

    /** Joins waiting for an operator's decision (each was announced by a {@link RoadEvent.JoinPending}). */
    public CompletableFuture<List<RoadEvent.JoinPending>> pendingJoins() {
        return inspect(e -> e.pendingJoins(System.nanoTime()));
    }

    /**
     * Operator: accepts a pending join's name, role and keys (see {@link RoadEngine#acceptJoin}); a joiner still
     * waiting is answered at once, a later join with exactly this identity is accepted.
     */
    public CompletableFuture<Void> acceptJoin(RoadEvent.JoinPending pending) {
        return inspect(e -> {
            e.acceptJoin(pending, System.nanoTime());
            return null;
        });
    }

    /** Operator: rejects a pending join; completes with whether it was pending. */
    public CompletableFuture<Boolean> rejectJoin(RoadEvent.JoinPending pending) {
        return inspect(e -> e.rejectJoin(pending, System.nanoTime()));
    }

    public CompletableFuture<Delivery> send(String remote, Map<String, ?> body) {
        return send(remote, body, null);
    }

    /**
     * Sends a message; the future completes when the remote has the whole message, or exceptionally with a
     * {@link DeliveryException}. A remote that is not yet allowed is allowed first.
     */
    public CompletableFuture<Delivery> send(String remote, Map<String, ?> body, MessageOptions options) {
        CompletableFuture<Delivery> f = future();
        submit(f, now -> {
            long id = engine.send(remote, body, options, now);
            deliveries.put(id, f);
        });
        return f;
    }

    /**
     * Blocks until a message arrives.
     *
     * @throws IllegalStateException when the stack is closed (or failed) and every message it received was taken
     */
    public RoadEvent.Message receive() throws InterruptedException {
        return taken(inbox.take());
    }

    /**
     * Waits up to {@code timeout} for a message; null when none came.
     *
     * @throws IllegalStateException when the stack is closed (or failed) and every message it received was taken
     */
    public RoadEvent.Message receive(Duration timeout) throws InterruptedException {
        return taken(inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Messages received and not yet taken by {@link #receive()}. */
    public int inboxSize() {
        int n = inbox.size();
        return endQueued ? Math.max(0, n - 1) : n;
    }

    /** Bytes of the messages received and not yet taken (their {@link RoadEvent.Message#size()}). */
    public long inboxBytes() {
        return inboxBytes.get();
    }

    /**
     * Completes when the stack stops: normally after {@link #close()}, exceptionally (with the cause) when a VM
     * failure or a socket failure stopped it.
     */
    public CompletableFuture<Void> closed() {
        return closed.copy();
    }

    /** Whether the stack still runs (not closed, not failed). */
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
                commands.add(now -> resumeAsked.set(false));
                selector.wakeup();
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

    /** Owner thread: stops the engine accepting messages while the inbox is full, resumes below three quarters. */
    private void updateInboxHold() {
        if (!inboxHeld && inboxFull()) {
            inboxHeld = true;
            engine.acceptMessages(false);
            engine.stats().count(RoadCounter.INBOX_HELD);
        } else if (inboxHeld && belowLowWater()) {
            inboxHeld = false;
            engine.acceptMessages(true);
        }
    }

    /** Listens to every event (joined, allowed, alive, dead, …) on the owner thread; keep the listener quick. */
    public void onEvent(Consumer<RoadEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Counters of the engine ({@code packets_received}, {@code dropped}, {@code drop_<reason>}, each bound of
     * {@link RoadLimits} hit, …; how full the bounded queues are is in {@link #levels()}): a current copy taken on
     * the owner thread, or the last one it published when the stack is closed or does not answer within a second.
     */
    public Map<String, Long> stats() {
        return onOwner(e -> e.stats().snapshot(), () -> statsSnapshot);
    }

    /**
     * Current levels, by name: {@code remotes}, {@code remotes_joined}, {@code remotes_allowed},
     * {@code remotes_alive}, {@code messages_in_flight} (sent and not yet delivered or failed), and the queue depths
     * {@code queue_inbox} and {@code queue_inbox_bytes} (messages received and not yet taken by {@link #receive()}),
     * {@code incomplete_messages} and {@code incomplete_bytes} (incoming messages being reassembled),
     * {@code queue_waiting_allow} (messages waiting for their remote to be allowed), {@code queue_commands} (calls
     * waiting for the owner thread) and {@code queue_unsent} (datagrams the socket has not taken yet). Taken on the owner thread like
     * {@link #stats()}; the last levels taken when the stack is closed or does not answer within a second.
     */
    public Map<String, Long> levels() {
        Map<String, Long> m = onOwner(this::levelsNow, () -> levelsSnapshot);
        levelsSnapshot = m;
        return m;
    }

    /** Owner thread only. */
    private Map<String, Long> levelsNow(RoadEngine e) {
        Map<String, Long> engineLevels = e.levels();
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String k : List.of("remotes", "remotes_joined", "remotes_allowed", "remotes_alive")) {
            m.put(k, engineLevels.get(k));
        }
        m.put("messages_in_flight", (long) deliveries.size());
        m.put("queue_inbox", (long) inbox.size());
        m.put("queue_inbox_bytes", inboxBytes.get());
        for (String k : List.of("incomplete_messages", "incomplete_bytes", "queue_waiting_allow")) {
            m.put(k, engineLevels.get(k));
        }
        m.put("queue_commands", (long) commands.size());
        m.put("queue_unsent", (long) unsent.size());
        return m;
    }

    /** {@code query} answered on the owner thread, or {@code fallback} when closed, on the owner, or after a second. */
    private <T> T onOwner(java.util.function.Function<RoadEngine, T> query, java.util.function.Supplier<T> fallback) {
        if (running && Thread.currentThread() != owner) {
            try {
                return inspect(query).get(1, java.util.concurrent.TimeUnit.SECONDS);
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
     * Runs {@code query} on the owner thread with the engine and returns its result. Not API: for this package
     * (and its tests) only; applications use {@link #remotes()}, {@link #stats()} and {@link #levels()}.
     */
    <T> CompletableFuture<T> inspect(java.util.function.Function<RoadEngine, T> query) {
        CompletableFuture<T> f = future();
        submit(f, now -> f.complete(query.apply(engine)));
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
        deadlines.add(new Deadline(now + after, f, what));
    }

    private void expireDeadlines(long now) {
        while (!deadlines.isEmpty() && (deadlines.peek().future.isDone() || deadlines.peek().at - now <= 0)) {
            Deadline d = deadlines.poll();
            if (!d.future.isDone()) {
                d.future.completeExceptionally(new java.util.concurrent.TimeoutException(d.what + " timed out"));
            }
        }
    }

    /**
     * Queues a command for the owner thread; {@code f} fails with what the command throws, or at once when the
     * stack is closed.
     */
    private void submit(CompletableFuture<?> f, Consumer<Long> command) {
        try {
            submit(now -> {
                try {
                    command.accept(now);
                } catch (VirtualMachineError e) {
                    f.completeExceptionally(e);
                    throw e;
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (IllegalStateException e) {
            f.completeExceptionally(e);
        }
    }

    private void submit(Consumer<Long> command) {
        if (!running) {
            throw new IllegalStateException("road stack is closed");
        }
        commands.add(command);
        // Only a blocked owner needs the wake-up system call; it re-checks the queue after announcing itself.
        if (selecting.get()) {
            selector.wakeup();
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            owner.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped(null);
    }

    /**
     * Releases the socket, fails every outstanding future and ends {@link #receive()} once the inbox is empty.
     * Runs on the owner thread when it stops, and on the closing thread; the second run finds nothing to do.
     */
    private void stopped(Throwable cause) {
        try {
            selector.close();
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

    // ------------------------------------------------------------------ owner thread

    private void run() {
        Throwable cause = null;
        try {
            loop();
        } catch (Throwable t) {
            cause = t;
        } finally {
            try {
                statsSnapshot = engine.stats().snapshot();
            } catch (RuntimeException | Error e) {
                // keep the last published copy
            }
            if (running) {
                // Not closed by close(): a VM failure, a failed socket or a defect outside any one packet.
                running = false;
                failure = cause != null ? cause : new IllegalStateException("road owner loop ended");
                LOG.error("road stack {} stopped: every pending exchange fails", engine.local().name(), failure);
                stopped(failure);
            }
        }
    }

    private void loop() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        byte[] array = buf.array();
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        long lastStats = 0;
        while (running) {
            long now = System.nanoTime();
            service(key, now);
            if (now - lastStats > 100_000_000L) {
                statsSnapshot = engine.stats().snapshot();
                lastStats = now;
            }
            long wake = engine.nextWakeup();
            // Round up: a timer less than a millisecond away is served by a 1 ms wait, not by spinning.
            long waitMillis = wake == Long.MIN_VALUE ? 0
                    : Math.max(0, (wake - System.nanoTime() + 999_999L) / 1_000_000L);
            selecting.set(true);
            if (commands.isEmpty() && waitMillis > 0) {
                selector.select(Math.min(waitMillis, 1000));
            } else {
                selector.selectNow();
            }
            selecting.set(false);
            selector.selectedKeys().clear();
            // Drain the socket, answering each datagram at once: the peer works on our reply while we read
            // the next one, instead of the two sides taking turns at whole batches.
            for (int i = 0; i < MAX_READS_PER_WAKEUP && running; i++) {
                buf.clear();
                InetSocketAddress src = (InetSocketAddress) channel.receive(buf);
                if (src == null) {
                    break;
                }
                long rnow = System.nanoTime();
                engine.receive(array, 0, buf.position(), src, rnow);
                service(key, rnow);
            }
        }
    }

    /** Runs queued commands and due timers, sends what the engine produced and hands out its events. */
    private void service(SelectionKey key, long now) throws IOException {
        Consumer<Long> c;
        while ((c = commands.poll()) != null) {
            try {
                c.accept(now);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                engine.stats().count(RoadCounter.COMMAND_ERROR);
                LOG.warn("road command failed", e);
            }
        }
        if (engine.nextWakeup() <= now) {
            engine.tick(now);
        }
        flush(key);
        dispatchEvents();
        updateInboxHold();
        expireDeadlines(now);
    }

    private void flush(SelectionKey key) throws IOException {
        if (unsent.isEmpty() && !engine.hasOutgoing()) {
            if (writeBlocked) {
                writeBlocked = false;
                key.interestOps(SelectionKey.OP_READ);
            }
            return;
        }
        Outgoing o;
        while ((o = unsent.isEmpty() ? engine.pollOutgoing() : unsent.poll()) != null) {
            int n;
            try {
                n = channel.send(ByteBuffer.wrap(o.data()), o.to());
            } catch (IOException | RuntimeException e) {
                // One datagram the socket refuses (an unreachable or unsupported address) is counted and skipped.
                if (!channel.isOpen()) {
                    throw e instanceof IOException io ? io : new IOException(e);
                }
                engine.stats().count(RoadCounter.SEND_ERROR);
                continue;
            }
            if (n == 0) {
                unsent.addFirst(o);
                if (!writeBlocked) {
                    writeBlocked = true;
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                return;
            }
        }
        if (writeBlocked) {
            writeBlocked = false;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void dispatchEvents() {
        RoadEvent e;
        while ((e = engine.pollEvent()) != null) {
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
                        complete(allows.remove(j.remote()),
                                f -> f.completeExceptionally(new JoinException(j.remote(), j.address(), j.reason())));
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
                    engine.stats().count(RoadCounter.LISTENER_ERROR);
                    LOG.warn("road event listener failed", ex);
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

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder main(boolean main) {
            this.main = main;
            return this;
        }

        public Builder kind(int kind) {
            this.kind = kind;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** UDP port; 0 reuses the port kept from the last run, or picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Keep directory: keys and remotes persist there. Without one the stack keeps nothing on disk. */
        public Builder keep(Path dir) {
            this.keep = dir;
            this.openKeep = null;
            return this;
        }

        /**
         * A keep already opened by the caller (unlocked with its passphrase when sealed): the stack keeps its keys and
         * remotes there, and the caller may go on using it (to accept roles, say) while the stack runs.
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
         */
        public Builder passphrase(io.raet.keep.PassphraseSource passphrase) {
            this.passphrase = passphrase;
            return this;
        }

        public Builder keys(SigningKey signer, BoxKeyPair boxKeys) {
            this.signer = signer;
            this.boxKeys = boxKeys;
            return this;
        }

        public Builder auto(AutoMode auto) {
            this.config = config.withAuto(auto);
            return this;
        }

        public Builder bodyKind(BodyKind bk) {
            this.config = config.withBodyKind(bk);
            return this;
        }

        public Builder config(RoadConfig config) {
            this.config = config;
            return this;
        }

        /** Bounds kept whatever peers send (replaces those of the config given so far). */
        public Builder limits(RoadLimits limits) {
            this.config = config.withLimits(limits);
            return this;
        }

        public Builder fqdn(String fqdn) {
            this.fqdn = fqdn;
            return this;
        }

        /**
         * Lets a keep that holds remote estates but lost the local identity ({@code local/estate.json} or
         * {@code role/local/role.json}) start with a new one. Without it such a keep is refused: every remote that
         * knew this estate would refuse the new keys.
         */
        public Builder newIdentity(boolean allowed) {
            this.newIdentity = allowed;
            return this;
        }

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
                    RoadEngine engine = setup.engine(config, bound);
                    return new RoadStack(engine, ch, Selector.open());
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
