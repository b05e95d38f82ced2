package io.raet.codec;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips and robustness of every codec against generated input. */
class CodecProperties {
    private static final SigningKey SIGNER = SigningKey.fromSeed(new byte[32]);
    private static final VerifyKey OTHER = SigningKey.fromSeed(fill(1)).verifyKey();

    private static byte[] fill(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    // ------------------------------------------------------------------------------------------ heads

    @Provide
    Arbitrary<RoadHead> heads() {
        Arbitrary<Long> u32 = Arbitraries.oneOf(Arbitraries.longs().between(0, 0xffffffffL),
                Arbitraries.of(0L, 1L, 0xffffffffL));
        Arbitrary<Integer> i31 = Arbitraries.oneOf(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 20));
        return Builders.withBuilder(RoadHead::new)
                .use(Arbitraries.of(HeadKind.class)).in(RoadHead::hk)
                .use(Arbitraries.of(PacketKind.class)).in(RoadHead::pk)
                .use(Arbitraries.of(TransactionKind.class)).in(RoadHead::tk)
                .use(Arbitraries.of(BodyKind.class)).in(RoadHead::bk)
                .use(Arbitraries.of(CoatKind.class)).in(RoadHead::ck)
                .use(Arbitraries.of(FootKind.class)).in(RoadHead::fk)
                .use(u32).in(RoadHead::se)
                .use(u32).in(RoadHead::de)
                .use(u32).in(RoadHead::si)
                .use(u32).in(RoadHead::ti)
                .use(i31).in(RoadHead::sn)
                .use(i31.map(v -> Math.max(1, v))).in(RoadHead::sc)
                .use(i31).in(RoadHead::ml)
                .use(Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, Long.MAX_VALUE)))
                .in(RoadHead::oi)
                .use(Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(-1_000_000_000_000L,
                        1_000_000_000_000L))).in((h, k) -> h.dt(k / 1e6))
                .use(Arbitraries.integers().between(0, 255)).in(RoadHead::fg)
                .build();
    }

    @Provide
    Arbitrary<Double> anyFinite() {
        return Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.longs().map(Double::longBitsToDouble))
                .filter(Double::isFinite);
    }

    @Property(tries = 400)
    void roadPacketsRoundTrip(@ForAll("heads") RoadHead head, @ForAll @Size(max = 400) byte[] coat,
            @ForAll("anyFinite") double jsonDt) throws Exception {
        if (head.hk() == HeadKind.JSON && head.dt() != 0.0) {
            head.dt(jsonDt); // JSON heads spell dt like repr(): exact; RAET heads use %f: microseconds
        }
        byte[] packet;
        try {
            packet = RoadCodec.encode(head, coat, SIGNER, 0xffff);
        } catch (PacketException e) {
            Assume.that(false); // a head over 255 bytes
            return;
        }
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

    private static Arbitrary<String> text(boolean validUnicode) {
        Arbitrary<String> s = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withCharRange((char) 0, (char) 0x7f).ofMaxLength(40),
                Arbitraries.of("", "é", "\uD83D\uDE00", "\u2028", "\"\\/", "\u0000\u007f", "x".repeat(300)));
        return validUnicode ? s.filter(CodecProperties::wellFormed) : s;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static Arbitrary<Object> values(boolean msgpack, int depth) {
        List<Arbitrary<?>> leaves = new ArrayList<>(List.of(
                text(msgpack),
                Arbitraries.longs(),
                Arbitraries.longs().between(-300, 300),
                Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, -0.0, 1e16, 5e-324, Double.POSITIVE_INFINITY),
                Arbitraries.of(true, false),
                Arbitraries.just(null)));
        leaves.add(msgpack ? Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE))
                : Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(200)));
        if (msgpack) {
            leaves.add(Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Arbitrary<Object> leaf = (Arbitrary<Object>) (Arbitrary) Arbitraries.oneOf((List) leaves);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> inner = values(msgpack, depth - 1);
        Arbitrary<Object> list = inner.list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> map = maps(msgpack, inner).map(m -> (Object) m);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, leaf), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, map));
    }

    private static Arbitrary<Map<String, Object>> maps(boolean msgpack, Arbitrary<Object> values) {
        return Combinators.combine(text(msgpack).list().ofMaxSize(5), values.list().ofSize(5)).as((keys, vals) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                m.put(keys.get(i), vals.get(i));
            }
            return m;
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> jsonBodies() {
        return maps(false, values(false, 3));
    }

    @Provide
    Arbitrary<Map<String, Object>> msgpackBodies() {
        return maps(true, values(true, 3));
    }

    @Property(tries = 300)
    void jsonBodiesRoundTrip(@ForAll("jsonBodies") Map<String, Object> body) throws Exception {
        byte[] b = Body.encode(BodyKind.JSON, body);
        for (byte x : b) {
            assertThat(x).as("ASCII only").isBetween((byte) 0x20, (byte) 0x7e);
        }
        Object back = Body.decode(BodyKind.JSON, b, 0, b.length);
        assertThat(back).isEqualTo(body);
        assertThat(Body.encode(BodyKind.JSON, back)).isEqualTo(b);
    }

    @Property(tries = 300)
    void msgpackBodiesRoundTrip(@ForAll("msgpackBodies") Map<String, Object> body) throws Exception {
        byte[] b = Body.encode(BodyKind.MSGPACK, body);
        Object back = Body.decode(BodyKind.MSGPACK, b, 0, b.length);
        assertThat(back).usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(body);
        assertThat(Body.encode(BodyKind.MSGPACK, back)).isEqualTo(b);
    }

    @Property(tries = 100)
    void rawBodiesPassThrough(@ForAll @Size(max = 300) byte[] raw) throws Exception {
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

    @Property(tries = 3000)
    void mutatedPacketsOnlyFailWithPacketException(@ForAll @IntRange(min = 0, max = 1000) int which,
            @ForAll long randomSeed) {
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

    @Property(tries = 1500)
    void mutatedPagesOnlyFailWithPacketException(@ForAll @IntRange(min = 0, max = 1000) int which,
            @ForAll long randomSeed) {
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

    @Property(tries = 1000)
    void mutatedBodiesOnlyFailWithPacketException(@ForAll("jsonBodies") Map<String, Object> jsonBody,
            @ForAll("msgpackBodies") Map<String, Object> packBody, @ForAll long randomSeed) throws Exception {
        byte[] json = Body.encode(BodyKind.JSON, jsonBody);
        byte[] pack = Body.encode(BodyKind.MSGPACK, packBody);
        byte[] mj = mutate(json, randomSeed);
        byte[] mp = mutate(pack, randomSeed);
        for (BodyKind bk : BodyKind.values()) {
            onlyPacketException(() -> Body.decode(bk, mj, 0, mj.length));
            onlyPacketException(() -> Body.decode(bk, mp, 0, mp.length));
        }
    }

    @Property(tries = 500)
    void randomBytesOnlyFailWithPacketException(@ForAll @Size(max = 300) byte[] junk) {
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

    @Property(tries = 300)
    void reassemblyInAnyOrderWithDuplicates(@ForAll @Size(min = 1, max = 3000) byte[] coat,
            @ForAll @IntRange(min = 1, max = 700) int segsize, @ForAll long shuffleSeed) throws Exception {
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

    @Property(tries = 200)
    void segmentedPacketsFitAndReassemble(@ForAll("heads") RoadHead template, @ForAll @Size(min = 1, max = 6000) byte[] coat)
            throws Exception {
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
