package io.raet.codec;

import static io.raet.Quick.bytes;
import static io.raet.Quick.qt;
import static io.raet.Quick.seeds;
import static io.raet.Quick.unchecked;
import static io.raet.Quick.unchecked2;
import static io.raet.Quick.unchecked3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.Hex;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Round trips and robustness of every codec against generated input. */
class CodecProperties {
    private static final SigningKey SIGNER = SigningKey.fromSeed(new byte[32]);
    private static final VerifyKey OTHER = SigningKey.fromSeed(fill(1)).verifyKey();

    private static byte[] fill(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    @SuppressWarnings("unchecked")
    private static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        Gen<T>[] all = (Gen<T>[]) gens;
        return Generate.oneOf(all[0], Arrays.copyOfRange(all, 1, all.length));
    }

    private static <T> Gen<T> weighted(int w1, Gen<T> g1, int w2, Gen<T> g2, int w3, Gen<T> g3) {
        return Generate.frequency(Pair.of(w1, g1), Pair.of(w2, g2), Pair.of(w3, g3));
    }

    // ------------------------------------------------------------------------------------------ heads

    static Gen<RoadHead> heads() {
        Gen<Long> u32 = oneOf(longs().between(0, 0xffffffffL), Generate.pick(List.of(0L, 1L, 0xffffffffL)));
        Gen<Integer> i31 = oneOf(integers().between(0, Integer.MAX_VALUE), integers().between(0, 20));
        Gen<Long> oi = oneOf(Generate.constant(0L), longs().between(0, Long.MAX_VALUE));
        Gen<Long> dtMicros = oneOf(Generate.constant(0L), longs().between(-1_000_000_000_000L, 1_000_000_000_000L));
        Gen<HeadKind> hk = Generate.enumValues(HeadKind.class);
        Gen<PacketKind> pk = Generate.enumValues(PacketKind.class);
        Gen<TransactionKind> tk = Generate.enumValues(TransactionKind.class);
        Gen<BodyKind> bk = Generate.enumValues(BodyKind.class);
        Gen<CoatKind> ck = Generate.enumValues(CoatKind.class);
        Gen<FootKind> fk = Generate.enumValues(FootKind.class);
        Gen<Integer> fg = integers().between(0, 255);
        Gen<RoadHead> heads = in -> new RoadHead()
                .hk(hk.generate(in)).pk(pk.generate(in)).tk(tk.generate(in))
                .bk(bk.generate(in)).ck(ck.generate(in)).fk(fk.generate(in))
                .se(u32.generate(in)).de(u32.generate(in)).si(u32.generate(in)).ti(u32.generate(in))
                .sn(i31.generate(in)).sc(Math.max(1, i31.generate(in))).ml(i31.generate(in))
                .oi(oi.generate(in)).dt(dtMicros.generate(in) / 1e6)
                .fg(fg.generate(in));
        return heads.describedAs(RoadHead::toString);
    }

    /** Any finite double, from all bit patterns (an infinite or NaN pattern becomes its value as a long). */
    static Gen<Double> anyFinite() {
        Gen<Double> fromBits = longs().all().map(bits -> {
            double d = Double.longBitsToDouble(bits);
            return Double.isFinite(d) ? d : (double) bits;
        });
        return oneOf(doubles().any().map(d -> Double.isFinite(d) ? d : 0.0), fromBits);
    }

    /** Heads whose encoding fits in {@link RoadCodec#MAX_HEAD_SIZE}; JSON heads get any finite {@code dt}. */
    static Gen<RoadHead> fittingHeads() {
        Gen<RoadHead> heads = heads();
        Gen<Double> jsonDt = anyFinite();
        Gen<RoadHead> g = in -> {
            RoadHead head = heads.generate(in);
            double dt = jsonDt.generate(in);
            if (head.hk() == HeadKind.JSON && head.dt() != 0.0) {
                head.dt(dt); // JSON heads spell dt like repr(): exact; RAET heads use %f: microseconds
            }
            return head;
        };
        return g.assuming(h -> RoadCodec.headSize(h) <= RoadCodec.MAX_HEAD_SIZE).describedAs(RoadHead::toString);
    }

