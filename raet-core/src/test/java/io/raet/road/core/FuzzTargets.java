package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.LaneBook;
import io.raet.codec.LaneCodec;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPacket;
import io.raet.codec.ParsedPage;
import io.raet.codec.RoadCodec;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import io.raet.lane.core.LaneConfig;
import io.raet.lane.core.LaneEngine;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fuzzing targets, shared by the Jazzer tests ({@code io.raet.road.RaetFuzzTest}) and the bounded random fuzzer that runs
 * in every build ({@code io.raet.road.FuzzSmokeTest}). A target may reject its input only with {@link PacketException} (or
 * through a counted drop); any other exception, a drop counted as {@code internal_error}, or engine state that
 * keeps growing is a failure.
 */
public final class FuzzTargets {
    private FuzzTargets() {}

    // ------------------------------------------------------------------ codec targets

    private static final SigningKey SIGNER = SigningKey.generate();
    private static final VerifyKey VERIFIER = SIGNER.verifyKey();
    private static final SharedKey SHARED = BoxKeyPair.generate().sharedKey(BoxKeyPair.generate().publicKey());

    /** {@code RoadCodec.parse}, {@code ParsedPacket.verify}, {@code Coat.open} and {@code Body.decode}. */
    public static void packet(byte[] data) {
        ParsedPacket p;
        try {
            p = RoadCodec.parse(data, 0, data.length);
        } catch (PacketException e) {
            return;
        }
        p.verify(VERIFIER);
        p.verify(null);
        for (BodyKind bk : BodyKind.values()) {
            try {
                Body.decode(bk, p.buffer(), p.coatOffset(), p.coatLength());
            } catch (PacketException e) {
                // rejected cleanly
            }
        }
        for (CoatKind ck : CoatKind.values()) {
            try {
                byte[] plain = Coat.open(ck, SHARED, p.buffer(), p.coatOffset(), p.coatLength());
                Body.decode(p.head().bk(), plain, 0, plain.length);
            } catch (PacketException e) {
                // rejected cleanly
            }
        }
        // Whatever parsed must encode again (the head is internally consistent).
        try {
            RoadCodec.encode(p.head().copy(), p.coat(), SIGNER, 1 << 20);
        } catch (PacketException e) {
            // out-of-range values may be refused on encode, never crash
        }
    }

    /**
     * {@code LaneCodec.parse} and {@code LaneBook}: the input is cut into up to 8 pages at the separator
     * {@code 0xff 0x00 0xff}; the pages go into books keyed as the reference keys them.
     */
    public static void page(byte[] data) {
        Map<LaneBook.Key, LaneBook> books = new java.util.HashMap<>();
        for (byte[] chunk : split(data, 8)) {
            ParsedPage page;
            try {
                page = LaneCodec.parse(chunk, 0, chunk.length);
            } catch (PacketException e) {
                continue;
            }
            LaneBook book = books.computeIfAbsent(LaneBook.Key.of(page.head()), k -> new LaneBook());
            try {
                if (book.add(page)) {
                    book.message();
                }
            } catch (PacketException e) {
                // rejected cleanly
            }
        }
    }

    static final int LANE_MAX_BOOKS = 8;
    static final long LANE_MAX_BYTES = io.raet.lane.core.LaneConfig.DEFAULT_MAX_PARTIAL_BYTES;
    private static io.raet.lane.core.LaneEngine laneEngine;
    private static String[] laneSenders;

