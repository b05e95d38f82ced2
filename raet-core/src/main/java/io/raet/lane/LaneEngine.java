package io.raet.lane;

import io.raet.codec.Body;
import io.raet.codec.LaneBook;
import io.raet.codec.LaneCodec;
import io.raet.codec.LaneHead;
import io.raet.codec.PackKind;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPage;
import io.raet.codec.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The lane protocol without I/O: turns messages into pages for a destination yard and pages from a socket into
 * messages. Not thread-safe; one owner drives it.
 *
 * <p>Sending follows the reference: each page carries {@code sn} = this yard, {@code dn} = the destination,
 * {@code si} = the session id this side chose for the destination (a fresh 18-character id per yard entry) and
 * {@code bi} = the next book id for the destination (from 1, wrapping 0xffffffff → 1). Bodies larger than one page
 * are cut as the reference cuts them.
 *
 * <p>Receiving checks more than the reference: pages whose head does not parse, or whose {@code dn} is not this
 * yard, are dropped (the reference logs and goes on). An unknown {@code sn} is admitted only when
 * {@link LaneConfig#accept()} or the allow-list permits and the datagram's source path is
 * {@code <lane>.<sn>.uxd} on this lane; a known {@code sn} must come from its recorded path. A new {@code si} from a
 * yard discards that yard's incomplete books. Multi-page books are keyed by {@code (dn, sn, si, bi)}, must start with
 * page 0, and are bounded in number and bytes (oldest dropped). Every drop is counted in {@link #stats()}.
 */
public final class LaneEngine {
    /** Ready-to-send pages of one message. */
    /** Largest page count: {@code pn} and {@code pc} are written as four hex digits. */
    public static final int MAX_PAGE_COUNT = 0xffff;
    /** Most yards admitted on first contact; beyond it a new yard is refused ({@code yard_capacity}). */
    public static final int MAX_ADMITTED_YARDS = 4096;

    public record Outgoing(String yard, String ha, long bi, List<byte[]> pages) {}

    private final LaneConfig config;
    private final String ha;
    private final Map<String, LaneYard> byName = new LinkedHashMap<>();
    private final Map<String, LaneYard> byHa = new LinkedHashMap<>();
    private final LinkedHashMap<LaneBook.Key, Partial> partials = new LinkedHashMap<>();
    private long partialBytes;
    private final Map<String, Long> stats = new TreeMap<>();

    private static final class Partial {
        final LaneBook book = new LaneBook();
        final BitSet seen = new BitSet();
        long bytes;
    }

    public LaneEngine(LaneConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.ha = config.ha().toString();
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

    /** Adds the yard {@code name} of this lane, expected in this yard's directory. */
    public LaneYard addYard(String name) {
        return addYard(name, LaneNames.ha(config.dir(), config.lane(), name));
    }

    /**
     * Adds a yard at {@code path}. The file name must be {@code <lane>.<name>.uxd}, the lane may differ from this
     * one (as in the reference).
     *
     * @throws IllegalArgumentException when the name is invalid, does not match the path, or the name or path is
     *     taken
     */
    public LaneYard addYard(String name, Path path) {
        LaneNames.checkYard(name);
        String p = path.toAbsolutePath().normalize().toString();
        LaneNames.Names names = LaneNames.fromHa(p);
        if (names == null || !names.yard().equals(name)) {
            throw new IllegalArgumentException("yard name '" + name + "' does not match the path " + p);
        }
        LaneNames.checkLane(names.lane());
        return add(name, p);
    }

    private LaneYard add(String name, String path) {
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
        byName.put(name, y);
        byHa.put(path, y);
        return y;
    }

    /** Removes a yard and its incomplete books; false when unknown. */
    public boolean removeYard(String name) {
        LaneYard y = byName.remove(name);
        if (y == null) {
            return false;
        }
        byHa.remove(y.ha());
        dropBooks(name, null);
        return true;
    }

    /**
     * A send to {@code path} found no socket: removes the yard there, as the reference "reaps" it.
     *
     * @return the removed yard's name, or null
     */
    public String reap(String path) {
        count("stale_transmit_yard");
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

    // ---------------------------------------------------------------- send

    /** Pages of {@code body} for {@code yard}, serialized with the configured pack kind. */
    public Outgoing message(String yard, Map<String, ?> body) throws LaneException {
        return message(yard, body, config.packKind());
    }

    /** Pages of {@code body} for {@code yard}, serialized per {@code pk}. */
    public Outgoing message(String yard, Map<String, ?> body, PackKind pk) throws LaneException {
        LaneYard y = byName.get(yard);
        if (y == null) {
            count("invalid_destination");
            throw new LaneException(LaneException.Kind.UNKNOWN_YARD, "unknown yard '" + yard + "'");
        }
        byte[] packed;
        try {
            packed = Body.encode(pk, body);
        } catch (PacketException e) {
            count("packing_error");
            throw new LaneException(LaneException.Kind.BAD_BODY, e.getMessage(), e);
        }
        long bi = y.nextBid();
        LaneHead head = new LaneHead().pk(pk).sn(config.name()).dn(y.name()).si(y.sid()).bi(bi);
        try {
            List<byte[]> pages = LaneCodec.paginate(head, packed, LaneCodec.MAX_PAGE_SIZE);
            return new Outgoing(y.name(), y.ha(), bi, pages);
        } catch (PacketException e) {
            count("packing_error");
            LaneException.Kind kind = e.reason() == Reason.TOO_LARGE ? LaneException.Kind.TOO_LARGE
                    : LaneException.Kind.BAD_BODY;
            throw new LaneException(kind, e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- receive

    /**
     * Handles one datagram {@code buf[off, off+len)} from the socket at {@code sender} (null when unknown).
     *
     * @return the message it completes, or null (more pages needed, or the page was dropped and counted)
     */
    public LaneMessage receive(byte[] buf, int off, int len, String sender) {
        count("pages_received");
        ParsedPage page;
        try {
            page = LaneCodec.parse(buf, off, len);
        } catch (PacketException e) {
            count("invalid_page_header");
            return null;
        }
        LaneHead h = page.head();
        if (h.pc() > MAX_PAGE_COUNT) {
            count("invalid_page_header");
            return null;
        }
        if (!h.dn().equals(config.name())) {
            count("invalid_destination");
            return null;
        }
        LaneYard remote = byName.get(h.sn());
        if (remote == null) {
            remote = admit(h.sn(), sender);
            if (remote == null) {
                return null;
            }
        } else if (sender != null && !sender.equals(remote.ha())) {
            count("invalid_source_yard");
            return null;
        }
        if (!h.si().equals(remote.rsid())) {
            remote.rsid(h.si());
            dropBooks(remote.name(), h.si());
        }
        if (h.pc() <= 1) {
            try {
                Map<String, Object> body = Body.decode(h.pk(), page.buffer(), page.bodyOffset(), page.bodyLength());
                count("messages_received");
                return new LaneMessage(body, remote.name());
            } catch (PacketException e) {
                count("invalid_body");
                return null;
            }
        }
        return paged(page, remote);
    }

    private LaneYard admit(String sn, String sender) {
        if (!config.accept() && !config.allowed().contains(sn)) {
            count("unaccepted_source_yard");
            return null;
        }
        if (sender == null) {
            count("invalid_source_yard");
            return null;
        }
        LaneNames.Names names = LaneNames.fromHa(sender);
        if (names == null || !names.yard().equals(sn) || !names.lane().equals(config.lane())
                || byHa.containsKey(sender) || sender.equals(ha)) {
            count("invalid_source_yard");
            return null;
        }
        try {
            LaneNames.checkYard(sn);
        } catch (IllegalArgumentException e) {
            count("invalid_source_yard");
            return null;
        }
        if (byName.size() >= MAX_ADMITTED_YARDS) {
            count("yard_capacity");
            return null;
        }
        count("yards_added");
        return add(sn, sender);
    }

    private LaneMessage paged(ParsedPage page, LaneYard remote) {
        LaneHead h = page.head();
        LaneBook.Key key = LaneBook.Key.of(h);
        Partial p = partials.get(key);
        if (p == null) {
            if (h.pn() != 0) {
                count("missed_page");
                return null;
            }
            p = new Partial();
            partials.put(key, p);
        } else if (p.seen.get(h.pn())) {
            count("duplicate_page");
            return null;
        }
        boolean complete;
        try {
            complete = p.book.add(page);
        } catch (PacketException e) {
            remove(key);
            count("invalid_page");
            return null;
        }
        p.seen.set(h.pn());
        p.bytes += page.bodyLength();
        partialBytes += page.bodyLength();
        if (!complete) {
            evict(key);
            return null;
        }
        remove(key);
        try {
            Map<String, Object> body = p.book.message();
            count("messages_received");
            return new LaneMessage(body, remote.name());
        } catch (PacketException e) {
            count("invalid_body");
            return null;
        }
    }

    /** Drops the oldest books (not {@code keep}) while the bounds are exceeded. */
    private void evict(LaneBook.Key keep) {
        Iterator<Map.Entry<LaneBook.Key, Partial>> it = partials.entrySet().iterator();
        while ((partials.size() > config.maxPartialBooks() || partialBytes > config.maxPartialBytes()) && it.hasNext()) {
            Map.Entry<LaneBook.Key, Partial> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            partialBytes -= e.getValue().bytes;
            it.remove();
            count("book_evicted");
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
                count("stale_book");
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

    /** Adds one to counter {@code key}. */
    public void count(String key) {
        stats.merge(key, 1L, Long::sum);
    }

    /** A copy of the counters. */
    public Map<String, Long> stats() {
        return Collections.unmodifiableMap(new TreeMap<>(stats));
    }

    @Override
    public String toString() {
        return "LaneEngine[" + config.name() + " at " + ha + ", yards " + new ArrayList<>(byName.keySet()) + "]";
    }
}
