package io.raet.lane;

import io.raet.codec.PackKind;
import io.raet.util.FairQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane yard: a {@link LaneEngine} on a {@link UxdSocket} bound at {@code <dir>/<lane>.<name>.uxd} (mode 0600).
 *
 * <p>Two platform threads serve the socket: a receiver that polls, reassembles pages and queues whole messages for
 * {@link #receive()}, and a sender that writes pages in order per destination. A destination whose queue is full
 * (the kernel holds only {@code net.unix.max_dgram_qlen} datagrams) is retried with a growing pause while other
 * destinations go on; if it makes no progress for the send timeout its queued messages fail with
 * {@link LaneException.Kind#BUSY}. A destination without a socket fails with {@link LaneException.Kind#PEER_GONE}
 * and is removed, as the reference does. Callers never block in {@link #send}.
 *
 * <p>Every queue is bounded. Messages for one destination wait in a queue per <em>source</em> (a name the caller
 * gives, e.g. the yard or estate a router forwards for; {@code ""} by default), and the sources take turns, one
 * message each, so a source that floods a destination delays the others by one message at a time, not by its whole
 * backlog; the sender thread also takes turns between destinations ({@value #PAGES_PER_TURN} pages at most). A send
 * beyond a destination's bound ({@link Builder#maxQueued}, {@link Builder#maxQueuedPerSource},
 * {@link Builder#maxQueuedBytes}) fails at once with {@link LaneException.Kind#QUEUE_FULL} (counted
 * {@code tx_queue_full}). Received messages wait for {@link #receive()} in the same way, per sending yard, taken
 * in turns; when the inbox is full the receiving thread waits (the senders' sockets fill: back pressure), and a yard
 * holding its whole share of the inbox ({@link Builder#inboxPerSource}) has its further messages dropped (counted
 * {@code inbox_source_full}).
 *
 * <p>No exception from one datagram or one send ends a thread: it is counted ({@code receive_error},
 * {@code send_error}) and the thread goes on. A {@link VirtualMachineError} closes the stack loudly: logged, every
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
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int POLL_MILLIS = 250;
    /** Default bound on the messages queued for one destination. */
    public static final int DEFAULT_MAX_QUEUED = 4096;
    /** Default bound on the bytes queued for one destination. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
    /** Most pages sent to one destination before the sender thread turns to the next. */
    static final int PAGES_PER_TURN = 64;

    private final LaneEngine engine;
    private final UxdSocket socket;
    private final Duration sendTimeout;
    private final int maxQueued;
    private final int maxQueuedPerSource;
    private final long maxQueuedBytes;
    private final int inboxCapacity;
    private final int inboxPerSource;
    private final Thread receiver;
    private final Thread sender;
    private volatile boolean closing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Throwable failure;
    /** Sees each received message before it is queued (tests put faults here). */
    volatile java.util.function.Consumer<LaneMessage> receivedHook = m -> { };

    private final ReentrantLock rxLock = new ReentrantLock();
    private final Condition rxReady = rxLock.newCondition();
    private final Condition rxRoom = rxLock.newCondition();
    /** Received messages by sending yard. Guarded by rxLock. */
    private final FairQueue<LaneMessage> inbox = new FairQueue<>();

    private final ReentrantLock txLock = new ReentrantLock();
    private final Condition txWork = txLock.newCondition();
    /** Queued messages per destination path. Guarded by txLock. */
    private final Map<String, Outbox> txQueues = new LinkedHashMap<>();

    private static final class Pending {
        final LaneEngine.Outgoing out;
        final String source;
        final long bytes;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        int next;

        Pending(LaneEngine.Outgoing out, String source) {
            this.out = out;
            this.source = source;
            long n = 0;
            for (byte[] page : out.pages()) {
                n += page.length;
            }
            this.bytes = n;
        }
    }

    /** The messages waiting for one destination, by source, and their bytes. Guarded by txLock. */
    private static final class Outbox {
        final FairQueue<Pending> queue = new FairQueue<>();
        long bytes;
    }

    /** Sender-thread state of one destination. */
    private static final class Flow {
        long blockedUntil;
        long backoff = MIN_BACKOFF_NANOS;
        long lastProgress = System.nanoTime();
    }

    private LaneStack(Builder b, LaneConfig config) throws UxdException {
        this.engine = new LaneEngine(config);
        for (String y : b.yards) {
            engine.addYard(y);
        }
        for (Map.Entry<String, Path> e : b.yardPaths.entrySet()) {
            engine.addYard(e.getKey(), e.getValue());
        }
        this.sendTimeout = b.sendTimeout;
        this.maxQueued = b.maxQueued;
        this.maxQueuedPerSource = b.maxQueuedPerSource;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.inboxCapacity = b.inboxCapacity;
        this.inboxPerSource = b.inboxPerSource;
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new UxdException("cannot create the socket directory " + config.dir() + ": " + e.getMessage(), 0, e);
        }
        this.socket = UxdSocket.bind(config.ha(), b.bufferSize);
        this.receiver = Thread.ofPlatform().daemon().name("lane-rx-" + config.name()).unstarted(this::receiveLoop);
        this.sender = Thread.ofPlatform().daemon().name("lane-tx-" + config.name()).unstarted(this::sendLoop);
        receiver.start();
        sender.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This yard's name. */
    public String name() {
        return engine.name();
    }

    /** The lane name. */
    public String lane() {
        return engine.config().lane();
    }

    /** The socket path. */
    public Path ha() {
        return socket.path();
    }

    /** The socket itself (for its buffer sizes). */
    public UxdSocket socket() {
        return socket;
    }

    /** Adds the yard {@code name} of this lane in this yard's directory. */
    public void addYard(String name) {
        synchronized (engine) {
            engine.addYard(name);
        }
    }

    /** Adds the yard {@code name} whose socket is {@code path} ({@code <lane>.<name>.uxd}). */
    public void addYard(String name, Path path) {
        synchronized (engine) {
            engine.addYard(name, path);
        }
    }

    /** Removes a yard; false when unknown. */
    public boolean removeYard(String name) {
        synchronized (engine) {
            return engine.removeYard(name);
        }
    }

    /** Whether {@code name} is a known yard (without copying the list). */
    public boolean hasYard(String name) {
        synchronized (engine) {
            return engine.yard(name) != null;
        }
    }

    /** Names of the known yards. */
    public List<String> yards() {
        synchronized (engine) {
            return engine.yardNames();
        }
    }

    /** The session id this yard sends to {@code yard}, or null when unknown. */
    public String sessionId(String yard) {
        synchronized (engine) {
            LaneYard y = engine.yard(yard);
            return y == null ? null : y.sid();
        }
    }

    /** The session id last received from {@code yard}, or null when none yet or unknown. */
    public String remoteSessionId(String yard) {
        synchronized (engine) {
            LaneYard y = engine.yard(yard);
            return y == null ? null : y.rsid();
        }
    }

    /** Sends {@code body} to {@code yard} with the configured pack kind. */
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
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, PackKind pk) {
        return send(yard, body, pk, "");
    }

    /**
     * Queues {@code body} for {@code yard} on behalf of {@code source}: the messages of one source go in order, and
     * sources take turns at the destination (see the class description). Fails at once with
     * {@link LaneException.Kind#QUEUE_FULL} when the destination's queue, or the source's share of it, is full.
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, String source) {
        return send(yard, body, engine.config().packKind(), source);
    }

    /** {@link #send(String, Map, String)} serialized per {@code pk}. */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body, PackKind pk, String source) {
        Objects.requireNonNull(pk, "pk");
        Objects.requireNonNull(source, "source");
        if (closing) {
            return CompletableFuture.failedFuture(new LaneException(LaneException.Kind.CLOSED, "lane stack closed"));
        }
        LaneEngine.Outgoing out;
        try {
            synchronized (engine) {
                if (engine.yard(yard) == null) {
                    addListening(yard);
                }
                out = engine.message(yard, body, pk);
            }
        } catch (LaneException e) {
            return CompletableFuture.failedFuture(e);
        }
        Pending p = new Pending(out, source);
        String full = null;
        txLock.lock();
        try {
            if (closing) {
                p.future.completeExceptionally(new LaneException(LaneException.Kind.CLOSED, "lane stack closed"));
                return p.future;
            }
            Outbox box = txQueues.get(out.ha());
            if (box != null) {
                full = full(box, p);
            }
            if (full == null) {
                if (box == null) {
                    box = new Outbox();
                    txQueues.put(out.ha(), box);
                }
                box.queue.add(source, p);
                box.bytes += p.bytes;
                txWork.signal();
            }
        } finally {
            txLock.unlock();
        }
        if (full != null) {
            count("tx_queue_full");
            p.future.completeExceptionally(new LaneException(LaneException.Kind.QUEUE_FULL,
                    "queue to yard '" + yard + "' is full: " + full));
        }
        return p.future;
    }

    /** Why {@code p} does not fit in {@code box}, or null when it does (an empty queue takes any one message). */
    private String full(Outbox box, Pending p) {
        if (box.queue.size() >= maxQueued) {
            return box.queue.size() + " messages";
        }
        if (box.queue.size(p.source) >= maxQueuedPerSource) {
            return box.queue.size(p.source) + " messages from '" + p.source + "'";
        }
        if (!box.queue.isEmpty() && box.bytes + p.bytes > maxQueuedBytes) {
            return box.bytes + " bytes";
        }
        return null;
    }

    /** Messages queued for {@code yard} and not yet wholly sent. */
    public int queued(String yard) {
        String ha;
        synchronized (engine) {
            LaneYard y = engine.yard(yard);
            if (y == null) {
                return 0;
            }
            ha = y.ha();
        }
        txLock.lock();
        try {
            Outbox box = txQueues.get(ha);
            return box == null ? 0 : box.queue.size();
        } finally {
            txLock.unlock();
        }
    }

    /** Messages queued for every destination. */
    public int queued() {
        txLock.lock();
        try {
            int n = 0;
            for (Outbox box : txQueues.values()) {
                n += box.queue.size();
            }
            return n;
        } finally {
            txLock.unlock();
        }
    }

    /** Received messages waiting for {@link #receive()}. */
    public int inboxSize() {
        rxLock.lock();
        try {
            return inbox.size();
        } finally {
            rxLock.unlock();
        }
    }

    /** The error that closed the stack on its own ({@link VirtualMachineError}), or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Adds the unknown yard {@code yard} of this lane when a socket is bound at its path. Caller holds the engine.
     *
     * @throws LaneException {@link LaneException.Kind#UNKNOWN_YARD} when the name is not a yard name, is this yard,
     *     or no socket is there
     */
    private void addListening(String yard) throws LaneException {
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
        try {
            engine.addYard(yard, path);
        } catch (IllegalArgumentException e) {
            throw new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard + "': " + e.getMessage());
        }
    }

    /**
     * Waits for the next message.
     *
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

    /** Waits up to {@code timeout} for the next message; null when none came. */
    public LaneMessage receive(Duration timeout) throws InterruptedException {
        return take(timeout.toNanos());
    }

    /** The next message if one is waiting, else null. */
    public LaneMessage poll() {
        rxLock.lock();
        try {
            LaneMessage m = inbox.poll();
            if (m != null) {
                rxRoom.signal();
            }
            return m;
        } finally {
            rxLock.unlock();
        }
    }

    /** The next message (the sending yards take turns), waiting up to {@code nanos}; null when none came. */
    private LaneMessage take(long nanos) throws InterruptedException {
        rxLock.lock();
        try {
            while (inbox.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = rxReady.awaitNanos(nanos);
            }
            LaneMessage m = inbox.poll();
            rxRoom.signal();
            return m;
        } finally {
            rxLock.unlock();
        }
    }

    /** Counters: received, sent and dropped pages and messages, by reason. */
    public Map<String, Long> stats() {
        synchronized (engine) {
            return new TreeMap<>(engine.stats());
        }
    }

    /**
     * Current levels, by name: {@code yards} (known yards), {@code partial_books} and {@code partial_bytes}
     * (incomplete multi-page messages held), and the queue depths {@code queue_inbox} (messages received and not
     * yet taken) and {@code queue_outgoing} (messages waiting to be written).
     */
    public Map<String, Long> levels() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        synchronized (engine) {
            m.put("yards", (long) engine.yardNames().size());
            m.put("partial_books", (long) engine.partialBooks());
            m.put("partial_bytes", engine.partialBytes());
        }
        m.put("queue_inbox", (long) inboxSize());
        m.put("queue_outgoing", (long) queued());
        return m;
    }

    /** Number of incomplete multi-page messages being collected. */
    public int partialBooks() {
        synchronized (engine) {
            return engine.partialBooks();
        }
    }

    /** Stops both threads, fails unsent messages with {@link LaneException.Kind#CLOSED}, closes the socket. */
    @Override
    public void close() {
        shutdown(new LaneException(LaneException.Kind.CLOSED, "lane stack closed"));
    }

    /** A {@link VirtualMachineError} on one of the stack's threads: the stack closes, loudly. */
    private void fatal(String where, VirtualMachineError e) {
        failure = e;
        LOG.error("lane yard {}: {} failed, closing the stack", engine.name(), where, e);
        shutdown(new LaneException(LaneException.Kind.CLOSED, "lane stack failed: " + e, e));
    }

    private void shutdown(LaneException reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        txLock.lock();
        try {
            txWork.signalAll();
        } finally {
            txLock.unlock();
        }
        try {
            // Wake the receiver out of poll() with an empty datagram to itself.
            socket.sendTo(socket.path(), new byte[0], 0, 0);
        } catch (UxdException e) {
            // the receiver wakes at its poll timeout anyway
        }
        rxLock.lock();
        try {
            rxRoom.signalAll();
            rxReady.signalAll();
        } finally {
            rxLock.unlock();
        }
        join(sender);
        join(receiver);
        failAll(reason);
        socket.close();
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
                if (t.isAlive()) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void failAll(LaneException e) {
        List<Pending> all = new ArrayList<>();
        txLock.lock();
        try {
            txQueues.values().forEach(box -> all.addAll(box.queue.clear()));
            txQueues.clear();
        } finally {
            txLock.unlock();
        }
        all.forEach(p -> p.future.completeExceptionally(e));
    }

    private void count(String key) {
        synchronized (engine) {
            engine.count(key);
        }
    }

    // ---------------------------------------------------------------- receiver thread

    private void receiveLoop() {
        byte[] buf = new byte[UxdSocket.MAX_DATAGRAM + 1];
        while (!closing) {
            try {
                if (!socket.poll(POLL_MILLIS)) {
                    continue;
                }
                UxdSocket.Received r;
                while (!closing && (r = socket.receive(buf)) != null) {
                    if (r.length() == 0) {
                        continue; // wake-up or empty datagram: nothing to parse
                    }
                    if (r.truncated() || r.length() > UxdSocket.MAX_DATAGRAM) {
                        count("oversize_page");
                        continue;
                    }
                    if (overShare(r.sender())) {
                        // Dropped before any parsing: a yard beyond its share of the inbox costs one read.
                        count("inbox_source_full");
                        continue;
                    }
                    LaneMessage m;
                    synchronized (engine) {
                        m = engine.receive(buf, 0, r.length(), r.sender());
                    }
                    if (m != null) {
                        receivedHook.accept(m);
                        deliver(m);
                    }
                }
            } catch (UxdException e) {
                if (closing) {
                    break;
                }
                count("receive_error");
                LOG.warn("lane yard {}: {}", engine.name(), e.getMessage());
                pause(TimeUnit.MILLISECONDS.toNanos(50));
            } catch (VirtualMachineError e) {
                fatal("the receiving thread", e);
                return;
            } catch (RuntimeException | Error e) {
                // One datagram's defect: counted, and the thread goes on with the next.
                count("receive_error");
                LOG.error("lane yard {}: unexpected failure while receiving", engine.name(), e);
            }
        }
    }

    /** Whether the known yard at {@code path} already holds its whole share of the inbox. */
    private boolean overShare(String path) {
        if (inboxPerSource >= inboxCapacity || path == null) {
            return false;
        }
        String yard;
        synchronized (engine) {
            yard = engine.yardAt(path);
        }
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
     * Queues a received message for {@link #receive()}: waits while the inbox is full (back pressure), drops it
     * (counted) when its yard already holds its whole share of the inbox.
     */
    private void deliver(LaneMessage m) {
        rxLock.lock();
        try {
            if (inboxPerSource < inboxCapacity && inbox.size(m.from()) >= inboxPerSource) {
                count("inbox_source_full");
                return;
            }
            while (inbox.size() >= inboxCapacity) {
                if (closing) {
                    count("dropped_on_close");
                    return;
                }
                rxRoom.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
            inbox.add(m.from(), m);
            rxReady.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            rxLock.unlock();
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void sendLoop() {
        Map<String, Flow> flows = new LinkedHashMap<>();
        while (true) {
            try {
                List<String> ready = new ArrayList<>();
                txLock.lock();
                try {
                    while (!closing) {
                        long now = System.nanoTime();
                        long wake = Long.MAX_VALUE;
                        flows.keySet().retainAll(txQueues.keySet());
                        for (String dest : txQueues.keySet()) {
                            Flow f = flows.computeIfAbsent(dest, k -> new Flow());
                            if (f.blockedUntil - now <= 0) {
                                ready.add(dest);
                            } else {
                                wake = Math.min(wake, f.blockedUntil - now);
                            }
                        }
                        if (!ready.isEmpty()) {
                            break;
                        }
                        try {
                            if (wake == Long.MAX_VALUE) {
                                txWork.await();
                            } else {
                                txWork.awaitNanos(wake);
                            }
                        } catch (InterruptedException e) {
                            if (closing) {
                                break;
                            }
                        }
                    }
                    if (closing) {
                        return;
                    }
                } finally {
                    txLock.unlock();
                }
                for (String dest : ready) {
                    if (closing) {
                        return;
                    }
                    try {
                        drain(dest, flows.get(dest));
                    } catch (RuntimeException | Error e) {
                        if (e instanceof VirtualMachineError vme) {
                            throw vme;
                        }
                        // One destination's defect: its queued messages fail, the others go on.
                        count("send_error");
                        LOG.error("lane yard {}: unexpected failure while sending to {}", engine.name(), dest, e);
                        failDestination(dest, new LaneException(LaneException.Kind.SEND_FAILED, e.toString(), e));
                    }
                }
            } catch (VirtualMachineError e) {
                fatal("the sending thread", e);
                return;
            }
        }
    }

    /** Sends what the destination takes, {@value #PAGES_PER_TURN} pages at most, the sources taking turns. */
    private void drain(String dest, Flow flow) {
        int budget = PAGES_PER_TURN;
        while (!closing && budget > 0) {
            Pending p;
            txLock.lock();
            try {
                Outbox box = txQueues.get(dest);
                p = box == null ? null : box.queue.peek();
                if (p == null) {
                    txQueues.remove(dest);
                    return;
                }
            } finally {
                txLock.unlock();
            }
            List<byte[]> pages = p.out.pages();
            while (p.next < pages.size()) {
                if (budget-- <= 0) {
                    return;
                }
                byte[] page = pages.get(p.next);
                UxdSocket.SendResult r;
                try {
                    r = socket.sendTo(dest, page, 0, page.length);
                } catch (UxdException e) {
                    r = new UxdSocket.SendResult(UxdSocket.SendStatus.ERROR, e.errno());
                }
                long now = System.nanoTime();
                switch (r.status()) {
                    case OK -> {
                        p.next++;
                        flow.lastProgress = now;
                        flow.backoff = MIN_BACKOFF_NANOS;
                        count("pages_sent");
                    }
                    case WOULD_BLOCK -> {
                        count("busy_transmit_yard");
                        if (now - flow.lastProgress > sendTimeout.toNanos()) {
                            failDestination(dest, new LaneException(LaneException.Kind.BUSY, "yard '" + p.out.yard()
                                    + "' took no page for " + sendTimeout.toMillis() + " ms"));
                            return;
                        }
                        flow.blockedUntil = now + flow.backoff;
                        flow.backoff = Math.min(MAX_BACKOFF_NANOS, flow.backoff * 2);
                        return;
                    }
                    case PEER_GONE -> {
                        String reaped;
                        synchronized (engine) {
                            reaped = engine.reap(dest);
                        }
                        if (reaped != null) {
                            LOG.info("lane yard {}: reaped yard {} ({})", engine.name(), reaped, r.message());
                        }
                        failDestination(dest, new LaneException(LaneException.Kind.PEER_GONE,
                                "yard '" + p.out.yard() + "' has no socket at " + dest + ": " + r.message()));
                        return;
                    }
                    case ERROR -> {
                        count("error_transmit_yard");
                        dequeue(dest, p);
                        p.future.completeExceptionally(new LaneException(LaneException.Kind.SEND_FAILED,
                                "sending to yard '" + p.out.yard() + "' failed: " + r.message()));
                        p = null;
                    }
                }
                if (p == null) {
                    break;
                }
            }
            if (p != null) {
                dequeue(dest, p);
                count("messages_sent");
                p.future.complete(null);
            }
        }
    }

    /** Takes a finished message off its destination's queue. */
    private void dequeue(String dest, Pending p) {
        txLock.lock();
        try {
            Outbox box = txQueues.get(dest);
            if (box != null && box.queue.remove(p.source, p)) {
                box.bytes -= p.bytes;
            }
        } finally {
            txLock.unlock();
        }
    }

    private void failDestination(String dest, LaneException e) {
        List<Pending> failed = new ArrayList<>();
        txLock.lock();
        try {
            Outbox box = txQueues.remove(dest);
            if (box != null) {
                failed.addAll(box.queue.clear());
            }
        } finally {
            txLock.unlock();
        }
        failed.forEach(p -> p.future.completeExceptionally(e));
    }

    private static void pause(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a {@link LaneStack}; {@link #build()} binds the socket and starts the threads. */
    public static final class Builder {
        private String lane = LaneNames.DEFAULT_LANE;
        private String name;
        private Path dir;
        private boolean accept = true;
        private final Set<String> allowed = new LinkedHashSet<>();
        private PackKind packKind = PackKind.JSON;
        private final Set<String> yards = new LinkedHashSet<>();
        private final Map<String, Path> yardPaths = new LinkedHashMap<>();
        private Duration sendTimeout = Duration.ofSeconds(10);
        private int inboxCapacity = 10_000;
        private int inboxPerSource = Integer.MAX_VALUE;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int maxQueuedPerSource = Integer.MAX_VALUE;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private int bufferSize = UxdSocket.DEFAULT_BUFFER;
        private int maxPartialBooks = LaneConfig.DEFAULT_MAX_PARTIAL_BOOKS;
        private long maxPartialBytes = LaneConfig.DEFAULT_MAX_PARTIAL_BYTES;

        private Builder() {}

        /** Lane name (default {@code lane}); no spaces. */
        public Builder lane(String lane) {
            this.lane = LaneNames.checkLane(lane);
            return this;
        }

        /** This yard's name (default {@code lane_<uuid18>}); no dots or spaces. */
        public Builder name(String name) {
            this.name = LaneNames.checkYard(name);
            return this;
        }

        /** Socket directory (default {@code /var/cache/raet} when writable, else {@code ~/.raet/uxd}). */
        public Builder dir(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Whether unknown yards are added when they send (default true, as the reference). */
        public Builder accept(boolean accept) {
            this.accept = accept;
            return this;
        }

        /**
         * Hears only yards added explicitly (by {@link #yards}, {@link LaneStack#addYard} or a send to them) and the
         * yards named here (added on first contact when their socket path matches their name); turns
         * {@link #accept(boolean)} off.
         */
        public Builder allowOnly(String... names) {
            this.accept = false;
            for (String n : names) {
                allowed.add(LaneNames.checkYard(n));
            }
            return this;
        }

        /** Serialization of sent bodies (default JSON). */
        public Builder packKind(PackKind pk) {
            this.packKind = Objects.requireNonNull(pk, "pk");
            return this;
        }

        /** Yards of this lane in the same directory, known from the start. */
        public Builder yards(String... names) {
            for (String n : names) {
                yards.add(LaneNames.checkYard(n));
            }
            return this;
        }

        /** A yard known from the start whose socket is {@code path}. */
        public Builder yard(String name, Path path) {
            yardPaths.put(LaneNames.checkYard(name), Objects.requireNonNull(path, "path"));
            return this;
        }

        /** How long a destination may take no page before its queued messages fail (default 10 s). */
        public Builder sendTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("send timeout must be positive");
            }
            this.sendTimeout = timeout;
            return this;
        }

        /** Most received messages held for {@link LaneStack#receive()} before the receiver waits (default 10000). */
        public Builder inboxCapacity(int capacity) {
            this.inboxCapacity = (int) atLeastOne("inbox capacity", capacity);
            return this;
        }

        /**
         * Most received messages of one yard held for {@link LaneStack#receive()} (default: the whole inbox); its
         * further messages are dropped, counted {@code inbox_source_full}, until the application takes some.
         */
        public Builder inboxPerSource(int n) {
            this.inboxPerSource = (int) atLeastOne("inbox share per yard", n);
            return this;
        }

        /** Most messages queued for one destination (default {@value LaneStack#DEFAULT_MAX_QUEUED}). */
        public Builder maxQueued(int n) {
            this.maxQueued = (int) atLeastOne("queue bound", n);
            return this;
        }

        /** Most messages of one source queued for one destination (default: the destination's bound). */
        public Builder maxQueuedPerSource(int n) {
            this.maxQueuedPerSource = (int) atLeastOne("queue bound per source", n);
            return this;
        }

        /**
         * Most bytes (pages) queued for one destination (default 64 MiB); a message larger than that is taken only
         * when the destination's queue is empty.
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

        /** Socket send/receive buffer size asked for (default 4 MiB, capped by the kernel). */
        public Builder bufferSize(int bytes) {
            if (bytes < UxdSocket.MAX_DATAGRAM) {
                throw new IllegalArgumentException("buffer size below one page");
            }
            this.bufferSize = bytes;
            return this;
        }

        /** Most incomplete multi-page messages held (default 256). */
        public Builder maxPartialBooks(int n) {
            this.maxPartialBooks = n;
            return this;
        }

        /** Most bytes held in incomplete multi-page messages (default twice the largest message). */
        public Builder maxPartialBytes(long n) {
            this.maxPartialBytes = n;
            return this;
        }

        /**
         * Binds the socket and starts the stack.
         *
         * @throws UxdException when the socket cannot be bound (path taken by a live yard, directory not writable)
         */
        public LaneStack build() throws UxdException {
            String n = name != null ? name : "lane_" + LaneNames.uuid18();
            Path d = dir != null ? dir : defaultDir();
            LaneConfig config = new LaneConfig(lane, n, d, accept, allowed, packKind, maxPartialBooks, maxPartialBytes);
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