    /**
     * {@code LaneEngine.receive} of one long-lived main yard (accepting unknown yards, small bounds on partial books):
     * the input is cut into pages as for {@link #page}, each received from one of a few source paths in turn (the
     * known yard, other yards of the lane, the main yard's own path, another directory, junk, none). Messages must
     * have bodies, and the partial books must stay within their bounds however many inputs came before.
     */
    public static synchronized void laneEngine(byte[] data) {
        if (laneEngine == null) {
            java.nio.file.Path dir = java.nio.file.Path.of("/tmp/raet-fuzz-lane");
            laneEngine = new io.raet.lane.core.LaneEngine(new io.raet.lane.core.LaneConfig("lane", "main", dir, true,
                    java.util.Set.of(), io.raet.codec.PackKind.JSON, LANE_MAX_BOOKS, LANE_MAX_BYTES));
            laneEngine.addYard("w1");
            laneSenders = new String[] {dir.resolve("lane.w1.uxd").toString(), dir.resolve("lane.w2.uxd").toString(),
                dir.resolve("lane.main.uxd").toString(), "/elsewhere/lane.w3.uxd", "junk", null};
        }
        int i = data.length;
        for (byte[] chunk : split(data, 8)) {
            int pick = i++ % (laneSenders.length + 3);
            // most often the path that matches the page's own sn, as a well-behaved yard sends
            String sender = pick < laneSenders.length ? laneSenders[pick] : "/tmp/raet-fuzz-lane/lane." + sn(chunk) + ".uxd";
            io.raet.lane.LaneMessage m = laneEngine.receive(chunk, 0, chunk.length, sender);
            if (m != null && (m.body() == null || m.from() == null)) {
                throw new IllegalStateException("message without body or sender");
            }
            if (laneEngine.partialBooks() > LANE_MAX_BOOKS || laneEngine.partialBytes() > LANE_MAX_BYTES + 70_000) {
                throw new IllegalStateException("partial books over their bounds: " + laneEngine.partialBooks()
                        + " books, " + laneEngine.partialBytes() + " bytes");
            }
        }
        if (laneEngine.yardNames().size() > io.raet.lane.core.LaneEngine.MAX_ADMITTED_YARDS) {
            throw new IllegalStateException("yards keep growing: " + laneEngine.yardNames());
        }
    }

    /** The text after {@code "\nsn "} up to the end of its line, or {@code "x"}. */
    static String sn(byte[] page) {
        String head = new String(page, 0, Math.min(page.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = head.indexOf("\nsn ");
        if (at < 0) {
            return "x";
        }
        int end = head.indexOf('\n', at + 4);
        return end < 0 ? "x" : head.substring(at + 4, end);
    }

    static List<byte[]> split(byte[] data, int max) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + 2 < data.length && out.size() < max - 1; i++) {
            if (data[i] == (byte) 0xff && data[i + 1] == 0 && data[i + 2] == (byte) 0xff) {
                out.add(Arrays.copyOfRange(data, start, i));
                start = i + 3;
                i += 2;
            }
        }
        out.add(Arrays.copyOfRange(data, start, data.length));
        return out;
    }

    // ------------------------------------------------------------------ engine targets

    /**
     * Two engines with a real session (alpha main, beta joined and allowed), the packets they exchanged while
     * setting it up and sending messages, and a virtual clock. Inputs go to alpha as if from beta's address.
     */
    static final class Session {
        final SimNetwork net = new SimNetwork(1234);
        final RoadEngine alpha;
        final RoadEngine beta;
        final List<byte[]> captured = new ArrayList<>();
        long inputs;

        Session() {
            net.filter = d -> {
                captured.add(d.clone());
                return true;
            };
            RoadEngine[] p = RoadEngineSimTest.pair(net);
            alpha = p[0];
            beta = p[1];
            beta.send("alpha", RoadEngineSimTest.body("small"), null, net.now);
            beta.send("alpha", RoadEngineSimTest.body("x".repeat(3000)), null, net.now);
            alpha.send("beta", RoadEngineSimTest.body("back"), null, net.now);
            beta.alive("alpha", net.now);
            net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 2
                    && net.events(alpha, RoadEvent.Delivered.class).size() == 1, 10 * RoadEngineSimTest.S);
            net.run(2 * RoadEngineSimTest.S);
            net.filter = d -> true;
            if (captured.size() < 10) {
                throw new IllegalStateException("session set-up failed");
            }
        }

        /** Hands one datagram to alpha, lets 1 ms of virtual time pass, and checks the engine's health. */
        void feed(byte[] d, InetSocketAddress from) {
            long internal = alpha.stats().get("drop_internal_error");
            alpha.receive(d, 0, d.length, from, net.now);
            if (alpha.stats().get("drop_internal_error") != internal) {
                throw new AssertionError("engine defect on input " + io.raet.crypto.Hex.encode(d) + ": "
                        + alpha.stats());
            }
            if (++inputs % 16 == 0) {
                net.step(SimNetwork.MS);
            } else {
                Outgoing o;
                while ((o = alpha.pollOutgoing()) != null) {
                    // answers to forged traffic are not delivered
                }
            }
            while (alpha.pollEvent() != null) {
                // drained
            }
            check();
        }

