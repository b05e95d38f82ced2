package io.raet.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.raet.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Encoding and outer parsing of road packets ({@code head ‖ coat ‖ foot}), byte-compatible with the reference.
 *
 * <p><b>Encode.</b> The head holds {@code ri pl hl fg} first, then every field that differs from its default in the
 * order {@code vn pk hk se de si ti tk dt oi sn sc ml bk ck fk fl}. A RAET head writes one {@code key value} line per
 * field ({@code pl} as 4 hex digits, {@code hl} and {@code fg} as 2, the rest as minimal lowercase hex, {@code dt}
 * as {@code %f}) and ends with {@code \n\n}; a JSON head is the compact JSON object ({@code pl} a 7-digit hex
 * string, {@code hl} and {@code fg} 2-digit hex strings, the rest JSON numbers, {@code dt} spelled like Python's
 * {@code repr}) followed by {@code \r\n\r\n}. With {@code fk = NACL} the foot is the Ed25519 signature of
 * {@code head ‖ coat ‖ 64 zero bytes}.
 *
 * <p><b>Parse.</b> The head kind is detected from the first bytes ({@code "ri RAET\n"} or
 * <code>{"ri":"RAET",</code>); the head ends at the first terminator, which must lie within {@value #MAX_HEAD_SIZE}
 * bytes. Every line must be exactly {@code key value} with one space and a known head key; keys are not repeated;
 * {@code bl}, {@code cl} and the flag names are not accepted as lines (flags travel only in {@code fg}). Numbers
 * are hex digits of either case, of any width, without sign or prefix; explicit default values are accepted.
 * {@code dt} is a plain decimal ({@code [+-]digits[.digits][e[+-]digits]}) in a RAET head and any JSON number in
 * a JSON head; it must be finite. (The reference never sets {@code dt}; a RAET head carries it with six
 * decimals, so only microsecond precision survives, while a JSON head carries the shortest exact spelling.) Then, in this order: {@code hk} must match the detected kind, {@code hl} must be
 * the real head length and {@code pl} the datagram length ({@link Reason#BAD_LENGTH}), {@code vn} must be 0, every
 * kind code must be known, {@code sc} must be at least 1, and the foot must fit {@code fk}: NACL needs
 * {@code fl = 64} and 64 bytes after the head, NADA needs {@code fl = 0}. The signature is not verified here: the
 * caller picks the verify key by {@code de} and calls {@link ParsedPacket#verify}.
 */
public final class RoadCodec {
    /** Largest road datagram sent (reference UDP_MAX_PACKET_SIZE). */
    public static final int MAX_PACKET_SIZE = 1024;
    /** Largest head, terminator included. */
    public static final int MAX_HEAD_SIZE = 255;
    /** Largest message coat (1024 × 65535). */
    public static final int MAX_MESSAGE_SIZE = 67107840;
    /** Size of a NaCl foot. */
    public static final int SIGNATURE_SIZE = 64;

    private static final byte[] RAET_PREFIX = "ri RAET\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_PREFIX = "{\"ri\":\"RAET\",".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RAET_END = {'\n', '\n'};
    private static final byte[] JSON_END = {'\r', '\n', '\r', '\n'};
    private static final long UINT32_MAX = 0xffffffffL;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private RoadCodec() {}

    // ------------------------------------------------------------------------------------------------ encode

    /**
     * Same as {@link #encode(RoadHead, byte[], int, int, SigningKey, int)} for the whole of {@code coat}.
     *
     * @param head the head
     * @param coat the coat
     * @param signer the long-term signing key; required when {@code fk = NACL}
     * @param maxPacketSize the largest datagram
     * @return the datagram
     * @throws PacketException as {@link #encode(RoadHead, byte[], int, int, SigningKey, int)}
     */
    public static byte[] encode(RoadHead head, byte[] coat, SigningKey signer, int maxPacketSize)
            throws PacketException {
        return encode(head, coat, 0, coat == null ? 0 : coat.length, signer, maxPacketSize);
    }

    /**
     * Builds the datagram {@code head ‖ coat ‖ foot}. Sets {@code head.fl} from {@code fk} and {@code head.pl},
     * {@code head.hl} to the real lengths.
     *
     * @param head the head; its lengths are set
     * @param coat the coat (already encrypted body, or one segment of a message coat)
     * @param coatOff the coat's first byte
     * @param coatLen its length
     * @param signer the long-term signing key; required when {@code fk = NACL}
     * @param maxPacketSize the largest datagram
     * @return the datagram
     * @throws PacketException {@link Reason#TOO_LARGE} when the head exceeds {@value #MAX_HEAD_SIZE} bytes, the coat
     *     exceeds {@value #MAX_MESSAGE_SIZE} or the packet exceeds {@code maxPacketSize} (or what {@code pl} can
     *     express); {@link Reason#MALFORMED_HEAD} for out-of-range field values; {@link Reason#BAD_FOOT} when a
     *     signature is required but no signer is given
     */
    public static byte[] encode(RoadHead head, byte[] coat, int coatOff, int coatLen, SigningKey signer,
            int maxPacketSize) throws PacketException {
        return encode(head, coat, coatOff, coatLen, signer, maxPacketSize, false);
    }

    /**
     * As {@link #encode(RoadHead, byte[], int, int, SigningKey, int)}, but with {@code deferSignature} the foot is
     * left as zeros for {@link #sign} to fill later (on another thread, say); the signer is still required.
     *
     * @param head the head; its lengths are set
     * @param coat the coat
     * @param coatOff the coat's first byte
     * @param coatLen its length
     * @param signer the long-term signing key; required when {@code fk = NACL}
     * @param maxPacketSize the largest datagram
     * @param deferSignature leave the signature to {@link #sign}
     * @return the datagram
     * @throws PacketException as {@link #encode(RoadHead, byte[], int, int, SigningKey, int)}
     */
    public static byte[] encode(RoadHead head, byte[] coat, int coatOff, int coatLen, SigningKey signer,
            int maxPacketSize, boolean deferSignature) throws PacketException {
        if (coat == null) {
            if (coatLen != 0) {
                throw new PacketException(Reason.BAD_LENGTH, "no coat but a coat length of " + coatLen);
            }
            coat = new byte[0];
        }
        Body.checkRange(coat, coatOff, coatLen);
        validate(head);
        int fl = footSize(head.fk());
        head.fl(fl);
        if (fl != 0 && signer == null) {
            throw new PacketException(Reason.BAD_FOOT, "fk " + head.fk() + " needs a signing key");
        }
        if (coatLen > MAX_MESSAGE_SIZE) {
            throw new PacketException(Reason.TOO_LARGE,
                    "coat of " + coatLen + " bytes exceeds the maximum of " + MAX_MESSAGE_SIZE);
        }
        int hl = renderHead(head, 0, 0).length;
        if (hl > MAX_HEAD_SIZE) {
            throw new PacketException(Reason.TOO_LARGE, "head of " + hl + " bytes exceeds " + MAX_HEAD_SIZE);
        }
        long pl = (long) hl + coatLen + fl;
        long plMax = head.hk() == HeadKind.RAET ? 0xffffL : 0xfffffffL;
        if (pl > maxPacketSize || pl > plMax) {
            throw new PacketException(Reason.TOO_LARGE,
                    "packet of " + pl + " bytes exceeds the maximum of " + Math.min(maxPacketSize, plMax));
        }
        byte[] headBytes = renderHead(head, (int) pl, hl);
        if (headBytes.length != hl) {
            throw new IllegalStateException("head length changed while rendering");
        }
        head.pl((int) pl).hl(hl);
        byte[] packet = new byte[(int) pl];
        System.arraycopy(headBytes, 0, packet, 0, hl);
        System.arraycopy(coat, coatOff, packet, hl, coatLen);
        if (fl != 0 && !deferSignature) {
            sign(packet, signer);
        }
        return packet;
    }

    /**
     * Signs a datagram built with its signature deferred: the signature over the datagram with zeros where the
     * signature goes, written there. Signing the same datagram again gives the same bytes (Ed25519 is
     * deterministic, and the place is zeroed first).
     *
     * @param packet a whole signed-kind datagram, at least {@value #SIGNATURE_SIZE} bytes
     * @param signer the long-term signing key
     */
    public static void sign(byte[] packet, SigningKey signer) {
        int at = packet.length - SIGNATURE_SIZE;
        java.util.Arrays.fill(packet, at, packet.length, (byte) 0);
        byte[] sig = new byte[SIGNATURE_SIZE];
        signer.sign(packet, 0, packet.length, sig, 0);
        System.arraycopy(sig, 0, packet, at, SIGNATURE_SIZE);
    }

    /**
     * {@return size of the foot for a foot kind: 64 for NACL, 0 for NADA}
     *
     * @param fk the foot kind
     */
    public static int footSize(FootKind fk) {
        return fk == FootKind.NACL ? SIGNATURE_SIZE : 0;
    }

    /**
     * {@return size of the head {@code head} encodes to (terminator included), without checking its values} The {@code
     * fl} used is the one implied by {@code fk}.
     *
     * @param head the head
     */
    public static int headSize(RoadHead head) {
        RoadHead h = head.copy();
        h.fl(footSize(h.fk()));
        return renderHead(h, 0, 0).length;
    }

    private static void validate(RoadHead h) throws PacketException {
        checkRange("vn", h.vn(), 0, Integer.MAX_VALUE);
        checkRange("se", h.se(), 0, UINT32_MAX);
        checkRange("de", h.de(), 0, UINT32_MAX);
        checkRange("si", h.si(), 0, UINT32_MAX);
        checkRange("ti", h.ti(), 0, UINT32_MAX);
        checkRange("oi", h.oi(), 0, Long.MAX_VALUE);
        checkRange("sn", h.sn(), 0, Integer.MAX_VALUE);
        checkRange("sc", h.sc(), 1, Integer.MAX_VALUE);
        checkRange("ml", h.ml(), 0, Integer.MAX_VALUE);
        if (!Double.isFinite(h.dt())) {
            throw new PacketException(Reason.MALFORMED_HEAD, "dt must be finite, not " + h.dt());
        }
    }

    private static void checkRange(String key, long v, long min, long max) throws PacketException {
        if (v < min || v > max) {
            throw new PacketException(Reason.MALFORMED_HEAD, key + " = " + v + " outside [" + min + ", " + max + "]");
        }
    }

    /** Renders the head with the given {@code pl} and {@code hl} values (fixed width, so the size does not depend on them). */
    private static byte[] renderHead(RoadHead h, int pl, int hl) {
        boolean json = h.hk() == HeadKind.JSON;
        StringBuilder sb = new StringBuilder(96);
        if (json) {
            sb.append("{\"ri\":\"RAET\",\"pl\":\"").append(hexFixed(pl, 7)).append("\",\"hl\":\"")
                    .append(hexFixed(hl, 2)).append("\",\"fg\":\"").append(hexFixed(h.fg(), 2)).append('"');
        } else {
            sb.append("ri RAET\npl ").append(hexFixed(pl, 4)).append("\nhl ").append(hexFixed(hl, 2))
                    .append("\nfg ").append(hexFixed(h.fg(), 2));
        }
        field(sb, json, "vn", h.vn(), 0);
        field(sb, json, "pk", h.pk().code(), 0);
        field(sb, json, "hk", h.hk().code(), 0);
        field(sb, json, "se", h.se(), 0);
        field(sb, json, "de", h.de(), 0);
        field(sb, json, "si", h.si(), 0);
        field(sb, json, "ti", h.ti(), 0);
        field(sb, json, "tk", h.tk().code(), 0);
        if (h.dt() != 0.0) {
            if (json) {
                sb.append(",\"dt\":").append(PyText.floatRepr(h.dt()));
            } else {
                sb.append("\ndt ").append(PyText.fixed6(h.dt()));
            }
        }
        field(sb, json, "oi", h.oi(), 0);
        field(sb, json, "sn", h.sn(), 0);
        field(sb, json, "sc", h.sc(), 1);
        field(sb, json, "ml", h.ml(), 0);
        field(sb, json, "bk", h.bk().code(), 0);
        field(sb, json, "ck", h.ck().code(), 0);
        field(sb, json, "fk", h.fk().code(), 0);
        field(sb, json, "fl", h.fl(), 0);
        sb.append(json ? "}\r\n\r\n" : "\n\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void field(StringBuilder sb, boolean json, String key, long value, long dflt) {
        if (value == dflt) {
            return;
        }
        if (json) {
            sb.append(",\"").append(key).append("\":").append(value);
        } else {
            sb.append('\n').append(key).append(' ').append(Long.toHexString(value));
        }
    }

    /** The last {@code width} digits of the zero-padded lowercase hex of {@code v}, as Python's {@code format(v, '0Nx')[-N:]}. */
    private static String hexFixed(long v, int width) {
        String s = Long.toHexString(v);
        if (s.length() >= width) {
            return s.substring(s.length() - width);
        }
        return "0".repeat(width - s.length()) + s;
    }

    // ------------------------------------------------------------------------------------------------ parse

    /** Head fields in the order of the reference's defaults table. */
    private enum F {
        RI, VN, PK, PL, HK, HL, SE, DE, SI, TI, TK, DT, OI, SN, SC, ML, BK, CK, FK, FL, FG;

        static F of(String key) throws PacketException {
            return switch (key) {
                case "ri" -> RI;
                case "vn" -> VN;
                case "pk" -> PK;
                case "pl" -> PL;
                case "hk" -> HK;
                case "hl" -> HL;
                case "se" -> SE;
                case "de" -> DE;
                case "si" -> SI;
                case "ti" -> TI;
                case "tk" -> TK;
                case "dt" -> DT;
                case "oi" -> OI;
                case "sn" -> SN;
                case "sc" -> SC;
                case "ml" -> ML;
                case "bk" -> BK;
                case "ck" -> CK;
                case "fk" -> FK;
                case "fl" -> FL;
                case "fg" -> FG;
                case "cf", "bf", "nf", "df", "vf", "wf", "sf", "af" -> throw new PacketException(Reason.UNKNOWN_FIELD,
                        "flag '" + key + "' as a head field (flags are carried only by fg)");
                case "bl", "cl" -> throw new PacketException(Reason.UNKNOWN_FIELD,
                        "head field '" + key + "' has no format and is never sent");
                default -> throw new PacketException(Reason.UNKNOWN_FIELD, "unknown head field '" + printable(key) + "'");
            };
        }
    }

    /** Raw head values as read, before the checks. */
    private static final class Fields {
        final long[] v = new long[F.values().length];
        final boolean[] present = new boolean[F.values().length];
        double dt;

        Fields() {
            v[F.SC.ordinal()] = 1;
        }

        void set(F f, long value) throws PacketException {
            mark(f);
            v[f.ordinal()] = value;
        }

        void mark(F f) throws PacketException {
            if (present[f.ordinal()]) {
                throw new PacketException(Reason.MALFORMED_HEAD, "head field '" + f.name().toLowerCase() + "' repeated");
            }
            present[f.ordinal()] = true;
        }

        long get(F f) {
            return v[f.ordinal()];
        }
    }

    /**
     * {@return the outer parse of the datagram {@code buf[off, off+len)}: head, lengths, version, kinds and foot shape}
     * The returned packet refers to {@code buf} without copying it; the caller must not change those bytes while using
     * the result. See the class description for every rule.
     *
     * @param buf the array holding the datagram
     * @param off its first byte
     * @param len its length
     * @throws PacketException with the {@link Reason} the datagram is refused for
     */
    public static ParsedPacket parse(byte[] buf, int off, int len) throws PacketException {
        Body.checkRange(buf, off, len);
        if (len == 0) {
            throw new PacketException(Reason.MALFORMED_HEAD, "empty datagram");
        }
        HeadKind detected;
        int headLen;
        Fields fields = new Fields();
        if (startsWith(buf, off, len, RAET_PREFIX)) {
            detected = HeadKind.RAET;
            headLen = findTerminator(buf, off, len, RAET_END);
            parseRaetLines(buf, off, headLen - RAET_END.length, fields);
        } else if (startsWith(buf, off, len, JSON_PREFIX)) {
            detected = HeadKind.JSON;
            headLen = findTerminator(buf, off, len, JSON_END);
            parseJsonHead(buf, off, headLen - JSON_END.length, fields);
        } else {
            throw new PacketException(Reason.MALFORMED_HEAD, "unrecognizable packet head");
        }

        long hk = fields.get(F.HK);
        if (hk != detected.code()) {
            if (hk > HeadKind.JSON.code()) {
                throw new PacketException(Reason.UNKNOWN_KIND, "unknown head kind " + hk);
            }
            throw new PacketException(Reason.MALFORMED_HEAD,
                    "head field hk = " + hk + " does not match the detected head kind " + detected);
        }
        if (fields.get(F.HL) != headLen) {
            throw new PacketException(Reason.BAD_LENGTH,
                    "head field hl = " + fields.get(F.HL) + " but the head is " + headLen + " bytes");
        }
        if (fields.get(F.PL) != len) {
            throw new PacketException(Reason.BAD_LENGTH,
                    "head field pl = " + fields.get(F.PL) + " but the datagram is " + len + " bytes");
        }
        if (fields.get(F.VN) != 0) {
            throw new PacketException(Reason.BAD_VERSION, "unsupported version vn = " + fields.get(F.VN));
        }
        RoadHead head = new RoadHead()
                .hk(detected)
                .pk(PacketKind.of(kindCode(fields, F.PK)))
                .tk(TransactionKind.of(kindCode(fields, F.TK)))
                .bk(BodyKind.of(kindCode(fields, F.BK)))
                .ck(CoatKind.of(kindCode(fields, F.CK)))
                .fk(FootKind.of(kindCode(fields, F.FK)))
                .fg((int) fields.get(F.FG))
                .se(uint32(fields, F.SE))
                .de(uint32(fields, F.DE))
                .si(uint32(fields, F.SI))
                .ti(uint32(fields, F.TI))
                .sn(int31(fields, F.SN))
                .sc(int31(fields, F.SC))
                .ml(int31(fields, F.ML))
                .oi(fields.get(F.OI))
                .dt(fields.dt)
                .pl(len)
                .hl(headLen);
        if (head.sc() < 1) {
            throw new PacketException(Reason.MALFORMED_HEAD, "segment count sc = 0");
        }
        long fl = fields.get(F.FL);
        if (head.fk() == FootKind.NACL) {
            if (fl != SIGNATURE_SIZE) {
                throw new PacketException(Reason.BAD_FOOT, "fk 1 (nacl) needs fl = 64, not " + fl);
            }
            if (len - headLen < SIGNATURE_SIZE) {
                throw new PacketException(Reason.BAD_FOOT, "packet too short for its 64-byte foot");
            }
        } else if (fl != 0) {
            throw new PacketException(Reason.BAD_FOOT, "fk 0 (nada) needs fl = 0, not " + fl);
        }
        head.fl((int) fl);
        return new ParsedPacket(head, buf, off, len, off + headLen, len - headLen - (int) fl);
    }

    /**
     * {@return the destination id ({@code de}) of a datagram with a RAET head, read without parsing the rest: what a
     * driver with several owner threads routes datagrams by before any of them parses one} 0 when the head has no
     * {@code de} line (its default); -1 when the datagram does not start with a RAET head, when its {@code de} value is
     * not hex of at most 32 bits, or when neither a {@code de} line nor the head's end comes within {@value
     * #MAX_HEAD_SIZE} bytes. For every datagram {@link #parse} accepts with a RAET head the result is that head's
     * {@code de}; a JSON head needs the full parse.
     *
     * @param buf the array holding the datagram
     * @param off its first byte
     * @param len its length
     */
    public static long peekDestination(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len || !startsWith(buf, off, len, RAET_PREFIX)) {
            return -1;
        }
        int end = off + Math.min(len, MAX_HEAD_SIZE);
        int i = off + RAET_PREFIX.length;
        while (i < end) {
            if (buf[i] == '\n') {
                return 0; // an empty line: the head ended without a de line
            }
            if (i + 2 < end && buf[i] == 'd' && buf[i + 1] == 'e' && buf[i + 2] == ' ') {
                long v = 0;
                int j = i + 3;
                for (; j < end && buf[j] != '\n'; j++) {
                    int d = Character.digit(buf[j], 16);
                    if (d < 0 || (v = (v << 4) | d) > UINT32_MAX) {
                        return -1;
                    }
                }
                return j == i + 3 || j == end ? -1 : v;
            }
            while (i < end && buf[i] != '\n') {
                i++;
            }
            i++;
        }
        return -1;
    }

    private static int kindCode(Fields f, F key) {
        long v = f.get(key);
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private static long uint32(Fields f, F key) throws PacketException {
        long v = f.get(key);
        if (v > UINT32_MAX) {
            throw new PacketException(Reason.MALFORMED_HEAD,
                    "head field " + key.name().toLowerCase() + " = " + v + " exceeds 32 bits");
        }
        return v;
    }

    private static int int31(Fields f, F key) throws PacketException {
        long v = f.get(key);
        if (v > Integer.MAX_VALUE) {
            throw new PacketException(Reason.MALFORMED_HEAD,
                    "head field " + key.name().toLowerCase() + " = " + v + " too large");
        }
        return (int) v;
    }

    private static boolean startsWith(byte[] buf, int off, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Length of the head up to and including the first terminator, which must end within MAX_HEAD_SIZE bytes. */
    private static int findTerminator(byte[] buf, int off, int len, byte[] end) throws PacketException {
        int limit = Math.min(len, MAX_HEAD_SIZE) - end.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            for (int j = 0; j < end.length; j++) {
                if (buf[off + i + j] != end[j]) {
                    continue outer;
                }
            }
            return i + end.length;
        }
        throw new PacketException(Reason.MALFORMED_HEAD,
                len > MAX_HEAD_SIZE ? "no head terminator within " + MAX_HEAD_SIZE + " bytes" : "no head terminator");
    }

    private static void parseRaetLines(byte[] buf, int off, int frontLen, Fields fields) throws PacketException {
        int end = off + frontLen;
        int start = off;
        while (start <= end) {
            int nl = start;
            while (nl < end && buf[nl] != '\n') {
                nl++;
            }
            parseRaetLine(buf, start, nl, fields);
            start = nl + 1;
        }
    }

    private static void parseRaetLine(byte[] buf, int start, int end, Fields fields) throws PacketException {
        int sp = -1;
        for (int i = start; i < end; i++) {
            if (buf[i] == ' ') {
                if (sp >= 0) {
                    throw new PacketException(Reason.MALFORMED_HEAD, "head line with more than one space");
                }
                sp = i;
            }
        }
        if (sp < 0) {
            throw new PacketException(Reason.MALFORMED_HEAD, "head line without a space");
        }
        String key = new String(buf, start, sp - start, StandardCharsets.ISO_8859_1);
        String value = new String(buf, sp + 1, end - sp - 1, StandardCharsets.ISO_8859_1);
        F f = F.of(key);
        switch (f) {
            case RI -> {
                if (!value.equals("RAET")) {
                    throw new PacketException(Reason.MALFORMED_HEAD, "ri is not RAET");
                }
                fields.mark(f);
            }
            case DT -> {
                fields.mark(f);
                fields.dt = parseDecimal(value);
            }
            case FG -> fields.set(f, parseFlags(value));
            default -> fields.set(f, parseHex(key, value));
        }
    }

    private static long parseFlags(String value) throws PacketException {
        long fg = parseHex("fg", value);
        if (fg > 0xff) {
            throw new PacketException(Reason.MALFORMED_HEAD, "fg = " + printable(value) + " is more than a byte");
        }
        return fg;
    }

    /** Hex digits of either case, any width, no sign or prefix; at most {@link Long#MAX_VALUE}. */
    static long parseHex(String key, String s) throws PacketException {
        if (s.isEmpty()) {
            throw new PacketException(Reason.MALFORMED_HEAD, "empty value for head field " + key);
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                throw new PacketException(Reason.MALFORMED_HEAD,
                        "head field " + key + " value '" + printable(s) + "' is not hex");
            }
            if (v > (Long.MAX_VALUE >>> 4)) {
                throw new PacketException(Reason.MALFORMED_HEAD, "head field " + key + " value too large");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static double parseDecimal(String s) throws PacketException {
        if (s.isEmpty() || s.length() > 64 || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new PacketException(Reason.MALFORMED_HEAD, "dt value '" + printable(s) + "' is not a decimal");
        }
        double d = Double.parseDouble(s);
        if (!Double.isFinite(d)) {
            throw new PacketException(Reason.MALFORMED_HEAD, "dt value is not finite");
        }
        return d;
    }

    private static void parseJsonHead(byte[] buf, int off, int frontLen, Fields fields) throws PacketException {
        for (int i = off; i < off + frontLen; i++) {
            if (buf[i] < 0) {
                throw new PacketException(Reason.MALFORMED_HEAD, "JSON head is not ASCII");
            }
        }
        try (JsonParser p = JSON.createParser(buf, off, frontLen)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new PacketException(Reason.MALFORMED_HEAD, "JSON head is not an object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                F f = F.of(key);
                JsonToken vt = p.nextToken();
                switch (f) {
                    case RI -> {
                        if (vt != JsonToken.VALUE_STRING || !"RAET".equals(p.getText())) {
                            throw new PacketException(Reason.MALFORMED_HEAD, "ri is not \"RAET\"");
                        }
                        fields.mark(f);
                    }
                    case PL, HL, FG -> {
                        if (vt != JsonToken.VALUE_STRING) {
                            throw new PacketException(Reason.MALFORMED_HEAD, key + " must be a hex string");
                        }
                        fields.set(f, f == F.FG ? parseFlags(p.getText()) : parseHex(key, p.getText()));
                    }
                    case DT -> {
                        if (vt != JsonToken.VALUE_NUMBER_INT && vt != JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new PacketException(Reason.MALFORMED_HEAD, "dt must be a number");
                        }
                        double d = p.getDoubleValue();
                        if (!Double.isFinite(d)) {
                            throw new PacketException(Reason.MALFORMED_HEAD, "dt value is not finite");
                        }
                        fields.mark(f);
                        fields.dt = d;
                    }
                    default -> {
                        if (vt != JsonToken.VALUE_NUMBER_INT) {
                            throw new PacketException(Reason.MALFORMED_HEAD, key + " must be an integer");
                        }
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw new PacketException(Reason.MALFORMED_HEAD, key + " value too large");
                        }
                        long v = p.getLongValue();
                        if (v < 0) {
                            throw new PacketException(Reason.MALFORMED_HEAD, key + " is negative");
                        }
                        fields.set(f, v);
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new PacketException(Reason.MALFORMED_HEAD, "malformed JSON head");
            }
        } catch (PacketException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PacketException(Reason.MALFORMED_HEAD, "malformed JSON head: " + e.getMessage(), e);
        }
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ segments

    /**
     * See {@link Segmentation#segmentSize}.
     *
     * @param unsegmentedHead the head of the message as one packet
     * @param maxPacketSize the largest datagram
     * @return the segment size
     */
    public static int segmentSize(RoadHead unsegmentedHead, int maxPacketSize) {
        return Segmentation.segmentSize(unsegmentedHead, maxPacketSize);
    }

    /**
     * See {@link Segmentation#segmentCount}.
     *
     * @param coatLen the length of the coat
     * @param segsize the segment size
     * @return the segment count
     */
    public static int segmentCount(int coatLen, int segsize) {
        return Segmentation.segmentCount(coatLen, segsize);
    }
}
