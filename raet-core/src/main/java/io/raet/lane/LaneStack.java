package io.raet.lane;

import io.raet.codec.Body;
import io.raet.codec.LaneBook;
import io.raet.codec.LaneCodec;
import io.raet.codec.LaneHead;
import io.raet.codec.PackKind;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A yard on a lane: one Unix-domain datagram socket at {@code <dir>/<lane>.<yard>.uxd}, pages as the reference
 * writes them (spec §11), large messages split into pages and put back together. One owner thread runs the
 * socket; {@link #send} and {@link #receive} are safe from any thread.
 */
public final class LaneStack implements AutoCloseable {
    /** Most partially received books kept at once; the oldest is dropped beyond that. */
    static final int MAX_PARTIAL_BOOKS = 256;

    private record Outbound(Path to, String yard, List<byte[]> pages, CompletableFuture<Void> done, int[] next) {}

    private final String lane;
    private final String name;
    private final Path dir;
    private final boolean accept;
    private final Set<String> allowed;
    private final PackKind packKind;
    private final UxdSocket socket;
    private final Thread owner;
    private final ConcurrentLinkedQueue<Outbound> submitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Outbound> sending = new ArrayDeque<>();
    private final BlockingQueue<LaneMessage> inbox = new LinkedBlockingQueue<>();
    private final Map<String, String> sessionTo = new HashMap<>();
    private final Map<String, Long> bookIds = new HashMap<>();
    private final Map<String, String> sessionFrom = new HashMap<>();
    private final LinkedHashMap<LaneBook.Key, LaneBook> books = new LinkedHashMap<>();
    /** Counters, written by the owner thread only; readers take a copy. */
    private final Map<String, Long> stats = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LaneStack(Builder b) {
        this.lane = b.lane;
        this.name = b.yard;
        this.dir = b.dir;
        this.accept = b.accept;
        this.allowed = Set.copyOf(b.allowed);
        this.packKind = b.packKind;
        this.socket = UxdSocket.bind(path(dir, lane, name));
        this.owner = Thread.ofPlatform().daemon(true).name("raet-lane-" + name).unstarted(this::run);
        owner.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The socket path of a yard: {@code <dir>/<lane>.<yard>.uxd}. */
    public static Path path(Path dir, String lane, String yard) {
        return dir.resolve(lane + "." + yard + ".uxd");
    }

    static void checkName(String what, String n) {
        if (n == null || n.isEmpty() || n.indexOf('.') >= 0 || n.indexOf(' ') >= 0 || n.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " must be non-empty, without dots, spaces or slashes: " + n);
        }
    }

    /** A session id like the reference's: hex microseconds since the epoch, then random hex, 18 characters. */
    static String uuid18() {
        long micros = System.currentTimeMillis() * 1000L;
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return (Long.toHexString(micros) + HexFormat.of().formatHex(r)).substring(0, 18);
    }

    public String name() {
        return name;
    }

    public Path path() {
        return socket.path();
    }

    /**
     * Sends a message to the yard {@code yard} of this lane; the future completes when every page is handed to
     * the kernel, and fails when no such yard exists or the body cannot be serialized.
     */
    public CompletableFuture<Void> send(String yard, Map<String, ?> body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            checkName("yard name", yard);
            byte[] encoded = Body.encode(packKind, body);
            submitted.add(new Outbound(path(dir, lane, yard), yard, List.of(encoded), done, null));
        } catch (PacketException | IllegalArgumentException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    public LaneMessage receive() throws InterruptedException {
        return inbox.take();
    }

    public LaneMessage receive(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A copy of the counters: pages and messages sent and received, drops by reason. */
    public Map<String, Long> stats() {
        return new TreeMap<>(stats);
    }

    private void count(String key) {
        stats.merge(key, 1L, Long::sum);
    }

    // ------------------------------------------------------------------ owner thread

    private void run() {
        try {
            while (running) {
                Outbound o;
                while ((o = submitted.poll()) != null) {
                    paginate(o);
                }
                boolean blocked = flush();
                socket.poll(blocked ? 1 : (sending.isEmpty() && submitted.isEmpty() ? 20 : 0));
                UxdSocket.Datagram d;
                int n = 0;
                while (n++ < 1024 && (d = socket.receive()) != null) {
                    receivePage(d);
                }
            }
        } catch (RuntimeException e) {
            count("owner_failed");
        }
    }

    private void paginate(Outbound o) {
        String si = sessionTo.computeIfAbsent(o.yard(), y -> uuid18());
        long bi = bookIds.merge(o.yard(), 1L, (a, b) -> a >= 0xffffffffL ? 1 : a + 1);
        LaneHead head = new LaneHead().pk(packKind).sn(name).dn(o.yard()).si(si).bi(bi);
        try {
            List<byte[]> pages = LaneCodec.paginate(head, o.pages().get(0), LaneCodec.MAX_PAGE_SIZE);
            sending.add(new Outbound(o.to(), o.yard(), pages, o.done(), new int[] {0}));
        } catch (PacketException e) {
            o.done().completeExceptionally(e);
        }
    }

    /** Sends what the kernel takes; true when a destination's queue was full. */
    private boolean flush() {
        while (!sending.isEmpty()) {
            Outbound o = sending.peek();
            while (o.next()[0] < o.pages().size()) {
                byte[] page = o.pages().get(o.next()[0]);
                UxdSocket.SendResult r;
                try {
                    r = socket.send(o.to(), page, 0, page.length);
                } catch (UxdException e) {
                    sending.poll();
                    o.done().completeExceptionally(e);
                    count("send_error");
                    r = null;
                }
                if (r == null) {
                    break;
                }
                switch (r) {
                    case SENT -> {
                        o.next()[0]++;
                        count("pages_sent");
                    }
                    case WOULD_BLOCK -> {
                        count("send_would_block");
                        return true;
                    }
                    case PEER_GONE -> {
                        sending.poll();
                        sessionTo.remove(o.yard());
                        bookIds.remove(o.yard());
                        count("yard_gone");
                        o.done().completeExceptionally(new UxdException("no yard " + o.yard() + " at " + o.to(), 0));
                        o.next()[0] = o.pages().size() + 1;
                    }
                }
            }
            if (o.next()[0] == o.pages().size()) {
                sending.poll();
                o.done().complete(null);
                count("messages_sent");
            }
        }
        return false;
    }

    private void receivePage(UxdSocket.Datagram d) {
        count("pages_received");
        ParsedPage page;
        try {
            page = LaneCodec.parse(d.data(), 0, d.data().length);
        } catch (PacketException e) {
            count("drop_bad_page");
            return;
        }
        LaneHead h = page.head();
        if (!name.equals(h.dn())) {
            count("drop_wrong_destination");
            return;
        }
        String sn = h.sn();
        boolean known = sessionFrom.containsKey(sn);
        if (!known && !(accept || allowed.contains(sn))) {
            count("drop_unknown_yard");
            return;
        }
        if (!known && accept && !allowed.contains(sn)) {
            // A new yard must speak from its own socket: <dir>/<lane>.<sn>.uxd.
            Path expected = path(dir, lane, sn);
            if (d.from() == null || !d.from().getFileName().toString().equals(expected.getFileName().toString())) {
                count("drop_yard_path_mismatch");
                return;
            }
        }
        String prior = sessionFrom.put(sn, h.si());
        if (prior != null && !prior.equals(h.si())) {
            books.keySet().removeIf(k -> k.sn().equals(sn));
            count("yard_new_session");
        }
        LaneBook.Key key = LaneBook.Key.of(h);
        LaneBook book = books.get(key);
        try {
            if (book == null) {
                book = new LaneBook();
                if (books.size() >= MAX_PARTIAL_BOOKS) {
                    books.remove(books.keySet().iterator().next());
                    count("drop_partial_book_overflow");
                }
                books.put(key, book);
            }
            if (book.add(page)) {
                books.remove(key);
                count("messages_received");
                inbox.add(new LaneMessage(sn, book.message()));
            }
        } catch (PacketException e) {
            books.remove(key);
            count("drop_bad_book");
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            owner.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    /** Builds a yard; the name is required, the rest has defaults. */
    public static final class Builder {
        private String lane = "lane";
        private String yard;
        private Path dir;
        private boolean accept = true;
        private Set<String> allowed = Set.of();
        private PackKind packKind = PackKind.JSON;

        public Builder lane(String lane) {
            this.lane = lane;
            return this;
        }

        public Builder yard(String yard) {
            this.yard = yard;
            return this;
        }

        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Whether unknown yards may send to this one (default true, as the reference). */
        public Builder accept(boolean accept) {
            this.accept = accept;
            return this;
        }

        /** Yards always admitted; with {@code accept(false)} the only ones. */
        public Builder allowed(Set<String> yards) {
            this.allowed = yards;
            return this;
        }

        public Builder packKind(PackKind pk) {
            this.packKind = pk;
            return this;
        }

        public LaneStack build() {
            checkName("lane name", lane);
            checkName("yard name", yard);
            if (dir == null) {
                throw new IllegalArgumentException("a lane needs a socket directory");
            }
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new UxdException("cannot create " + dir + ": " + e.getMessage(), 0);
            }
            return new LaneStack(this);
        }
    }
}
