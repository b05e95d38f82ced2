package io.raet.lane.core;

import io.raet.agent.Deadlines;
import io.raet.codec.Body;
import io.raet.codec.LaneBook;
import io.raet.codec.LaneCodec;
import io.raet.codec.LaneHead;
import io.raet.codec.PackKind;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPage;
import io.raet.codec.Reason;
import io.raet.lane.LaneException;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneNames;
import io.raet.util.Counters;
import io.raet.util.FairQueue;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The lane protocol without I/O: turns messages into pages for a destination yard and pages from a socket into
 * messages, queues what waits to be written and times what the lane times. Not thread-safe; one owner drives it,
 * and the time is always passed in ({@link System#nanoTime()} scale): the engine reads no clock.
 *
 * <p>The driver's calls, in order: input ({@link #receive} for each datagram, {@link #enqueue} for each message to
 * send, {@link #addYard}/{@link #removeYard}); due timers ({@link #tick} when {@link #nextWakeup()} has come);
 * output: {@link #nextPage} until null, writing each page and reporting how the write went with
 * {@link #transmitted} before asking for the next, then {@link #pollOutcome()} until null (each queued message ends
 * sent or failed); then wait until {@link #nextWakeup()} or new input.
 *
 * <p>Sending follows the reference: each page carries {@code sn} = this yard, {@code dn} = the destination,
 * {@code si} = the session id this side chose for the destination (a fresh 18-character id per yard entry) and
 * {@code bi} = the next book id for the destination (from 1, wrapping 0xffffffff → 1). Bodies larger than one page
 * are cut as the reference cuts them. Messages for one destination wait in a queue per <em>source</em> (a name the
 * driver gives), the sources taking turns one message at a time; the destinations take turns too,
 * {@value #PAGES_PER_TURN} pages at most each. A destination whose socket queue is full is tried again after a
 * backoff (100 µs doubling to 10 ms) while the others go on; one
 * that takes no page for the send timeout has its queued messages failed ({@link LaneException.Kind#BUSY}); one
 * without a socket is removed, as the reference "reaps" it, and its messages fail
 * ({@link LaneException.Kind#PEER_GONE}).
 *
 * <p>Receiving checks more than the reference: pages whose head does not parse, or whose {@code dn} is not this
 * yard, are dropped (the reference logs and goes on). An unknown {@code sn} is admitted only when
 * {@link LaneConfig#accept()} or the allow-list permits and the datagram's source path is
 * {@code <lane>.<sn>.uxd} on this lane; a known {@code sn} must come from its recorded path. A new {@code si} from a
 * yard discards that yard's incomplete books. Multi-page books are keyed by {@code (dn, sn, si, bi)}, must start with
 * page 0, are bounded in number and bytes (the least recently active dropped) and expire when no page came for the
 * book timeout. A yard admitted on first contact is forgotten after the yard idle timeout. Every drop is counted in
 * {@link #stats()}.
 */
public final class LaneEngine {
    /** Largest page count: {@code pn} and {@code pc} are written as four hex digits. */
    public static final int MAX_PAGE_COUNT = 0xffff;
    /** Most yards admitted on first contact; beyond it a new yard is refused ({@code yard_capacity}). */
    public static final int MAX_ADMITTED_YARDS = 4096;
    /** Most pages written to one destination before the next destination's turn. */
    public static final int PAGES_PER_TURN = 64;
    static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Ready-to-send pages of one message. */
    public record Outgoing(String yard, String ha, long bi, List<byte[]> pages) {}

    /** A page to write now to the socket at {@code ha}. */
    public record Page(String ha, byte[] data) {}

    /** How a queued message ended: sent (every page in the destination's socket queue) or failed. */
    public record Outcome(long id, LaneException failure) {
        public boolean sent() {
            return failure == null;
        }
    }

    private final LaneConfig config;
    private final String ha;
    private final long sendTimeout;
    private final long bookTimeout;
    private final long yardIdleTimeout;
    private final Map<String, LaneYard> byName = new LinkedHashMap<>();
    private final Map<String, LaneYard> byHa = new LinkedHashMap<>();
    /** Yards admitted on first contact or found by name, least recently active first. */
    private final LinkedHashMap<String, LaneYard> transientYards = new LinkedHashMap<>(16, 0.75f, true);
    private int yardsVersion;
    /** Incomplete books, least recently active first. */
    private final LinkedHashMap<LaneBook.Key, Partial> partials = new LinkedHashMap<>(16, 0.75f, true);
    private long partialBytes;
    private final Counters<LaneCounter> counters = new Counters<>(LaneCounter.class);
    private final Counters<LaneDrop> drops = new Counters<>(LaneDrop.class);

    private final Map<String, Outbox> outboxes = new HashMap<>();
    /** Destinations with queued messages waiting for a turn (the one whose turn it is is not here). */
    private final ArrayDeque<Outbox> rotation = new ArrayDeque<>();
    private Outbox turn;
    private int turnLeft;
    /** The message whose page {@link #nextPage} handed out last (its result not reported yet), or null. */
    private Queued sending;
    private final ArrayDeque<Outcome> outcomes = new ArrayDeque<>();
    private long nextId;
    private int queuedTotal;
    private long lastNow;

    private static final class Partial {
        final LaneBook book = new LaneBook();
        final BitSet seen = new BitSet();
        long bytes;
        long lastPage;
    }

    /** A message queued for a destination. */
    private static final class Queued {
        final long id;
        final String source;
        final String yard;
        final List<byte[]> pages;
        final long bytes;
        int next;

        Queued(long id, String source, Outgoing out) {
            this.id = id;
            this.source = source;
            this.yard = out.yard();
            this.pages = out.pages();
            long n = 0;
            for (byte[] p : pages) {
                n += p.length;
            }
            this.bytes = n;
        }
    }

    /** The messages waiting for one destination (by socket path), by source, and its pace. */
    private static final class Outbox {
        final String ha;
        final FairQueue<Queued> queue = new FairQueue<>();
        long bytes;
        boolean blocked;
        long blockedUntil;
        long backoff = MIN_BACKOFF_NANOS;
        long lastProgress;

        Outbox(String ha, long now) {
            this.ha = ha;
            this.lastProgress = now;
        }
    }

    public LaneEngine(LaneConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.ha = config.ha().toString();
        this.sendTimeout = config.sendTimeout().toNanos();
        this.bookTimeout = config.bookTimeout().toNanos();
        this.yardIdleTimeout = config.yardIdleTimeout().toNanos();
    }

    public LaneConfig config() {
        return config;
    }

    /** This yard's name. */
    public String name() {
        return config.name();
    }

    /** This yard's socket path. */
    public String ha() {
        return ha;
    }

    // ---------------------------------------------------------------- yards

    /** Adds the yard {@code name} of this lane, expected in this yard's directory; kept until removed. */
    public LaneYard addYard(String name) {
        return addYard(name, LaneNames.ha(config.dir(), config.lane(), name));
    }

    /**
     * Adds a yard at {@code path}, kept until removed. The file name must be {@code <lane>.<name>.uxd}, the lane may
     * differ from this one (as in the reference).
     *
     * @throws IllegalArgumentException when the name is invalid, does not match the path, or the name or path is
     *     taken
     */
    public LaneYard addYard(String name, Path path) {
        return addYard(name, path, false);
    }

    /**
     * Adds a yard found by its name (a send to a yard whose socket is there): like one admitted on first contact,
     * it is forgotten after the yard idle timeout.
     */
    public LaneYard addFoundYard(String name, Path path, long now) {
        lastNow = now;
        return addYard(name, path, true);
    }

    private LaneYard addYard(String name, Path path, boolean found) {
        LaneNames.checkYard(name);
        String p = path.toAbsolutePath().normalize().toString();
        LaneNames.Names names = LaneNames.fromHa(p);
        if (names == null || !names.yard().equals(name)) {
            throw new IllegalArgumentException("yard name '" + name + "' does not match the path " + p);
        }
        LaneNames.checkLane(names.lane());
        return add(name, p, found);
    }

    private LaneYard add(String name, String path, boolean found) {
        if (name.equals(config.name()) || path.equals(ha)) {
            throw new IllegalArgumentException("yard '" + name + "' at " + path + " is this yard");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("yard '" + name + "' already exists");
        }
        if (byHa.containsKey(path)) {
            throw new IllegalArgumentException("a yard at " + path + " already exists");
        }
        LaneYard y = new LaneYard(name, path, LaneNames.uuid18());
        y.lastActive = lastNow;
        byName.put(name, y);
        byHa.put(path, y);
        if (found) {
            transientYards.put(name, y);
        }
        yardsVersion++;
        return y;
    }

    /** Removes a yard and its incomplete books; false when unknown. Messages queued for it are still sent. */
    public boolean removeYard(String name) {
        LaneYard y = byName.remove(name);
        if (y == null) {
            return false;
        }
        byHa.remove(y.ha());
        transientYards.remove(name);
        yardsVersion++;
        dropBooks(name, null);
        return true;
    }

    /**
     * A send to {@code path} found no socket: removes the yard there, as the reference "reaps" it (counted
     * {@code stale_transmit_yard}).
     *
     * @return the removed yard's name, or null
     */
    public String reap(String path) {
        counters.increment(LaneCounter.STALE_TRANSMIT_YARD);
        LaneYard y = byHa.get(path);
        if (y == null) {
            return null;
        }
        removeYard(y.name());
        return y.name();
    }

    public LaneYard yard(String name) {
        return byName.get(name);
    }

    /** The name of the known yard whose socket is at {@code path}, or null. */
    public String yardAt(String path) {
        LaneYard y = path == null ? null : byHa.get(path);
        return y == null ? null : y.name();
    }

    public List<String> yardNames() {
        return List.copyOf(byName.keySet());
    }

    /** Changes each time a yard is added or removed (a driver republishes its list when it changed). */
    public int yardsVersion() {
        return yardsVersion;
    }

    private void touch(LaneYard y, long now) {
        y.lastActive = now;
        transientYards.get(y.name()); // moves it to the most recently active end when it is transient
    }

    // ---------------------------------------------------------------- pages

    /** Pages of {@code body} for {@code yard}, serialized with the configured pack kind. */
    public Outgoing message(String yard, Map<String, ?> body) throws LaneException {
        return message(yard, body, config.packKind());
    }

    /** Pages of {@code body} for {@code yard}, serialized per {@code pk}. */
    public Outgoing message(String yard, Map<String, ?> body, PackKind pk) throws LaneException {
        LaneYard y = known(yard);
        byte[] packed;
        try {
            packed = encode(body, pk);
        } catch (LaneException e) {
            counters.increment(LaneCounter.PACKING_ERROR);
            throw e;
        }
        return pages(y, pk, packed);
    }

    /**
     * Serializes {@code body} per {@code pk} (no state: drivers call it on the sender's thread).
     *
     * @throws LaneException {@link LaneException.Kind#BAD_BODY}
     */
    public static byte[] encode(Map<String, ?> body, PackKind pk) throws LaneException {
        try {
            return Body.encode(pk, body);
        } catch (PacketException e) {
            throw new LaneException(LaneException.Kind.BAD_BODY, e.getMessage(), e);
        }
    }

    private LaneYard known(String yard) throws LaneException {
        LaneYard y = byName.get(yard);
        if (y == null) {
            drops.increment(LaneDrop.INVALID_DESTINATION);
            throw new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard + "'");
        }
        return y;
    }

    private Outgoing pages(LaneYard y, PackKind pk, byte[] packed) throws LaneException {
        long bi = y.nextBid();
        LaneHead head = new LaneHead().pk(pk).sn(config.name()).dn(y.name()).si(y.sid()).bi(bi);
        try {
            List<byte[]> pages = LaneCodec.paginate(head, packed, LaneCodec.MAX_PAGE_SIZE);
            return new Outgoing(y.name(), y.ha(), bi, pages);
        } catch (PacketException e) {
            counters.increment(LaneCounter.PACKING_ERROR);
            LaneException.Kind kind = e.reason() == Reason.TOO_LARGE ? LaneException.Kind.TOO_LARGE
                    : LaneException.Kind.BAD_BODY;
            throw new LaneException(kind, e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- send

    /** {@link #enqueue(String, PackKind, byte[], String, long)} of {@code body} serialized with the configured kind. */
    public long enqueue(String yard, Map<String, ?> body, String source, long now) throws LaneException {
        byte[] packed;
        try {
            packed = encode(body, config.packKind());
        } catch (LaneException e) {
            counters.increment(LaneCounter.PACKING_ERROR);
            throw e;
        }
        return enqueue(yard, config.packKind(), packed, source, now);
    }

    /**
     * Queues the serialized body {@code packed} for {@code yard} on behalf of {@code source}.
     *
     * @return the message's id, named again by its {@link Outcome}
     * @throws LaneException {@link LaneException.Kind#UNKNOWN_YARD}, {@link LaneException.Kind#TOO_LARGE},
     *     {@link LaneException.Kind#QUEUE_FULL} (counted {@code tx_queue_full}) when the destination's queue or the
     *     source's share of it is full
     */
    public long enqueue(String yard, PackKind pk, byte[] packed, String source, long now) throws LaneException {
        Objects.requireNonNull(source, "source");
        lastNow = now;
        LaneYard y = known(yard);
        Outgoing out = pages(y, pk, packed);
        Queued q = new Queued(++nextId, source, out);
        Outbox box = outboxes.get(out.ha());
        if (box != null) {
            String full = full(box, q);
            if (full != null) {
                counters.increment(LaneCounter.TX_QUEUE_FULL);
                throw new LaneException(LaneException.Kind.QUEUE_FULL, "queue to yard '" + yard + "' is full: " + full);
            }
        } else {
            box = new Outbox(out.ha(), now);
            outboxes.put(out.ha(), box);
            rotation.addLast(box);
        }
        box.queue.add(source, q);
        box.bytes += q.bytes;
        queuedTotal++;
        touch(y, now);
        return q.id;
    }

    /** Why {@code q} does not fit in {@code box}, or null when it does (an empty queue takes any one message). */
    private String full(Outbox box, Queued q) {
        if (box.queue.size() >= config.maxQueued()) {
            return box.queue.size() + " messages";
        }
        if (box.queue.size(q.source) >= config.maxQueuedPerSource()) {
            return box.queue.size(q.source) + " messages from '" + q.source + "'";
        }
        if (!box.queue.isEmpty() && box.bytes + q.bytes > config.maxQueuedBytes()) {
            return box.bytes + " bytes";
        }
        return null;
    }

    /**
     * The next page to write at {@code now}, or null when no destination is ready (none has messages, or those that
     * have are waiting out their backoff). Report how the write went with {@link #transmitted} before asking again;
     * a page not reported is handed out again.
     */
    public Page nextPage(long now) {
        lastNow = now;
        sending = null;
        while (true) {
            if (turn == null) {
                turn = nextTurn(now);
                if (turn == null) {
                    return null;
                }
                turnLeft = PAGES_PER_TURN;
            }
            if (turnLeft <= 0) {
                endTurn();
                continue;
            }
            Queued q = turn.queue.peek();
            if (q == null) {
                outboxes.remove(turn.ha, turn);
                turn = null;
                continue;
            }
            sending = q;
            return new Page(turn.ha, q.pages.get(q.next));
        }
    }

    /** The first destination in turn that is not waiting out a backoff, taken off the rotation; or null. */
    private Outbox nextTurn(long now) {
        for (int i = rotation.size(); i > 0; i--) {
            Outbox o = rotation.pollFirst();
            if (o.blocked && o.blockedUntil - now > 0) {
                rotation.addLast(o);
                continue;
            }
            o.blocked = false;
            return o;
        }
        return null;
    }

    private void endTurn() {
        if (turn != null && !turn.queue.isEmpty() && outboxes.get(turn.ha) == turn) {
            rotation.addLast(turn);
        } else if (turn != null && turn.queue.isEmpty()) {
            outboxes.remove(turn.ha, turn);
        }
        turn = null;
    }

    /**
     * How the write of the page {@link #nextPage} handed out went.
     *
     * @throws IllegalStateException when no page was handed out since the last report
     */
    public void transmitted(UxdSocket.SendResult result, long now) {
        Queued q = sending;
        Outbox o = turn;
        if (q == null || o == null) {
            throw new IllegalStateException("no page was handed out");
        }
        sending = null;
        lastNow = now;
        switch (result.status()) {
            case OK -> {
                q.next++;
                turnLeft--;
                o.lastProgress = now;
                o.backoff = MIN_BACKOFF_NANOS;
                counters.increment(LaneCounter.PAGES_SENT);
                LaneYard y = byHa.get(o.ha);
                if (y != null) {
                    touch(y, now);
                }
                if (q.next == q.pages.size()) {
                    dequeue(o, q);
                    counters.increment(LaneCounter.MESSAGES_SENT);
                    outcomes.add(new Outcome(q.id, null));
                }
            }
            case WOULD_BLOCK -> {
                counters.increment(LaneCounter.BUSY_TRANSMIT_YARD);
                if (now - o.lastProgress >= sendTimeout) {
                    timedOut(o, q.yard);
                    return;
                }
                o.blocked = true;
                o.blockedUntil = now + o.backoff;
                o.backoff = Math.min(MAX_BACKOFF_NANOS, o.backoff * 2);
                endTurn();
            }
            case PEER_GONE -> {
                reap(o.ha);
                fail(o, new LaneException(LaneException.Kind.PEER_GONE,
                        "yard '" + q.yard + "' has no socket at " + o.ha + ": " + result.message()));
            }
            case ERROR -> {
                counters.increment(LaneCounter.ERROR_TRANSMIT_YARD);
                dequeue(o, q);
                outcomes.add(new Outcome(q.id, new LaneException(LaneException.Kind.SEND_FAILED,
                        "sending to yard '" + q.yard + "' failed: " + result.message())));
            }
        }
    }

    /** Counts a defect met while writing to the destination of the page handed out, and fails that destination. */
    public void sendFailed(RuntimeException e, long now) {
        counters.increment(LaneCounter.SEND_ERROR);
        Outbox o = turn;
        sending = null;
        lastNow = now;
        if (o != null) {
            fail(o, new LaneException(LaneException.Kind.SEND_FAILED, e.toString(), e));
        }
    }

    private void timedOut(Outbox o, String yard) {
        counters.increment(LaneCounter.SEND_TIMEOUT);
        fail(o, new LaneException(LaneException.Kind.BUSY, "yard '" + yard + "' took no page for "
                + TimeUnit.NANOSECONDS.toMillis(sendTimeout) + " ms"));
    }

    private void dequeue(Outbox o, Queued q) {
        if (o.queue.remove(q.source, q)) {
            o.bytes -= q.bytes;
            queuedTotal--;
        }
    }

    /** Fails every message queued for the destination {@code o} and forgets it. */
    private void fail(Outbox o, LaneException e) {
        for (Queued q : o.queue.clear()) {
            outcomes.add(new Outcome(q.id, e));
            queuedTotal--;
        }
        o.bytes = 0;
        outboxes.remove(o.ha, o);
        rotation.remove(o);
        if (turn == o) {
            turn = null;
            sending = null;
        }
    }

    /** Fails every queued message with {@code e} (the driver is closing). */
    public void failAll(LaneException e) {
        for (Outbox o : List.copyOf(outboxes.values())) {
            fail(o, e);
        }
        rotation.clear();
        turn = null;
        sending = null;
    }

    /** How the next queued message ended, or null. */
    public Outcome pollOutcome() {
        return outcomes.pollFirst();
    }

    /** Messages queued for the yard {@code yard} and not yet wholly written. */
    public int queued(String yard) {
        LaneYard y = byName.get(yard);
        Outbox o = y == null ? null : outboxes.get(y.ha());
        return o == null ? 0 : o.queue.size();
    }

    /** Messages queued for every destination. */
    public int queued() {
        return queuedTotal;
    }

    // ---------------------------------------------------------------- timers

    /**
     * When {@link #tick} or {@link #nextPage} next has work without new input: a destination's backoff or send
     * timeout, a book's expiry, a yard's idle timeout; {@link Long#MAX_VALUE} when none.
     */
    public long nextWakeup() {
        long w = Deadlines.NONE;
        if (turn != null) {
            w = lastNow;
        }
        for (Outbox o : rotation) {
            if (o.blocked) {
                w = Deadlines.earliest(w, Deadlines.earliest(o.blockedUntil, o.lastProgress + sendTimeout));
            } else {
                w = Deadlines.earliest(w, lastNow);
            }
        }
        if (!partials.isEmpty()) {
            w = Deadlines.earliest(w, partials.values().iterator().next().lastPage + bookTimeout);
        }
        if (yardIdleTimeout > 0 && !transientYards.isEmpty()) {
            w = Deadlines.earliest(w, transientYards.values().iterator().next().lastActive + yardIdleTimeout);
        }
        return w;
    }

    /**
     * Serves the timers due at {@code now}: fails the destinations that took no page for the send timeout, drops the
     * books that got no page for the book timeout ({@code book_expired}) and forgets the transient yards idle for
     * the yard idle timeout ({@code idle_yard_reaped}).
     */
    public void tick(long now) {
        lastNow = now;
        for (Outbox o : List.copyOf(rotation)) {
            if (o.blocked && now - o.lastProgress >= sendTimeout) {
                Queued q = o.queue.peek();
                timedOut(o, q == null ? "?" : q.yard);
            }
        }
        Iterator<Map.Entry<LaneBook.Key, Partial>> books = partials.entrySet().iterator();
        while (books.hasNext()) {
            Partial p = books.next().getValue();
            if (now - (p.lastPage + bookTimeout) < 0) {
                break;
            }
            partialBytes -= p.bytes;
            books.remove();
            drops.increment(LaneDrop.BOOK_EXPIRED);
        }
        if (yardIdleTimeout > 0) {
            List<LaneYard> idle = new ArrayList<>();
            for (LaneYard y : transientYards.values()) {
                if (now - (y.lastActive + yardIdleTimeout) < 0) {
                    break;
                }
                idle.add(y);
            }
            for (LaneYard y : idle) {
                Outbox o = outboxes.get(y.ha());
                if (o != null && !o.queue.isEmpty()) {
                    touch(y, now); // messages wait for it: not idle
                    continue;
                }
                removeYard(y.name());
                counters.increment(LaneCounter.IDLE_YARD_REAPED);
            }
        }
    }

    // ---------------------------------------------------------------- receive

    /** {@link #receive(byte[], int, int, String, long)} at the time last given to the engine. */
    public LaneMessage receive(byte[] buf, int off, int len, String sender) {
        return receive(buf, off, len, sender, lastNow);
    }

    /**
     * Handles one datagram {@code buf[off, off+len)} from the socket at {@code sender} (null when unknown) at
     * {@code now}.
     *
     * @return the message it completes, or null (more pages needed, or the page was dropped and counted)
     */
    public LaneMessage receive(byte[] buf, int off, int len, String sender, long now) {
        lastNow = now;
        counters.increment(LaneCounter.PAGES_RECEIVED);
        ParsedPage page;
        try {
            page = LaneCodec.parse(buf, off, len);
        } catch (PacketException e) {
            drops.increment(LaneDrop.INVALID_PAGE_HEADER);
            return null;
        }
        LaneHead h = page.head();
        if (h.pc() > MAX_PAGE_COUNT) {
            drops.increment(LaneDrop.INVALID_PAGE_HEADER);
            return null;
        }
        if (!h.dn().equals(config.name())) {
            drops.increment(LaneDrop.INVALID_DESTINATION);
            return null;
        }
        LaneYard remote = byName.get(h.sn());
        if (remote == null) {
            remote = admit(h.sn(), sender);
            if (remote == null) {
                return null;
            }
        } else if (sender != null && !sender.equals(remote.ha())) {
            drops.increment(LaneDrop.INVALID_SOURCE_YARD);
            return null;
        }
        touch(remote, now);
        if (!h.si().equals(remote.rsid())) {
            remote.rsid(h.si());
            dropBooks(remote.name(), h.si());
        }
        if (h.pc() <= 1) {
            try {
                Map<String, Object> body = Body.decode(h.pk(), page.buffer(), page.bodyOffset(), page.bodyLength());
                counters.increment(LaneCounter.MESSAGES_RECEIVED);
                return new LaneMessage(body, remote.name());
            } catch (PacketException e) {
                drops.increment(LaneDrop.INVALID_BODY);
                return null;
            }
        }
        return paged(page, remote, now);
    }

    private LaneYard admit(String sn, String sender) {
        if (!config.accept() && !config.allowed().contains(sn)) {
            drops.increment(LaneDrop.UNACCEPTED_SOURCE_YARD);
            return null;
        }
        if (sender == null) {
            drops.increment(LaneDrop.INVALID_SOURCE_YARD);
            return null;
        }
        LaneNames.Names names = LaneNames.fromHa(sender);
        if (names == null || !names.yard().equals(sn) || !names.lane().equals(config.lane())
                || byHa.containsKey(sender) || sender.equals(ha)) {
            drops.increment(LaneDrop.INVALID_SOURCE_YARD);
            return null;
        }
        try {
            LaneNames.checkYard(sn);
        } catch (IllegalArgumentException e) {
            drops.increment(LaneDrop.INVALID_SOURCE_YARD);
            return null;
        }
        if (byName.size() >= MAX_ADMITTED_YARDS) {
            drops.increment(LaneDrop.YARD_CAPACITY);
            return null;
        }
        counters.increment(LaneCounter.YARDS_ADDED);
        return add(sn, sender, true);
    }

    private LaneMessage paged(ParsedPage page, LaneYard remote, long now) {
        LaneHead h = page.head();
        LaneBook.Key key = LaneBook.Key.of(h);
        Partial p = partials.get(key);
        if (p == null) {
            if (h.pn() != 0) {
                drops.increment(LaneDrop.MISSED_PAGE);
                return null;
            }
            p = new Partial();
            partials.put(key, p);
        } else if (p.seen.get(h.pn())) {
            drops.increment(LaneDrop.DUPLICATE_PAGE);
            return null;
        }
        boolean complete;
        try {
            complete = p.book.add(page);
        } catch (PacketException e) {
            remove(key);
            drops.increment(LaneDrop.INVALID_PAGE);
            return null;
        }
        p.seen.set(h.pn());
        p.bytes += page.bodyLength();
        p.lastPage = now;
        partialBytes += page.bodyLength();
        if (!complete) {
            evict(key);
            return null;
        }
        remove(key);
        try {
            Map<String, Object> body = p.book.message();
            counters.increment(LaneCounter.MESSAGES_RECEIVED);
            return new LaneMessage(body, remote.name());
        } catch (PacketException e) {
            drops.increment(LaneDrop.INVALID_BODY);
            return null;
        }
    }

    /** Drops the least recently active books (not {@code keep}) while the bounds are exceeded. */
    private void evict(LaneBook.Key keep) {
        Iterator<Map.Entry<LaneBook.Key, Partial>> it = partials.entrySet().iterator();
        while ((partials.size() > config.maxPartialBooks() || partialBytes > config.maxPartialBytes()) && it.hasNext()) {
            Map.Entry<LaneBook.Key, Partial> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            partialBytes -= e.getValue().bytes;
            it.remove();
            drops.increment(LaneDrop.BOOK_EVICTED);
        }
    }

    private void remove(LaneBook.Key key) {
        Partial p = partials.remove(key);
        if (p != null) {
            partialBytes -= p.bytes;
        }
    }

    /** Drops the incomplete books from {@code sn} whose session is not {@code keepSi} (all when null). */
    private void dropBooks(String sn, String keepSi) {
        Iterator<Map.Entry<LaneBook.Key, Partial>> it = partials.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<LaneBook.Key, Partial> e = it.next();
            if (e.getKey().sn().equals(sn) && (keepSi == null || !e.getKey().si().equals(keepSi))) {
                partialBytes -= e.getValue().bytes;
                it.remove();
                drops.increment(LaneDrop.STALE_BOOK);
            }
        }
    }

    /** Number of incomplete multi-page messages held. */
    public int partialBooks() {
        return partials.size();
    }

    /** Bytes held in incomplete multi-page messages. */
    public long partialBytes() {
        return partialBytes;
    }

    // ---------------------------------------------------------------- stats

    /** The counters; safe to count into from any thread (a driver counts what it refuses before the engine). */
    public Counters<LaneCounter> counters() {
        return counters;
    }

    /** The drops by reason; safe to count into from any thread. */
    public Counters<LaneDrop> drops() {
        return drops;
    }

    /** Every counter and drop that is not zero, by name; safe from any thread. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>();
        counters.addTo(m, "");
        drops.addTo(m, "");
        return m;
    }

    @Override
    public String toString() {
        return "LaneEngine[" + config.name() + " at " + ha + ", yards " + new ArrayList<>(byName.keySet()) + "]";
    }
}