    @Test
    void roadPacketsRoundTrip() {
        qt(400).forAll(fittingHeads(), bytes(0, 400)).checkAssert(unchecked2(CodecProperties::roadPacketsRoundTrip));
    }

    private static void roadPacketsRoundTrip(RoadHead head, byte[] coat) throws PacketException {
        byte[] packet = RoadCodec.encode(head, coat, SIGNER, 0xffff);
        assertThat(packet).hasSize(head.pl());
        byte[] buf = new byte[packet.length + 10];
        System.arraycopy(packet, 0, buf, 5, packet.length);
        ParsedPacket p = RoadCodec.parse(buf, 5, packet.length);
        assertThat(p.head()).isEqualTo(head);
        assertThat(p.coat()).isEqualTo(coat);
        assertThat(p.verify(SIGNER.verifyKey())).isEqualTo(head.fk() == FootKind.NACL);
        assertThat(p.verify(OTHER)).isFalse();
        assertThat(RoadCodec.encode(p.head().copy(), p.coat(), SIGNER, 0xffff)).isEqualTo(packet);
        assertThat(RoadCodec.headSize(head)).isEqualTo(head.hl());
    }

    // ------------------------------------------------------------------------------------------ bodies

    /**
     * Strings of up to 40 chars: any UTF-16 units (lone surrogates too), ASCII, or a few chosen ones; with
     * {@code validUnicode} only well-formed text (code points outside the surrogate range).
     */
    private static Gen<String> text(boolean validUnicode) {
        Gen<String> any = validUnicode
                ? lists().of(integers().between(0, Character.MAX_CODE_POINT - 0x800)
                        .map(cp -> cp >= Character.MIN_SURROGATE ? cp + 0x800 : cp)).ofSizeBetween(0, 40)
                        .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                                StringBuilder::append).toString())
                : chars(0, 0xffff);
        return oneOf(any, chars(0, 0x7f),
                Generate.pick(List.of("", "\u00e9", "\uD83D\uDE00", "\u2028", "\"\\/", "\u0000\u007f",
                        "x".repeat(300))));
    }

    private static Gen<String> chars(int from, int to) {
        return lists().of(integers().between(from, to)).ofSizeBetween(0, 40).map(cs -> {
            StringBuilder sb = new StringBuilder(cs.size());
            cs.forEach(c -> sb.append((char) c.intValue()));
            return sb.toString();
        });
    }

    private static Gen<Object> values(boolean msgpack, int depth) {
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        // msgpack: the uint64 range above Long.MAX_VALUE; JSON: integers from 2^64 to 2^200
        Gen<Object> big = msgpack
                ? longs().all().map(l -> BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(l & Long.MAX_VALUE)))
                : bytes(1, 25).map(b -> new BigInteger(1, b).mod(BigInteger.ONE.shiftLeft(200).subtract(two64)
                        .add(BigInteger.ONE)).add(two64));
        List<Gen<Object>> leaves = new ArrayList<>(List.of(
                text(msgpack).map(v -> v),
                longs().all().map(v -> v),
                longs().between(-300, 300).map(v -> v),
                doubles().any().map(v -> v),
                Generate.pick(List.<Object>of(Double.NaN, -0.0, 1e16, 5e-324, Double.POSITIVE_INFINITY)),
                booleans().all().map(v -> v),
                Generate.constant(() -> null),
                big));
        if (msgpack) {
            leaves.add(bytes(0, 40).map(v -> v));
        }
        @SuppressWarnings("unchecked")
        Gen<Object> leaf = oneOf(leaves.toArray(new Gen[0]));
        if (depth == 0) {
            return leaf;
        }
        Gen<Object> inner = values(msgpack, depth - 1);
        Gen<Object> list = lists().of(inner).ofSizeBetween(0, 4).map(l -> l);
        Gen<Object> map = maps(inner).map(m -> m);
        return weighted(6, leaf, 1, list, 1, map);
    }

    /**
     * Maps of up to 5 keys. Keys are well-formed text: a JSON field name with a lone surrogate ({@code "\\ud800"})
     * is refused by the JSON decoder (a counted {@code BAD_BODY} drop), values may hold any UTF-16 units.
     */
    private static Gen<Map<String, Object>> maps(Gen<Object> values) {
        return lists().of(text(true)).ofSizeBetween(0, 5).zip(lists().of(values).ofSize(5), (keys, vals) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                m.put(keys.get(i), vals.get(i));
            }
            return m;
        });
    }

    static Gen<Map<String, Object>> jsonBodies() {
        return maps(values(false, 3));
    }

    static Gen<Map<String, Object>> msgpackBodies() {
        return maps(values(true, 3));
    }

    @Test
    void jsonBodiesRoundTrip() {
        qt(300).forAll(jsonBodies()).checkAssert(unchecked(CodecProperties::jsonBodiesRoundTrip));
    }

    private static void jsonBodiesRoundTrip(Map<String, Object> body) throws PacketException {
        byte[] b = Body.encode(BodyKind.JSON, body);
        for (byte x : b) {
            assertThat(x).as("ASCII only").isBetween((byte) 0x20, (byte) 0x7e);
        }
        Object back = Body.decode(BodyKind.JSON, b, 0, b.length);
        assertThat(back).isEqualTo(body);
        assertThat(Body.encode(BodyKind.JSON, back)).isEqualTo(b);
    }

    @Test
    void msgpackBodiesRoundTrip() {
        qt(300).forAll(msgpackBodies()).checkAssert(unchecked(CodecProperties::msgpackBodiesRoundTrip));
    }

    private static void msgpackBodiesRoundTrip(Map<String, Object> body) throws PacketException {
        byte[] b = Body.encode(BodyKind.MSGPACK, body);
        Object back = Body.decode(BodyKind.MSGPACK, b, 0, b.length);
        assertThat(back).usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(body);
        assertThat(Body.encode(BodyKind.MSGPACK, back)).isEqualTo(b);
    }

    @Test
    void rawBodiesPassThrough() {
        qt(100).forAll(bytes(0, 300)).checkAssert(unchecked(CodecProperties::rawBodiesPassThrough));
    }

    private static void rawBodiesPassThrough(byte[] raw) throws PacketException {
        assertThat(Body.encode(BodyKind.RAW, raw)).isSameAs(raw);
        assertThat(Body.decode(BodyKind.RAW, raw, 0, raw.length)).isEqualTo(raw);
    }

    // ------------------------------------------------------------------------------------------ robustness

    private static final List<byte[]> SEEDS = new ArrayList<>();
    private static final List<byte[]> PAGE_SEEDS = new ArrayList<>();
    private static final List<SharedKey> KEYS = new ArrayList<>();

    static {
        for (var file : Vectors.files("*.jsonl")) {
            for (var line : Vectors.lines(file, "packet")) {
                SEEDS.add(Vectors.hex(line.get("hex")));
            }
            for (var line : Vectors.lines(file, "page")) {
                byte[] page = Vectors.hex(line.get("hex"));
                PAGE_SEEDS.add(page.length > 4000 ? Arrays.copyOf(page, 4000) : page);
            }
        }
        var session = Vectors.lines(Vectors.dir().resolve("message_small.jsonl"), "session").getFirst();
        session.get("remotes").forEach(r -> KEYS.add(BoxKeyPair.fromHex(r.get("short_prihex").asText())
                .sharedKey(PublicKey.fromHex(r.get("peer_short_pubhex").asText()))));
        try {
            SEEDS.add(RoadCodec.encode(new RoadHead().hk(HeadKind.JSON).pk(PacketKind.RESEND).bk(BodyKind.JSON)
                    .ck(CoatKind.NACL).fk(FootKind.NACL).si(1).ti(2),
                    Coat.seal(CoatKind.NACL, KEYS.get(0), "{\"misseds\":[1,2]}".getBytes()), SIGNER, 1024));
            SEEDS.add(RoadCodec.encode(new RoadHead().bk(BodyKind.MSGPACK),
                    Body.encode(BodyKind.MSGPACK, Map.of("a", List.of(1, "b", 2.5), "c", new byte[3])), null, 1024));
        } catch (PacketException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies 1–4 random edits: byte flips, digit changes, truncations, insertions, deletions. */
    static byte[] mutate(byte[] seed, long randomSeed) {
        Random r = new Random(randomSeed);
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        byte[] alphabet = "0123456789abcdefABCDEF \n\r{}\":,-+.xRAETrivnpkplhlfgsedesititkdtoisnscmlbkckfkfl"
                .getBytes();
        for (int e = 0; e < edits; e++) {
            int n = b.length;
            switch (r.nextInt(6)) {
                case 0 -> { if (n > 0) b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8)); }
                case 1 -> { if (n > 0) b[r.nextInt(Math.min(n, 120))] = alphabet[r.nextInt(alphabet.length)]; }
                case 2 -> b = Arrays.copyOf(b, r.nextInt(n + 1));
                case 3 -> {
                    int at = r.nextInt(Math.min(n, 120) + 1);
                    byte[] out = new byte[n + 1];
                    System.arraycopy(b, 0, out, 0, at);
                    out[at] = r.nextBoolean() ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
                    System.arraycopy(b, at, out, at + 1, n - at);
                    b = out;
                }
                case 4 -> {
                    if (n > 0) {
                        int at = r.nextInt(Math.min(n, 120));
                        byte[] out = new byte[n - 1];
                        System.arraycopy(b, 0, out, 0, at);
                        System.arraycopy(b, at + 1, out, at, n - at - 1);
                        b = out;
                    }
                }
                default -> { if (n > 0) b[n - 1 - r.nextInt(Math.min(n, 80))] = (byte) r.nextInt(256); }
            }
        }
        return b;
    }

    private interface Step {
        void run() throws PacketException;
    }

    /** Runs {@code s}; a PacketException is an accepted outcome, anything else fails the property. */
    private static boolean onlyPacketException(Step s) {
        try {
            s.run();
            return true;
        } catch (PacketException e) {
            assertThat(e.reason()).isNotNull();
            return false;
        }
    }

    @Test
    void theDestinationPeekedFromARaetHeadIsTheOneParsed() {
        qt(400).forAll(fittingHeads(), bytes(0, 200)).checkAssert(unchecked2((head, coat) -> {
            byte[] packet = RoadCodec.encode(head, coat, SIGNER, 0xffff);
            byte[] buf = new byte[packet.length + 6];
            System.arraycopy(packet, 0, buf, 3, packet.length);
            long peeked = RoadCodec.peekDestination(buf, 3, packet.length);
            assertThat(peeked).isEqualTo(head.hk() == HeadKind.RAET ? head.de() : -1);
        }));
    }

    /** A driver routes by the peek before anyone parses: for whatever parses, the peek agrees or says -1. */
    @Test
    void aPeekNeverNamesAnotherDestinationThanTheParse() {
        qt(3000).forAll(integers().between(0, 1000), seeds()).checkAssert((which, randomSeed) -> {
            byte[] b = mutate(SEEDS.get(which % SEEDS.size()), randomSeed);
            long peeked = RoadCodec.peekDestination(b, 0, b.length);
            try {
                RoadHead h = RoadCodec.parse(b, 0, b.length).head();
                assertThat(peeked).isEqualTo(h.hk() == HeadKind.RAET ? h.de() : -1);
            } catch (PacketException e) {
                assertThat(peeked).isBetween(-1L, 0xffffffffL);
            }
        });
    }

    @Test
    void mutatedPacketsOnlyFailWithPacketException() {
        qt(3000).forAll(integers().between(0, 1000), seeds())
                .checkAssert(CodecProperties::mutatedPacketsOnlyFailWithPacketException);
    }

    private static void mutatedPacketsOnlyFailWithPacketException(int which, long randomSeed) {
        byte[] b = mutate(SEEDS.get(which % SEEDS.size()), randomSeed);
        ParsedPacket[] parsed = new ParsedPacket[1];
        if (!onlyPacketException(() -> parsed[0] = RoadCodec.parse(b, 0, b.length))) {
            return;
        }
        ParsedPacket p = parsed[0];
        p.verify(SIGNER.verifyKey());
        p.verify(OTHER);
        for (SharedKey key : KEYS) {
            byte[][] body = new byte[1][];
            if (onlyPacketException(() -> body[0] = Coat.open(p.head().ck(), key, p.buffer(), p.coatOffset(),
                    p.coatLength()))) {
                for (BodyKind bk : BodyKind.values()) {
                    onlyPacketException(() -> Body.decode(bk, body[0], 0, body[0].length));
                }
            }
        }
        onlyPacketException(() -> Reassembly.of(p.head()).add(p));
    }

    @Test
    void mutatedPagesOnlyFailWithPacketException() {
        qt(1500).forAll(integers().between(0, 1000), seeds())
                .checkAssert(CodecProperties::mutatedPagesOnlyFailWithPacketException);
    }

    private static void mutatedPagesOnlyFailWithPacketException(int which, long randomSeed) {
        byte[] b = mutate(PAGE_SEEDS.get(which % PAGE_SEEDS.size()), randomSeed);
        ParsedPage[] parsed = new ParsedPage[1];
        if (!onlyPacketException(() -> parsed[0] = LaneCodec.parse(b, 0, b.length))) {
            return;
        }
        ParsedPage p = parsed[0];
        LaneBook book = new LaneBook();
        if (onlyPacketException(() -> book.add(p)) && book.complete()) {
            onlyPacketException(book::message);
        }
        onlyPacketException(() -> Body.decode(p.head().pk(), p.buffer(), p.bodyOffset(), p.bodyLength()));
    }

    @Test
    void mutatedBodiesOnlyFailWithPacketException() {
        qt(1000).forAll(jsonBodies(), msgpackBodies(), seeds())
                .checkAssert(unchecked3(CodecProperties::mutatedBodiesOnlyFailWithPacketException));
    }

    private static void mutatedBodiesOnlyFailWithPacketException(Map<String, Object> jsonBody,
            Map<String, Object> packBody, long randomSeed) throws PacketException {
        byte[] json = Body.encode(BodyKind.JSON, jsonBody);
        byte[] pack = Body.encode(BodyKind.MSGPACK, packBody);
        byte[] mj = mutate(json, randomSeed);
        byte[] mp = mutate(pack, randomSeed);
        for (BodyKind bk : BodyKind.values()) {
            onlyPacketException(() -> Body.decode(bk, mj, 0, mj.length));
            onlyPacketException(() -> Body.decode(bk, mp, 0, mp.length));
        }
    }

    @Test
    void randomBytesOnlyFailWithPacketException() {
        qt(500).forAll(bytes(0, 300)).checkAssert(CodecProperties::randomBytesOnlyFailWithPacketException);
    }

    private static void randomBytesOnlyFailWithPacketException(byte[] junk) {
        for (BodyKind bk : BodyKind.values()) {
            onlyPacketException(() -> Body.decode(bk, junk, 0, junk.length));
        }
        onlyPacketException(() -> RoadCodec.parse(junk, 0, junk.length));
        onlyPacketException(() -> LaneCodec.parse(junk, 0, junk.length));
        onlyPacketException(() -> Coat.open(CoatKind.NACL, KEYS.get(0), junk, 0, junk.length));
        byte[] raet = new byte[junk.length + 8];
        System.arraycopy("ri RAET\n".getBytes(), 0, raet, 0, 8);
        System.arraycopy(junk, 0, raet, 8, junk.length);
        onlyPacketException(() -> RoadCodec.parse(raet, 0, raet.length));
        onlyPacketException(() -> LaneCodec.parse(raet, 0, raet.length));
    }

    // ------------------------------------------------------------------------------------------ reassembly

    @Test
    void reassemblyInAnyOrderWithDuplicates() {
        qt(300).forAll(bytes(1, 3000), integers().between(1, 700), seeds())
                .checkAssert(unchecked3(CodecProperties::reassemblyInAnyOrderWithDuplicates));
    }

    private static void reassemblyInAnyOrderWithDuplicates(byte[] coat, int segsize, long shuffleSeed)
            throws PacketException {
        int count = Segmentation.segmentCount(coat.length, segsize);
        List<Integer> order = new ArrayList<>();
        Random r = new Random(shuffleSeed);
        for (int i = 0; i < count; i++) {
            order.add(i);
            if (r.nextInt(3) == 0) {
                order.add(i);
            }
        }
        Collections.shuffle(order, r);
        Reassembly re = new Reassembly(count, coat.length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int highest = 0;
        for (int sn : order) {
            assertThat(re.complete()).isEqualTo(seen.size() == count);
            boolean fresh = re.add(sn, count, coat, Segmentation.segmentOffset(sn, segsize),
                    Segmentation.segmentLength(sn, segsize, coat.length));
            assertThat(fresh).isEqualTo(seen.add(sn));
            highest = Math.max(highest, sn);
            assertThat(re.highest()).isEqualTo(highest);
            if (count <= 300 || r.nextInt(50) == 0) {
                int[] expected = java.util.stream.IntStream.range(0, count).filter(i -> !seen.contains(i)).toArray();
                if (!Arrays.equals(re.missing(0, count), expected)) {
                    throw new AssertionError("missing " + Arrays.toString(re.missing(0, count)));
                }
            }
        }
        assertThat(re.complete()).isTrue();
        assertThat(Hex.encode(re.coat())).isEqualTo(Hex.encode(coat));
    }

    @Test
    void segmentedPacketsFitAndReassemble() {
        qt(200).forAll(heads(), bytes(1, 6000))
                .checkAssert(unchecked2(CodecProperties::segmentedPacketsFitAndReassemble));
    }

    private static void segmentedPacketsFitAndReassemble(RoadHead template, byte[] coat) throws PacketException {
        RoadHead base = template.copy().sn(0).sc(1).ml(0).sf(false).dt(0).oi(0).fk(FootKind.NACL);
        int segsize = Segmentation.segmentSize(base, RoadCodec.MAX_PACKET_SIZE);
        int count = Segmentation.segmentCount(coat.length, segsize);
        Reassembly re = null;
        for (int i = count - 1; i >= 0; i--) {
            RoadHead h = base.copy().sn(i).sc(count).ml(coat.length).sf(true);
            byte[] packet = RoadCodec.encode(h, coat, Segmentation.segmentOffset(i, segsize),
                    Segmentation.segmentLength(i, segsize, coat.length), SIGNER, RoadCodec.MAX_PACKET_SIZE);
            ParsedPacket p = RoadCodec.parse(packet, 0, packet.length);
            assertThat(p.verify(SIGNER.verifyKey())).isTrue();
            if (re == null) {
                re = Reassembly.of(p.head());
            }
            re.add(p);
        }
        assertThat(re.coat()).isEqualTo(coat);
    }
}