        void check() {
            int tx = 0;
            for (Peer r : alpha.peers()) {
                tx += r.transactions.size();
                if (r.pending.size() > 100) {
                    throw new AssertionError("pending messages grow: " + r.pending.size());
                }
            }
            if (alpha.remotes().size() > 200 || tx > 2000) {
                throw new AssertionError("engine state grows: " + alpha.remotes().size() + " remotes, " + tx
                        + " transactions");
            }
        }

        /** Re-signs a datagram that still parses with beta's key, so it reaches the transactions. */
        byte[] resign(byte[] d) {
            try {
                ParsedPacket p = RoadCodec.parse(d, 0, d.length);
                if (p.head().fk() != FootKind.NACL) {
                    return d;
                }
                byte[] out = d.clone();
                Arrays.fill(out, out.length - 64, out.length, (byte) 0);
                byte[] sig = new byte[64];
                beta.local().signer().sign(out, 0, out.length, sig, 0);
                System.arraycopy(sig, 0, out, out.length - 64, 64);
                return out;
            } catch (PacketException e) {
                return d;
            }
        }
    }

    private static Session session;

    /** The packets of a real session, captured once (a corpus for mutation). */
    public static List<byte[]> capturedTraffic() {
        return session().captured;
    }

    static synchronized Session session() {
        if (session == null || session.inputs > 200_000) {
            session = new Session();
        }
        return session;
    }

    static final InetSocketAddress BETA = SimNetwork.address(7541);
    static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.77", 4000);

    /** Arbitrary bytes into the engine's receive path, from beta's address or a stranger's. */
    public static void engineBytes(byte[] data) {
        Session s = session();
        s.feed(data, data.length > 0 && (data[0] & 1) != 0 ? STRANGER : BETA);
    }

    /**
     * Mutations of packets captured from a real session: the first two bytes choose a packet, the third how many
     * edits, then each edit is (op, position, value). Mutated packets that still parse are re-signed with beta's
     * key so that they pass the signature check and reach the transaction logic.
     */
    public static void engineMutation(byte[] data) {
        Session s = session();
        if (data.length < 3) {
            return;
        }
        byte[] base = s.captured.get(((data[0] & 0xff) << 8 | (data[1] & 0xff)) % s.captured.size());
        byte[] d = base.clone();
        int edits = (data[2] & 0x0f) + 1;
        int i = 3;
        for (int k = 0; k < edits && i + 3 < data.length && d.length > 0; k++, i += 4) {
            int op = data[i] & 0x07;
            int pos = ((data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff)) % Math.max(1, d.length);
            byte v = data[i + 3];
            d = switch (op) {
                case 0, 1 -> {
                    d[pos] = v;
                    yield d;
                }
                case 2 -> {
                    d[pos] ^= (byte) (1 << (v & 7));
                    yield d;
                }
                case 3 -> Arrays.copyOf(d, pos); // truncate
                case 4 -> { // insert
                    byte[] n = new byte[d.length + 1];
                    System.arraycopy(d, 0, n, 0, pos);
                    n[pos] = v;
                    System.arraycopy(d, pos, n, pos + 1, d.length - pos);
                    yield n;
                }
                case 5 -> { // delete
                    if (d.length == 0) {
                        yield d;
                    }
                    byte[] n = new byte[d.length - 1];
                    System.arraycopy(d, 0, n, 0, pos);
                    System.arraycopy(d, pos + 1, n, pos, d.length - pos - 1);
                    yield n;
                }
                case 6 -> { // a hex digit in the head
                    d[pos] = (byte) "0123456789abcdef".charAt(v & 15);
                    yield d;
                }
                default -> d; // no change: plain replay
            };
        }
        boolean resign = (data[2] & 0x10) == 0;
        s.feed(resign ? s.resign(d) : d, (data[2] & 0x20) != 0 ? STRANGER : BETA);
    }
}
