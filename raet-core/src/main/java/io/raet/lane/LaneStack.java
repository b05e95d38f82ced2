package io.raet.lane;

import io.raet.codec.PackKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

    private final LaneEngine engine;
    private final UxdSocket socket;
    private final Duration sendTimeout;
    private final BlockingQueue<LaneMessage> inbox;
    private final Thread receiver;
    private final Thread sender;
    private volatile boolean closing;

    private final ReentrantLock txLock = new ReentrantLock();
    private final Condition txWork = txLock.newCondition();
    /** Queued messages per destination path, in order. Guarded by txLock. */
    private final Map<String, ArrayDeque<Pending>> txQueues = new LinkedHashMap<>();

    private static final class Pending {
        final LaneEngine.Outgoing out;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        int next;

        Pending(LaneEngine.Outgoing out) {
            this.out = out;
        }
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
        this.inbox = new LinkedBlockingQueue<>(b.inboxCapacity);
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
        Objects.requireNonNull(pk, "pk");
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
        Pending p = new Pending(out);
        txLock.lock();
        try {
            if (closing) {
                p.future.completeExceptionally(new LaneException(LaneException.Kind.CLOSED, "lane stack closed"));
            } else {
                txQueues.computeIfAbsent(out.ha(), k -> new ArrayDeque<>()).add(p);
                txWork.signal();
            }
        } finally {
            txLock.unlock();
        }
        return p.future;
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
            LaneMessage m = inbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (m != null) {
                return m;
            }
            if (closing && inbox.isEmpty()) {
                throw new IllegalStateException("lane stack closed");
            }
        }
    }

    /** Waits up to {@code timeout} for the next message; null when none came. */
    public LaneMessage receive(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next message if one is waiting, else null. */
    public LaneMessage poll() {
        return inbox.poll();
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
        m.put("queue_inbox", (long) inbox.size());
        long queued = 0;
        txLock.lock();
        try {
            for (ArrayDeque<Pending> q : txQueues.values()) {
                queued += q.size();
            }
        } finally {
            txLock.unlock();
        }
        m.put("queue_outgoing", queued);
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
        if (closing) {
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
        join(sender);
        join(receiver);
        failAll(new LaneException(LaneException.Kind.CLOSED, "lane stack closed"));
        socket.close();
    }

    private static void join(Thread t) {
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
            txQueues.values().forEach(all::addAll);
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
                    LaneMessage m;
                    synchronized (engine) {
                        m = engine.receive(buf, 0, r.length(), r.sender());
                    }
                    if (m != null) {
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
            } catch (RuntimeException e) {
                count("receive_error");
                LOG.error("lane yard {}: unexpected failure while receiving", engine.name(), e);
            }
        }
    }

    private void deliver(LaneMessage m) {
        try {
            while (!closing) {
                if (inbox.offer(m, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            count("dropped_on_close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void sendLoop() {
        Map<String, Flow> flows = new LinkedHashMap<>();
        while (true) {
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
                } catch (RuntimeException e) {
                    LOG.error("lane yard {}: unexpected failure while sending to {}", engine.name(), dest, e);
                    failDestination(dest, new LaneException(LaneException.Kind.SEND_FAILED, e.toString(), e));
                }
            }
        }
    }

    /** Sends as much as the destination takes. */
    private void drain(String dest, Flow flow) {
        while (!closing) {
            Pending p;
            txLock.lock();
            try {
                ArrayDeque<Pending> q = txQueues.get(dest);
                p = q == null ? null : q.peek();
                if (p == null) {
                    txQueues.remove(dest);
                    return;
                }
            } finally {
                txLock.unlock();
            }
            List<byte[]> pages = p.out.pages();
            while (p.next < pages.size()) {
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
            ArrayDeque<Pending> q = txQueues.get(dest);
            if (q != null) {
                q.remove(p);
            }
        } finally {
            txLock.unlock();
        }
    }

    private void failDestination(String dest, LaneException e) {
        List<Pending> failed = new ArrayList<>();
        txLock.lock();
        try {
            ArrayDeque<Pending> q = txQueues.remove(dest);
            if (q != null) {
                failed.addAll(q);
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
            if (capacity < 1) {
                throw new IllegalArgumentException("inbox capacity must be at least 1");
            }
            this.inboxCapacity = capacity;
            return this;
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
