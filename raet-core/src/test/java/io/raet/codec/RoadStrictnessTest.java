package io.raet.codec;

import static io.raet.codec.VectorReplayTest.catchReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** One test per rule of the outer parse and of encode. */
class RoadStrictnessTest {
    private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);

    /**
     * A RAET datagram from head lines (without the terminator); {@code {pl}} and {@code {hl}} are replaced by the
     * correct values (4 and 2 hex digits), then {@code coat} and {@code foot} zero bytes are appended.
     */
    static byte[] raet(String lines, int coat, int foot) {
        String probe = lines.replace("{pl}", "0000").replace("{hl}", "00") + "\n\n";
        int hl = probe.length();
        int pl = hl + coat + foot;
        String head = lines.replace("{pl}", String.format("%04x", pl)).replace("{hl}", String.format("%02x", hl & 0xff))
                + "\n\n";
        byte[] out = new byte[pl];
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(h, 0, out, 0, h.length);
        return out;
    }

    static Reason reason(byte[] packet) {
        return catchReason(() -> RoadCodec.parse(packet, 0, packet.length));
    }

    static final String BASE = "ri RAET\npl {pl}\nhl {hl}\nfg 00";

    @Test
    void minimalHeadParses() throws Exception {
        byte[] p = raet(BASE, 3, 0);
        ParsedPacket pp = RoadCodec.parse(p, 0, p.length);
        assertThat(pp.head()).isEqualTo(new RoadHead().pl(p.length).hl(p.length - 3));
        assertThat(pp.coatLength()).isEqualTo(3);
        assertThat(pp.signed()).isFalse();
    }

    @Test
    void toleranceOfTheReference() throws Exception {
        // order after ri free, explicit defaults, uppercase hex, leading zeros, fg missing
        byte[] p = raet("ri RAET\nsc 1\nvn 0\nse 00FF\nhl {hl}\npl {pl}\nbk 01\nml 0", 0, 0);
        RoadHead h = RoadCodec.parse(p, 0, p.length).head();
        assertThat(h.se()).isEqualTo(255);
        assertThat(h.bk()).isEqualTo(BodyKind.JSON);
        assertThat(h.sc()).isEqualTo(1);
        assertThat(h.fg()).isZero();
        byte[] upper = raet(BASE + "\nde 2A\nfk 1\nfl 40", 0, 64);
        String text = new String(upper, StandardCharsets.ISO_8859_1).toUpperCase().replace("RI ", "ri ")
                .replace("RAET\nPL", "RAET\npl").replace("\nHL", "\nhl").replace("\nFG", "\nfg")
                .replace("\nDE", "\nde").replace("\nFK", "\nfk").replace("\nFL", "\nfl");
        byte[] u = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RoadCodec.parse(u, 0, u.length).head().de()).isEqualTo(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {"se  2", "se 2 ", " se 2", "se 2 3", "se2", "se"})
    void headLinesNeedExactlyOneSpace(String line) {
        assertThat(reason(raet(BASE + "\n" + line, 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz 1", "SE 2", "sh 1", "sp 1", "dh 1", "dp 1", "bl 1", "cl 1", "cf 1", "wf 0", "sf 1", "af 0"})
    void unknownKeysAreRejected(String line) {
        assertThat(reason(raet(BASE + "\n" + line, 0, 0))).isEqualTo(Reason.UNKNOWN_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"se 0x2", "se -1", "se +1", "se 1_0", "se g", "se ", "se 100000000", "fg 100", "fg 0x",
            "sc 80000000", "oi 10000000000000000", "dt abc", "dt nan", "dt inf", "dt 1e999", "ri RAET", "se 1\nse 1",
            "sc 0", "ti 1\r"})
    void malformedValuesAreRejected(String line) {
        assertThat(reason(raet(BASE + "\n" + line, 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
    }

    @Test
    void dtIsAcceptedAsADecimal() throws Exception {
        byte[] p = raet(BASE + "\ndt 1.500000", 0, 0);
        assertThat(RoadCodec.parse(p, 0, p.length).head().dt()).isEqualTo(1.5);
        byte[] q = raet(BASE + "\ndt -2e3", 0, 0);
        assertThat(RoadCodec.parse(q, 0, q.length).head().dt()).isEqualTo(-2000.0);
    }

    @Test
    void wrongPacketLength() {
        byte[] p = raet(BASE, 5, 0);
        assertThat(catchReason(() -> RoadCodec.parse(p, 0, p.length - 1))).isEqualTo(Reason.BAD_LENGTH);
        byte[] longer = Arrays.copyOf(p, p.length + 1);
        assertThat(reason(longer)).isEqualTo(Reason.BAD_LENGTH);
        assertThat(reason(raet("ri RAET\npl 0fff\nhl {hl}\nfg 00", 0, 0))).isEqualTo(Reason.BAD_LENGTH);
        assertThat(reason(raet("ri RAET\nhl {hl}\nfg 00", 0, 0))).as("pl missing").isEqualTo(Reason.BAD_LENGTH);
    }

    @Test
    void wrongHeadLength() {
        assertThat(reason(raet("ri RAET\npl {pl}\nhl 10\nfg 00", 4, 0))).isEqualTo(Reason.BAD_LENGTH);
        assertThat(reason(raet("ri RAET\npl {pl}\nfg 00", 4, 0))).as("hl missing").isEqualTo(Reason.BAD_LENGTH);
    }

    @Test
    void versionMustBeZero() {
        assertThat(reason(raet(BASE + "\nvn 1", 0, 0))).isEqualTo(Reason.BAD_VERSION);
    }

    @Test
    void footMustMatchItsKind() {
        assertThat(reason(raet(BASE + "\nfk 1", 0, 64))).as("fk 1 without fl").isEqualTo(Reason.BAD_FOOT);
        assertThat(reason(raet(BASE + "\nfk 1\nfl 20", 0, 32))).as("fl 32").isEqualTo(Reason.BAD_FOOT);
        assertThat(reason(raet(BASE + "\nfk 1\nfl 40", 0, 63))).as("foot short").isEqualTo(Reason.BAD_FOOT);
        assertThat(reason(raet(BASE + "\nfl 40", 0, 64))).as("fk 0 with fl").isEqualTo(Reason.BAD_FOOT);
        assertThat(reason(raet(BASE + "\nfk 2\nfl 100", 0, 256))).as("sha2 foot").isEqualTo(Reason.UNKNOWN_KIND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pk 10", "pk ff", "tk 5", "tk ff", "bk 4", "ck 2", "ck 3", "fk 3", "hk 2", "hk ffffffffff"})
    void unknownKindCodesAreRejected(String line) {
        assertThat(reason(raet(BASE + "\n" + line, 0, 0))).isEqualTo(Reason.UNKNOWN_KIND);
    }

    @Test
    void headKindMustMatchTheDetectedKind() {
        assertThat(reason(raet(BASE + "\nhk 1", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
    }

    @Test
    void kindEnumsRejectUnknownCodes() {
        assertThat(catchReason(() -> PacketKind.of(16))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> PacketKind.of(-1))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> TransactionKind.of(5))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> HeadKind.of(2))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> BodyKind.of(4))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> CoatKind.of(2))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> FootKind.of(2))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(catchReason(() -> PackKind.of(2))).isEqualTo(Reason.UNKNOWN_KIND);
        for (PacketKind k : PacketKind.values()) {
            assertThat(catchReasonOrNull(() -> assertThat(PacketKind.of(k.code())).isSameAs(k))).isNull();
        }
        assertThat(Arrays.stream(PacketKind.values()).filter(PacketKind::isNackKind))
                .containsExactly(PacketKind.NACK, PacketKind.UNJOINED, PacketKind.UNALLOWED, PacketKind.RENEW,
                        PacketKind.REFUSE, PacketKind.REJECT);
    }

    private static Reason catchReasonOrNull(VectorReplayTest.Action a) {
        try {
            a.run();
            return null;
        } catch (PacketException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unrecognizableHeads() {
        assertThat(reason(new byte[0])).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason("ri RAET".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason("ri RAET\npl 0010\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason("RAET\n\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason("{\"ri\": \"RAET\"}\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Reason.MALFORMED_HEAD);
    }

    @Test
    void headLongerThan255IsRejected() {
        String pad = "\noi " + "0".repeat(250) + "1";
        assertThat(reason(raet(BASE + pad, 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        // exactly 255 bytes is fine
        String fill = "\noi " + "0".repeat(255 - 30 - 4) + "1";
        byte[] p = raet(BASE + fill, 0, 0);
        assertThat(catchReasonOrNull(() -> RoadCodec.parse(p, 0, p.length))).isNull();
        assertThat(p.length).isEqualTo(255);
    }

    @Test
    void rangesOutsideTheBuffer() {
        byte[] p = raet(BASE, 0, 0);
        assertThat(catchReason(() -> RoadCodec.parse(p, -1, p.length))).isEqualTo(Reason.BAD_LENGTH);
        assertThat(catchReason(() -> RoadCodec.parse(p, 1, p.length))).isEqualTo(Reason.BAD_LENGTH);
        assertThat(catchReason(() -> RoadCodec.parse(null, 0, 0))).isEqualTo(Reason.BAD_LENGTH);
    }

    // ------------------------------------------------------------------------------ JSON heads

    static byte[] json(String members, int coat, int foot) {
        String probe = "{\"ri\":\"RAET\",\"pl\":\"0000000\",\"hl\":\"00\"" + members + "}\r\n\r\n";
        int hl = probe.length();
        int pl = hl + coat + foot;
        String head = "{\"ri\":\"RAET\",\"pl\":\"" + String.format("%07x", pl) + "\",\"hl\":\""
                + String.format("%02x", hl) + "\"" + members + "}\r\n\r\n";
        return Arrays.copyOf(head.getBytes(StandardCharsets.ISO_8859_1), pl);
    }

    @Test
    void jsonHeads() throws Exception {
        byte[] ok = json(",\"fg\":\"05\",\"pk\":7,\"hk\":1,\"se\":2,\"fk\":1,\"fl\":64", 2, 64);
        RoadHead h = RoadCodec.parse(ok, 0, ok.length).head();
        assertThat(h.hk()).isEqualTo(HeadKind.JSON);
        assertThat(h.pk()).isEqualTo(PacketKind.COOKIE);
        assertThat(h.cf() && h.wf()).isTrue();
        assertThat(reason(json(",\"fg\":\"00\"", 0, 0))).as("hk missing").isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"pk\":\"1\"", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"se\":-1", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"se\":1.5", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"se\":{}", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"se\":1,\"se\":1", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"fg\":5", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(reason(json(",\"hk\":1,\"zz\":1", 0, 0))).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(reason(json(",\"hk\":1,\"bl\":1", 0, 0))).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(reason(json(",\"hk\":1,\"cf\":true", 0, 0))).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(reason(json(",\"hk\":1,\"vn\":1", 0, 0))).isEqualTo(Reason.BAD_VERSION);
        assertThat(reason(json(",\"hk\":1,\"tk\":9", 0, 0))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(reason(json(",\"hk\":1}x{", 0, 0))).isEqualTo(Reason.MALFORMED_HEAD);
        byte[] dt = json(",\"hk\":1,\"dt\":1e-05", 0, 0);
        assertThat(RoadCodec.parse(dt, 0, dt.length).head().dt()).isEqualTo(1e-5);
    }

    // ------------------------------------------------------------------------------ encode

    @Test
    void encodeRejectsWhatCannotBeSent() {
        byte[] coat = new byte[2000];
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead(), coat, null, RoadCodec.MAX_PACKET_SIZE)))
                .isEqualTo(Reason.TOO_LARGE);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead(), new byte[100], null, 100)))
                .isEqualTo(Reason.TOO_LARGE);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead(), coat, null, 1 << 20)))
                .as("fits").isNull();
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead(), new byte[70000], null, 1 << 20)))
                .as("a RAET pl cannot express more than 0xffff").isEqualTo(Reason.TOO_LARGE);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().dt(1e250), null, null, 1024)))
                .as("head > 255").isEqualTo(Reason.TOO_LARGE);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().fk(FootKind.NACL), null, null, 1024)))
                .isEqualTo(Reason.BAD_FOOT);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().se(-1), null, null, 1024)))
                .isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().ti(1L << 32), null, null, 1024)))
                .isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().sc(0), null, null, 1024)))
                .isEqualTo(Reason.MALFORMED_HEAD);
        assertThat(catchReason(() -> RoadCodec.encode(new RoadHead().dt(Double.NaN), null, null, 1024)))
                .isEqualTo(Reason.MALFORMED_HEAD);
    }

    private static Reason catchReason(VectorReplayTest.Action a) {
        return catchReasonOrNull(a);
    }

    @Test
    void encodeExactHeads() throws Exception {
        RoadHead join = new RoadHead().pk(PacketKind.REQUEST).se(2).ti(1).tk(TransactionKind.JOIN).bk(BodyKind.JSON);
        byte[] p = RoadCodec.encode(join, new byte[201], null, 1024);
        assertThat(new String(p, 0, 54, StandardCharsets.US_ASCII))
                .isEqualTo("ri RAET\npl 00ff\nhl 36\nfg 00\npk 4\nse 2\nti 1\ntk 1\nbk 1\n\n");
        assertThat(join.pl()).isEqualTo(255);
        assertThat(join.hl()).isEqualTo(54);

        RoadHead cookie = new RoadHead().hk(HeadKind.JSON).pk(PacketKind.COOKIE).cf(true).se(2).de(2).si(1).ti(2)
                .tk(TransactionKind.ALLOW).bk(BodyKind.RAW).fk(FootKind.NACL);
        byte[] c = RoadCodec.encode(cookie, new byte[104], KEY, 1024);
        assertThat(new String(c, 0, cookie.hl(), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"ri\":\"RAET\",\"pl\":\"0000123\",\"hl\":\"7b\",\"fg\":\"01\",\"pk\":7,\"hk\":1,\"se\":2,\"de\":2,"
                        + "\"si\":1,\"ti\":2,\"tk\":3,\"bk\":2,\"fk\":1,\"fl\":64}\r\n\r\n");
        assertThat(cookie.fl()).isEqualTo(64);
        assertThat(RoadCodec.parse(c, 0, c.length).verify(KEY.verifyKey())).isTrue();

        RoadHead all = new RoadHead().vn(0).dt(1.5).oi(0x1f).sn(2).sc(3).ml(0xa0a).af(true).sf(true).wf(true);
        byte[] a = RoadCodec.encode(all, null, null, 1024);
        assertThat(new String(a, StandardCharsets.US_ASCII))
                .isEqualTo("ri RAET\npl 0040\nhl 40\nfg 1c\ndt 1.500000\noi 1f\nsn 2\nsc 3\nml a0a\n\n");
    }

    @Test
    void encodeSetsFootLengthFromKind() throws Exception {
        RoadHead h = new RoadHead().fl(99);
        RoadCodec.encode(h, null, null, 1024);
        assertThat(h.fl()).isZero();
        assertThatThrownBy(() -> RoadHead.class.getMethod("hk", HeadKind.class).invoke(new RoadHead(), (Object) null))
                .hasCauseInstanceOf(NullPointerException.class);
    }
}
