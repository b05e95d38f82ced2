package io.raet.lane;

import io.raet.agent.Agent;
import io.raet.agent.AgentClosedException;
import io.raet.agent.AgentRunner;
import io.raet.agent.Command;
import io.raet.agent.Deadlines;
import io.raet.agent.DistinctErrorLog;
import io.raet.agent.SignalledIdleStrategy;
import io.raet.codec.PackKind;
import io.raet.lane.core.LaneConfig;
import io.raet.lane.core.LaneCounter;
import io.raet.lane.core.LaneDrop;
import io.raet.lane.core.LaneEngine;
import io.raet.lane.core.LaneYard;
import io.raet.lane.core.UxdSocket;
import io.raet.util.FairQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane yard: a {@link LaneEngine} on a {@link UxdSocket} bound at {@code <dir>/<lane>.<name>.uxd} (mode 0600).
 *
 * <p>One platform thread owns the engine and the socket, as an agent ({@code io.raet.agent}): each duty cycle runs
 * the queued commands ({@link #send}, yard changes, queries), the engine's due timers, writes the pages that are
 * ready, reads what the socket holds (reassembling pages and queueing whole messages for {@link #receive()}) and
 * completes the futures of the messages that ended. With nothing to do it waits in {@code poll} on the socket until
 * the engine's next timer; a command wakes it with an empty datagram to itself. A destination whose queue is full
 * (the kernel holds only {@code net.unix.max_dgram_qlen} datagrams) is retried with a growing pause while other
 * destinations go on; if it makes no progress for the send timeout its queued messages fail with
 * {@link LaneException.Kind#BUSY}. A destination without a socket fails with {@link LaneException.Kind#PEER_GONE}
 * and is removed, as the reference does. Callers never block in {@link #send}: the body is serialized on the
 * caller's thread and handed to the owner. Futures complete on the owner thread: what depends on them must not
 * block.
 *
 * <p>Every queue is bounded. Messages for one destination wait in a queue per <em>source</em> (a name the caller
 * gives, e.g. the yard or estate a router forwards for; {@code ""} by default), and the sources take turns, one
 * message each, so a source that floods a destination delays the others by one message at a time, not by its whole
 * backlog; destinations take turns too ({@value LaneEngine#PAGES_PER_TURN} pages at most). A send beyond a
 * destination's bound ({@link Builder#maxQueued}, {@link Builder#maxQueuedPerSource},
 * {@link Builder#maxQueuedBytes}), or beyond the owner's command queue ({@link Builder#commandQueue}), fails without
 * waiting for the destination, with {@link LaneException.Kind#QUEUE_FULL} (counted {@code tx_queue_full}; a full
 * command queue also {@code command_queue_full}). Received messages wait for {@link #receive()} in the same way,
 * per sending yard, taken in turns; when the inbox is full the owner stops reading the socket (the senders' sockets
 * fill: back pressure) and goes on sending, and a yard holding its whole share of the inbox
 * ({@link Builder#inboxPerSource}) has its further messages dropped (counted {@code inbox_source_full}).
 *
 * <p>No exception from one datagram or one send ends the owner: it is counted ({@code receive_error},
 * {@code send_error}) and the owner goes on. A {@link VirtualMachineError} closes the stack loudly: logged, every
 * queued send failed, {@link #receive()} throwing, {@link #failure()} telling why.
 *
 * <pre>{@code
 * try (LaneStack main = LaneStack.builder().lane("maple").name("main").dir(dir).build()) {
 *     LaneMessage m = main.receive();
 *     main.send(m.from(), Map.of("reply", "ok")).join();
 * }
 * }</pre>
 */
public final class LaneStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LaneStack.class);
    private static final int POLL_MILLIS = 250;
    /** Longest wait of the owner with nothing to do (a safety net; commands and timers wake it earlier). */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RECEIVE_ERROR_PAUSE = TimeUnit.MILLISECONDS.toNanos(50);
    /** Default bound on the messages queued for one destination. */
    public static final int DEFAULT_MAX_QUEUED = LaneConfig.DEFAULT_MAX_QUEUED;
    /** Default bound on the bytes queued for one destination. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = LaneConfig.DEFAULT_MAX_QUEUED_BYTES;
    /** Default bound on the commands (sends, yard changes, queries) waiting for the owner thread. */
    public static final int DEFAULT_COMMAND_QUEUE = 16_384;
    /** Most datagrams read in one round of a duty cycle. */
    static final int READS_PER_ROUND = 16;
    /** Most pages written in one round of a duty cycle. */
    static final int PAGES_PER_ROUND = 32;
    /**
     * Most rounds of writing and reading in one duty cycle: short rounds keep the socket's receive queue (only
     * {@code net.unix.max_dgram_qlen} datagrams) drained while much is written, so senders are not turned away.
     */
    static final int ROUNDS_PER_CYCLE = 8;

    private final LaneEngine engine;
    private final UxdSocket socket;
    private final int inboxCapacity;
    private final int inboxPerSource;
    private final SocketIdle idle = new SocketIdle();
    private final AgentRunner runner;
    private volatile boolean closing;
    private volatile Throwable failure;
    /** Sees each received message before it is queued, on the owner thread (tests put faults here). */
    volatile java.util.function.Consumer<LaneMessage> receivedHook = m -> { };
    private final List<Runnable> receivable = new CopyOnWriteArrayList<>();

    // What the owner publishes for other threads.
    private volatile List<String> yardList = List.of();
    private volatile Set<String> yardSet = Set.of();
    private volatile int partialBooksLevel;
    private volatile long partialBytesLevel;
    private volatile int queuedLevel;

    private final ReentrantLock rxLock = new ReentrantLock();
    private final Condition rxReady = rxLock.newCondition();
    /** Received messages by sending yard. Guarded by rxLock; added to by the owner only. */
    private final FairQueue<LaneMessage> inbox = new FairQueue<>();
    /** The inbox's size, readable without the lock. */
    private volatile int inboxCount;

    /** Closing the socket and the owner's wake-up datagram exclude each other (a closed descriptor may be reused). */
    private final Object socketLock = new Object();
    private boolean socketClosed;

    private LaneStack(Builder b, LaneConfig config) throws UxdException {
        this.engine = new LaneEngine(config);
        for (String y : b.yards) {
            engine.addYard(y);
        }
        for (Map.Entry<String, Path> e : b.yardPaths.entrySet()) {
            engine.addYard(e.getKey(), e.getValue());
        }
        this.inboxCapacity = b.inboxCapacity;
        this.inboxPerSource = b.inboxPerSource;
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new UxdException("cannot create the socket directory " + config.dir() + ": " + e.getMessage(), 0, e);
        }
        this.socket = UxdSocket.bind(config.ha(), b.bufferSize);
        publish();
        this.runner = new AgentRunner(new Owner(), idle, b.commandQueue);
        // A platform thread: the socket poll is a native call, which would pin a virtual thread's carrier.
        runner.start(Thread.ofPlatform().daemon());
    }

    /** {@return a builder with every setting at its default} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return this yard's name} */
    public String name() {
        return engine.name();
    }

    /** {@return the lane name} */
    public String lane() {
        return engine.config().lane();
    }

    /** {@return the socket path} */
    public Path ha() {
        return socket.path();
    }

    /** The socket itself (for its buffer sizes; tests). */
    UxdSocket socket() {
        return socket;
    }

    /**
     * Adds the yard {@code name} of this lane in this yard's directory (nothing once closed).
     *
     * @param name the yard's name
     * @throws IllegalArgumentException when the name is invalid or taken
     */
    public void addYard(String name) {
        onOwner(now -> published(engine.addYard(name)), null);
    }

    /**
     * Adds the yard {@code name} whose socket is {@code path} ({@code <lane>.<name>.uxd}); nothing once closed.
     *
     * @param name the yard's name
     * @param path its socket path
     */
    public void addYard(String name, Path path) {
        onOwner(now -> published(engine.addYard(name, path)), null);
    }

    /**
     * Removes a yard; false when unknown (or closed).
     *
     * @param name the yard's name
     * @return true when the yard was known and is removed
     */
    public boolean removeYard(String name) {
        return onOwner(now -> published(engine.removeYard(name)), false);
    }

    /** {@link #publish()}es and returns {@code result}: the change is visible when the caller returns. */
    private <T> T published(T result) {
        publish();
        return result;
    }

    /**
     * {@return whether {@code name} is a known yard (without copying the list)}
     *
     * @param name the yard's name
     */
    public boolean hasYard(String name) {
        return yardSet.contains(name);
    }

    /** {@return names of the known yards} */
    public List<String> yards() {
        return yardList;
    }

    /**
     * {@return the session id this yard sends to {@code yard}, or null when unknown}
     *
     * @param yard the destination yard
     */
    public String sessionId(String yard) {
        return onOwner(now -> {
            LaneYard y = engine.yard(yard);
            return y == null ? null : y.sid();
        }, null);
    }

    /**
     * {@return the session id last received from {@code yard}, or null when none yet or unknown}
     *
     * @param yard the sending yard
     */
    public String remoteSessionId(String yard) {
        return onOwner(now -> {
            LaneYard y = engine.yard(yard);
            return y == null ? null : y.rsid();
        }, null);
    }

    /**
     * Sends {@code body} to {@code yard} with the configured pack kind.
     *
     * @param yard the destination yard
     * @param body the message body
     * @return completes when every page is in the destination's socket queue; fails with a {@link LaneException}
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body) {
        return send(yard, body, engine.config().packKind());
    }

    /**
     * Queues {@code body} for {@code yard}. The future completes when every page is in the destination's socket
     * queue, or fails with a {@link LaneException}.
     *
     * <p>A yard not known yet (never heard from, not added) is added when its socket {@code <dir>/<lane>.<yard>.uxd}
     * exists, so a program can send to another yard of its lane by name; otherwise the future fails with
     * {@link LaneException.Kind#UNKNOWN_YARD}.
     *
     * @param yard the destination yard
     * @param body the message body
     * @param pk how the body is serialized
     * @return completes when every page is in the destination's socket queue; fails with a {@link LaneException}
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, PackKind pk) {
        return send(yard, body, pk, "");
    }

    /**
     * Queues {@code body} for {@code yard} on behalf of {@code source}: the messages of one source go in order, and
     * sources take turns at the destination (see the class description). Fails without waiting with
     * {@link LaneException.Kind#QUEUE_FULL} when the destination's queue, or the source's share of it, is full.
     *
     * @param yard the destination yard
     * @param body the message body
     * @param source the source whose turn the message takes
     * @return completes when every page is in the destination's socket queue; fails with a {@link LaneException}
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, String source) {
        return send(yard, body, engine.config().packKind(), source);
    }

    /**
     * {@link #send(String, Map, String)} serialized per {@code pk}.
     *
     * @param yard the destination yard
     * @param body the message body
     * @param pk how the body is serialized
     * @param source the source whose turn the message takes
     * @return completes as {@link #send(String, Map, String)} does
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, PackKind pk, String source) {
        Objects.requireNonNull(pk, "pk");
        Objects.requireNonNull(source, "source");
        if (closing) {
            return CompletableFuture.failedFuture(closedException());
        }
        byte[] packed;
        try {
            packed = LaneEngine.encode(body, pk);
        } catch (LaneException e) {
            count(LaneCounter.PACKING_ERROR);
            return CompletableFuture.failedFuture(e);
        }
        Path found = null;
        LaneException notFound = null;
        if (!yardSet.contains(yard)) {
            // Looked up here, off the owner thread; the owner decides (the yard may be known by then).
            try {
                found = listening(yard);
            } catch (LaneException e) {
                notFound = e;
            }
        }
        SendCommand c = new SendCommand(yard, found, notFound, pk, packed, source);
        if (!runner.submit(c)) {
            if (runner.isClosed()) {
                return CompletableFuture.failedFuture(closedException());
            }
            count(LaneCounter.TX_QUEUE_FULL);
            return CompletableFuture.failedFuture(new LaneException(LaneException.Kind.QUEUE_FULL,
                    "queue to yard '" + yard + "' is full: the lane stack has " + runner.queuedCommands()
                            + " commands waiting"));
        }
        return c.future;
    }

    /** A send handed to the owner thread. */
    private final class SendCommand implements Command {
        final String yard;
        final Path found;
        final LaneException notFound;
        final PackKind pk;
        final byte[] packed;
        final String source;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        SendCommand(String yard, Path found, LaneException notFound, PackKind pk, byte[] packed, String source) {
            this.yard = yard;
            this.found = found;
            this.notFound = notFound;
            this.pk = pk;
            this.packed = packed;
            this.source = source;
        }

        @Override
        public void run(long now) {
            try {
                if (engine.yard(yard) == null) {
                    if (found == null) {
                        throw notFound != null ? notFound
                                : new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard + "'");
                    }
                    try {
                        engine.addFoundYard(yard, found, now);
                    } catch (IllegalArgumentException e) {
                        throw new LaneException(LaneException.Kind.UNKNOWN_YARD,
                                "unknown yard '" + yard + "': " + e.getMessage());
                    }
                }
                pending.put(engine.enqueue(yard, pk, packed, source, now), future);
            } catch (LaneException e) {
                future.completeExceptionally(e);
            }
        }

        @Override
        public void reject(Throwable cause) {
            future.completeExceptionally(cause instanceof AgentClosedException ? closedException()
                    : new LaneException(LaneException.Kind.SEND_FAILED, cause.toString(), cause));
        }
    }

    /**
     * {@return messages queued for {@code yard} and not yet wholly sent (0 once closed)}
     *
     * @param yard the destination yard
     */
    public int queued(String yard) {
        return onOwner(now -> engine.queued(yard), 0);
    }

    /** {@return messages queued for every destination, sends not yet taken by the owner included (0 once closed)} */
    public int queued() {
        return onOwner(now -> engine.queued(), 0);
    }

    /** {@return received messages waiting for {@link #receive()}} */
    public int inboxSize() {
        return inboxCount;
    }

    /** {@return the error that closed the stack on its own ({@link VirtualMachineError}), or null} */
    public Throwable failure() {
        return failure;
    }

    /** {@return whether the stack is closed or closing (by {@link #close()} or on its own: {@link #failure()})} */
    public boolean isClosed() {
        return closing;
    }

    /**
     * Runs {@code f} on the owner thread and returns its result ({@code whenClosed} once the stack is closed);
     * rethrows what {@code f} threw.
     */
    private <T> T onOwner(LongFunction<T> f, T whenClosed) {
        if (runner.onOwnerThread()) {
            return f.apply(runner.now());
        }
        if (runner.isClosed()) {
            return whenClosed;
        }
        try {
            return runner.call(f).join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof AgentClosedException) {
                return whenClosed;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * The socket path of the unknown yard {@code yard} of this lane when a socket is bound there.
     *
     * @throws LaneException {@link LaneException.Kind#UNKNOWN_YARD} when the name is not a yard name, is this yard,
     *     or no socket is there
     */
    private Path listening(String yard) throws LaneException {
        LaneConfig c = engine.config();
        Path path;
        try {
            path = LaneNames.ha(c.dir(), c.lane(), LaneNames.checkYard(yard));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard + "': " + e.getMessage());
        }
        boolean socketThere;
        try {
            socketThere = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            socketThere = false;
        }
        if (!socketThere) {
            throw new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard
                    + "': not heard from, not added, and no socket at " + path);
        }
        return path;
    }

    /**
     * Waits for the next message.
     *
     * @return the message
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IllegalStateException when the stack is closed and no message is left
     */
    public LaneMessage receive() throws InterruptedException {
        while (true) {
            LaneMessage m = take(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            if (m != null) {
                return m;
            }
            if (closing && inboxSize() == 0) {
                Throwable f = failure;
                throw f == null ? new IllegalStateException("lane stack closed")
                        : new IllegalStateException("lane stack failed: " + f, f);
            }
        }
    }

    /**
     * Waits up to {@code timeout} for the next message; null when none came.
     *
     * @param timeout the longest wait
     * @return the message, or null
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public LaneMessage receive(Duration timeout) throws InterruptedException {
        return take(timeout.toNanos());
    }

    /** {@return the next message if one is waiting, else null} */
    public LaneMessage poll() {
        LaneMessage m;
        boolean wasFull;
        rxLock.lock();
        try {
            wasFull = inbox.size() >= inboxCapacity;
            m = inbox.poll();
            inboxCount = inbox.size();
        } finally {
            rxLock.unlock();
        }
        if (m != null && wasFull) {
            runner.wake(); // the owner stopped reading: there is room again
        }
        return m;
    }

    /**
     * Runs {@code listener} on the owner thread after it queued received messages, and once when the stack closes:
     * an owner that drains this stack with {@link #poll()} from its own duty cycle wakes on it. It must not block.
     *
     * @param listener what to run; it must not block
     */
    public void onReceivable(Runnable listener) {
        receivable.add(Objects.requireNonNull(listener, "listener"));
        if (inboxCount > 0 || closing) {
            listener.run();
        }
    }

    /** The next message (the sending yards take turns), waiting up to {@code nanos}; null when none came. */
    private LaneMessage take(long nanos) throws InterruptedException {
        LaneMessage m;
        boolean wasFull;
        rxLock.lock();
        try {
            while (inbox.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = rxReady.awaitNanos(nanos);
            }
            wasFull = inbox.size() >= inboxCapacity;
            m = inbox.poll();
            inboxCount = inbox.size();
        } finally {
            rxLock.unlock();
        }
        if (wasFull) {
            runner.wake(); // the owner stopped reading: there is room again
        }
        return m;
    }

    /**
     * {@return counters: received, sent and dropped pages and messages, by reason; the owner's command queue} Taken on
     * the owner thread between two cycles, so they agree with each other.
     */
    public Map<String, Long> stats() {
        Map<String, Long> m;
        try {
            m = onOwner(now -> counters(), null);
        } catch (RejectedExecutionException e) {
            m = null; // the command queue is full: read them as they are
        }
        return m != null ? m : counters();
    }

    private Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>(engine.stats());
        runner.counters().addTo(m, "");
        return m;
    }

    /**
     * {@return current levels, by name: {@code yards} (known yards), {@code partial_books} and {@code partial_bytes}
     * (incomplete multi-page messages held), and the queue depths {@code queue_inbox} (messages received and not yet
     * taken), {@code queue_outgoing} (messages waiting to be written) and {@code queue_commands} (sends and other
     * requests not yet taken by the owner thread)} Read without stopping the owner: each is as the owner last published
     * it.
     */
    public Map<String, Long> levels() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("yards", (long) yardList.size());
        m.put("partial_books", (long) partialBooksLevel);
        m.put("partial_bytes", partialBytesLevel);
        m.put("queue_inbox", (long) inboxSize());
        m.put("queue_outgoing", (long) queuedLevel);
        m.put("queue_commands", (long) runner.queuedCommands());
        return m;
    }

    /** {@return number of incomplete multi-page messages being collected} */
    public int partialBooks() {
        return partialBooksLevel;
    }

    /**
     * Stops the owner thread, fails unsent messages with {@link LaneException.Kind#CLOSED}, closes the socket. Called
     * on the owner thread (from a future's callback), it returns at once and the owner closes after its cycle.
     */
    @Override
    public void close() {
        closing = true;
        runner.close();
    }

    private LaneException closedException() {
        Throwable f = failure;
        return f == null ? new LaneException(LaneException.Kind.CLOSED, "lane stack closed")
                : new LaneException(LaneException.Kind.CLOSED, "lane stack failed: " + f, f);
    }

    private void count(LaneCounter c) {
        engine.counters().increment(c);
    }

    /** Makes what the owner changed visible to other threads. Owner thread (or before it starts). */
    private void publish() {
        publishYards();
        partialBooksLevel = engine.partialBooks();
        partialBytesLevel = engine.partialBytes();
        queuedLevel = engine.queued();
    }

    /** Makes the list of yards visible to other threads when it changed. Owner thread (or before it starts). */
    private void publishYards() {
        if (yardsPublished != engine.yardsVersion()) {
            yardsPublished = engine.yardsVersion();
            List<String> names = engine.yardNames();
            yardList = names;
            yardSet = Set.copyOf(names);
        }
    }

    private int yardsPublished = -1;
    /** The futures of the queued messages, by the engine's id. Owner thread. */
    private final Map<Long, CompletableFuture<Void>> pending = new HashMap<>();

    // ---------------------------------------------------------------- owner thread

    /** The duty cycle of the stack. */
    private final class Owner implements Agent {
        private final byte[] buf = new byte[UxdSocket.MAX_DATAGRAM + 1];
        private final DistinctErrorLog errors = new DistinctErrorLog(LOG);
        /** Reading stopped until then after the socket failed ({@link Deadlines#NONE}: not stopped). */
        private long readPausedUntil = Deadlines.NONE;

        @Override
        public String roleName() {
            return "lane-" + engine.name();
        }

        @Override
        public int doWork(long now) {
            if (Deadlines.due(engine.nextWakeup(), now)) {
                engine.tick(now);
            }
            int work = 0;
            for (int round = 0; round < ROUNDS_PER_CYCLE; round++) {
                int done = transmit(now) + read(now);
                if (done == 0) {
                    break;
                }
                work += done;
            }
            publish();
            work += complete();
            return work;
        }

        @Override
        public long nextWakeup() {
            return Deadlines.earliest(engine.nextWakeup(), readPausedUntil);
        }

        /** Writes the pages that are ready, {@value #PAGES_PER_ROUND} at most. */
        private int transmit(long now) {
            int n = 0;
            LaneEngine.Page p;
            while (n < PAGES_PER_ROUND && !closing && (p = engine.nextPage(now)) != null) {
                n++;
                UxdSocket.SendResult r;
                try {
                    r = socket.sendTo(p.ha(), p.data(), 0, p.data().length);
                } catch (UxdException e) {
                    r = new UxdSocket.SendResult(UxdSocket.SendStatus.ERROR, e.errno());
                } catch (RuntimeException e) {
                    // One destination's defect: its queued messages fail, the others go on.
                    errors.log("lane yard " + engine.name() + ": unexpected failure while sending to " + p.ha(), e,
                            now);
                    engine.sendFailed(e, now);
                    continue;
                }
                engine.transmitted(r, now);
            }
            return n;
        }

        /** Reads what the socket holds, {@value #READS_PER_ROUND} datagrams at most, while the inbox has room. */
        private int read(long now) {
            if (readPausedUntil != Deadlines.NONE) {
                if (!Deadlines.due(readPausedUntil, now)) {
                    return 0;
                }
                readPausedUntil = Deadlines.NONE;
            }
            int n = 0;
            int delivered = 0;
            while (n < READS_PER_ROUND && !closing && inboxCount < inboxCapacity) {
                UxdSocket.Received r;
                try {
                    r = socket.receive(buf);
                } catch (UxdException e) {
                    count(LaneCounter.RECEIVE_ERROR);
                    LOG.warn("lane yard {}: {}", engine.name(), e.getMessage());
                    readPausedUntil = now + RECEIVE_ERROR_PAUSE;
                    break;
                }
                if (r == null) {
                    break;
                }
                n++;
                if (r.length() == 0) {
                    continue; // a wake-up or an empty datagram: nothing to parse
                }
                try {
                    if (handle(r, now)) {
                        delivered++;
                    }
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    // One datagram's defect: counted, and the owner goes on with the next.
                    count(LaneCounter.RECEIVE_ERROR);
                    errors.log("lane yard " + engine.name() + ": unexpected failure while receiving", e, now);
                }
            }
            if (delivered > 0) {
                notifyReceivable();
            }
            return n;
        }

        /** One datagram of {@code buf}: whether it completed a message now in the inbox. */
        private boolean handle(UxdSocket.Received r, long now) {
            if (r.truncated() || r.length() > UxdSocket.MAX_DATAGRAM) {
                engine.drops().increment(LaneDrop.OVERSIZE_PAGE);
                return false;
            }
            if (overShare(r.sender())) {
                // Dropped before any parsing: a yard beyond its share of the inbox costs one read.
                count(LaneCounter.INBOX_SOURCE_FULL);
                return false;
            }
            LaneMessage m = engine.receive(buf, 0, r.length(), r.sender(), now);
            if (m == null) {
                return false;
            }
            publishYards(); // a yard admitted by this message is known before the message is seen
            receivedHook.accept(m);
            return deliver(m);
        }

        /** Completes the futures of the messages that ended. */
        private int complete() {
            int n = 0;
            LaneEngine.Outcome o;
            while ((o = engine.pollOutcome()) != null) {
                n++;
                CompletableFuture<Void> f = pending.remove(o.id());
                if (f == null) {
                    continue;
                }
                if (o.sent()) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(o.failure());
                }
            }
            return n;
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null) {
                failure = cause; // before closing: whoever sees the stack closed sees why
            }
            closing = true;
            engine.failAll(closedException());
            complete();
            pending.values().forEach(f -> f.completeExceptionally(closedException()));
            pending.clear();
            publish();
            synchronized (socketLock) {
                socketClosed = true;
                socket.close();
            }
            rxLock.lock();
            try {
                rxReady.signalAll();
            } finally {
                rxLock.unlock();
            }
            notifyReceivable();
        }
    }

    /** Whether the known yard at {@code path} already holds its whole share of the inbox. Owner thread. */
    private boolean overShare(String path) {
        if (inboxPerSource >= inboxCapacity || path == null) {
            return false;
        }
        String yard = engine.yardAt(path);
        if (yard == null) {
            return false;
        }
        rxLock.lock();
        try {
            return inbox.size(yard) >= inboxPerSource;
        } finally {
            rxLock.unlock();
        }
    }

    /**
     * Queues a received message for {@link #receive()} (the owner reads only while there is room); drops it
     * (counted) when its yard already holds its whole share of the inbox. Owner thread.
     */
    private boolean deliver(LaneMessage m) {
        rxLock.lock();
        try {
            if (inboxPerSource < inboxCapacity && inbox.size(m.from()) >= inboxPerSource) {
                count(LaneCounter.INBOX_SOURCE_FULL);
                return false;
            }
            inbox.add(m.from(), m);
            inboxCount = inbox.size();
            rxReady.signal();
            return true;
        } finally {
            rxLock.unlock();
        }
    }

    private void notifyReceivable() {
        for (Runnable r : receivable) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("lane yard {}: a receive listener failed", engine.name(), e);
            }
        }
    }

    /**
     * The owner's wait: in {@code poll} on the socket while it reads (a datagram, or the empty datagram a wake-up
     * sends, ends it), parked while it does not (the inbox is full) or for less than a millisecond.
     */
    private final class SocketIdle extends SignalledIdleStrategy {
        private volatile boolean polling;

        SocketIdle() {
            super(MAX_IDLE_NANOS);
        }

        @Override
        protected void await(long nanos) {
            boolean reading = !closing && inboxCount < inboxCapacity
                    && ((Owner) runner.agent()).readPausedUntil == Deadlines.NONE;
            if (!reading || nanos < TimeUnit.MILLISECONDS.toNanos(1)) {
                LockSupport.parkNanos(this, nanos);
                return;
            }
            polling = true;
            try {
                if (!signalled()) {
                    socket.poll((int) TimeUnit.NANOSECONDS.toMillis(nanos));
                }
            } catch (UxdException e) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
            } finally {
                polling = false;
            }
        }

        @Override
        protected void interrupt(Thread owner) {
            if (polling) {
                synchronized (socketLock) {
                    if (!socketClosed) {
                        try {
                            socket.sendTo(socket.path(), new byte[0], 0, 0);
                        } catch (UxdException e) {
                            // the owner wakes at its poll timeout anyway
                        }
                    }
                }
            } else if (owner != null) {
                LockSupport.unpark(owner);
            }
        }
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a {@link LaneStack}; {@link #build()} binds the socket and starts the owner thread. */
    public static final class Builder {
        private String lane = LaneNames.DEFAULT_LANE;
        private String name;
        private Path dir;
        private boolean accept = true;
        private final Set<String> allowed = new LinkedHashSet<>();
        private PackKind packKind = PackKind.JSON;
        private final Set<String> yards = new LinkedHashSet<>();
        private final Map<String, Path> yardPaths = new LinkedHashMap<>();
        private Duration sendTimeout = LaneConfig.DEFAULT_SEND_TIMEOUT;
        private int inboxCapacity = 10_000;
        private int inboxPerSource = Integer.MAX_VALUE;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int maxQueuedPerSource = Integer.MAX_VALUE;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private int bufferSize = UxdSocket.DEFAULT_BUFFER;
        private int commandQueue = DEFAULT_COMMAND_QUEUE;
        private Duration bookTimeout = LaneConfig.DEFAULT_BOOK_TIMEOUT;
        private Duration yardIdleTimeout = LaneConfig.DEFAULT_YARD_IDLE_TIMEOUT;
        private int maxPartialBooks = LaneConfig.DEFAULT_MAX_PARTIAL_BOOKS;
        private long maxPartialBytes = LaneConfig.DEFAULT_MAX_PARTIAL_BYTES;

        private Builder() {}

        /**
         * Lane name (default {@code lane}); no spaces.
         *
         * @param lane the lane name
         * @return this builder
         */
        public Builder lane(String lane) {
            this.lane = LaneNames.checkLane(lane);
            return this;
        }

        /**
         * This yard's name (default {@code lane_<uuid18>}); no dots or spaces.
         *
         * @param name the yard name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = LaneNames.checkYard(name);
            return this;
        }

        /**
         * Socket directory (default {@code /var/cache/raet} when writable, else {@code ~/.raet/uxd}).
         *
         * @param dir the socket directory
         * @return this builder
         */
        public Builder dir(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Whether unknown yards are added when they send (default true, as the reference).
         *
         * @param accept whether unknown yards are added
         * @return this builder
         */
        public Builder accept(boolean accept) {
            this.accept = accept;
            return this;
        }

        /**
         * Hears only yards added explicitly (by {@link #yards}, {@link LaneStack#addYard} or a send to them) and the
         * yards named here (added on first contact when their socket path matches their name); turns
         * {@link #accept(boolean)} off.
         *
         * @param names the yards admitted on first contact
         * @return this builder
         */
        public Builder allowOnly(String... names) {
            this.accept = false;
            for (String n : names) {
                allowed.add(LaneNames.checkYard(n));
            }
            return this;
        }

        /**
         * Serialization of sent bodies (default JSON).
         *
         * @param pk the pack kind of sent bodies
         * @return this builder
         */
        public Builder packKind(PackKind pk) {
            this.packKind = Objects.requireNonNull(pk, "pk");
            return this;
        }

        /**
         * Yards of this lane in the same directory, known from the start.
         *
         * @param names their yard names
         * @return this builder
         */
        public Builder yards(String... names) {
            for (String n : names) {
                yards.add(LaneNames.checkYard(n));
            }
            return this;
        }

        /**
         * A yard known from the start whose socket is {@code path}.
         *
         * @param name the yard's name
         * @param path its socket path
         * @return this builder
         */
        public Builder yard(String name, Path path) {
            yardPaths.put(LaneNames.checkYard(name), Objects.requireNonNull(path, "path"));
            return this;
        }

        /**
         * How long a destination may take no page before its queued messages fail (default 10 s).
         *
         * @param timeout the send timeout
         * @return this builder
         */
        public Builder sendTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("send timeout must be positive");
            }
            this.sendTimeout = timeout;
            return this;
        }

        /**
         * How long an incomplete multi-page message is held without a new page before it is dropped (counted
         * {@code book_expired}; default 30 s).
         *
         * @param timeout the book timeout
         * @return this builder
         */
        public Builder bookTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("book timeout must be positive");
            }
            this.bookTimeout = timeout;
            return this;
        }

        /**
         * How long a yard admitted on first contact, or found by a send to its name, is kept while nothing is
         * received from it, sent to it or queued for it (default 1 hour; {@link Duration#ZERO}: forever); counted
         * {@code idle_yard_reaped}. It is admitted again when it sends. Yards added explicitly are kept.
         *
         * @param timeout the idle timeout
         * @return this builder
         */
        public Builder yardIdleTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("yard idle timeout must not be negative");
            }
            this.yardIdleTimeout = timeout;
            return this;
        }

        /**
         * Most sends and other requests waiting for the owner thread (default {@value
         * LaneStack#DEFAULT_COMMAND_QUEUE});
         * a send beyond fails with {@link LaneException.Kind#QUEUE_FULL}.
         *
         * @param n the bound
         * @return this builder
         */
        public Builder commandQueue(int n) {
            this.commandQueue = (int) atLeastOne("command queue bound", n);
            return this;
        }

        /**
         * Most received messages held for {@link LaneStack#receive()} before the owner stops reading (default 10000).
         *
         * @param capacity the bound
         * @return this builder
         */
        public Builder inboxCapacity(int capacity) {
            this.inboxCapacity = (int) atLeastOne("inbox capacity", capacity);
            return this;
        }

        /**
         * Most received messages of one yard held for {@link LaneStack#receive()} (default: the whole inbox); its
         * further messages are dropped, counted {@code inbox_source_full}, until the application takes some.
         *
         * @param n the bound
         * @return this builder
         */
        public Builder inboxPerSource(int n) {
            this.inboxPerSource = (int) atLeastOne("inbox share per yard", n);
            return this;
        }

        /**
         * Most messages queued for one destination (default {@value LaneStack#DEFAULT_MAX_QUEUED}).
         *
         * @param n the bound
         * @return this builder
         */
        public Builder maxQueued(int n) {
            this.maxQueued = (int) atLeastOne("queue bound", n);
            return this;
        }

        /**
         * Most messages of one source queued for one destination (default: the destination's bound).
         *
         * @param n the bound
         * @return this builder
         */
        public Builder maxQueuedPerSource(int n) {
            this.maxQueuedPerSource = (int) atLeastOne("queue bound per source", n);
            return this;
        }

        /**
         * Most bytes (pages) queued for one destination (default 64 MiB); a message larger than that is taken only
         * when the destination's queue is empty.
         *
         * @param n the bound in bytes
         * @return this builder
         */
        public Builder maxQueuedBytes(long n) {
            this.maxQueuedBytes = atLeastOne("queue bound in bytes", n);
            return this;
        }

        private static long atLeastOne(String what, long n) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1");
            }
            return n;
        }

        /**
         * Socket send/receive buffer size asked for (default 4 MiB, capped by the kernel).
         *
         * @param bytes the buffer size
         * @return this builder
         */
        public Builder bufferSize(int bytes) {
            if (bytes < UxdSocket.MAX_DATAGRAM) {
                throw new IllegalArgumentException("buffer size below one page");
            }
            this.bufferSize = bytes;
            return this;
        }

        /**
         * Most incomplete multi-page messages held (default 256).
         *
         * @param n the bound
         * @return this builder
         */
        public Builder maxPartialBooks(int n) {
            this.maxPartialBooks = n;
            return this;
        }

        /**
         * Most bytes held in incomplete multi-page messages (default twice the largest message).
         *
         * @param n the bound in bytes
         * @return this builder
         */
        public Builder maxPartialBytes(long n) {
            this.maxPartialBytes = n;
            return this;
        }

        /**
         * Binds the socket and starts the stack.
         *
         * @return the running stack
         * @throws UxdException when the socket cannot be bound (path taken by a live yard, directory not writable)
         */
        public LaneStack build() throws UxdException {
            String n = name != null ? name : "lane_" + LaneNames.uuid18();
            Path d = dir != null ? dir : defaultDir();
            LaneConfig config = new LaneConfig(lane, n, d, accept, allowed, packKind, maxPartialBooks, maxPartialBytes)
                    .withQueues(maxQueued, maxQueuedPerSource, maxQueuedBytes)
                    .withTimeouts(sendTimeout, bookTimeout, yardIdleTimeout);
            return new LaneStack(this, config);
        }

        private static Path defaultDir() {
            Path main = Path.of("/var/cache/raet");
            try {
                Files.createDirectories(main);
                if (Files.isWritable(main)) {
                    return main;
                }
            } catch (IOException | UncheckedIOException e) {
                // fall back to the per-user directory
            }
            return Path.of(System.getProperty("user.home"), ".raet", "uxd");
        }
    }

    @Override
    public String toString() {
        return "LaneStack[" + engine.name() + " at " + socket.path() + "]";
    }
}
