package io.raet.adversary;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raet.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Road packets written by hand, as an attacker would: a RAET head ({@code key hex} lines), a coat and an Ed25519
 * foot, with no check of the values. Deliberately independent of the stack's own encoder, so that a stricter
 * encoder never stops the suite from sending what it means to send; the tests check that what it writes is what
 * the stack's parser reads.
 */
final class Wire {
    // packet kinds
    static final int MESSAGE = 0;
    static final int ACK = 1;
    static final int NACK = 2;
    static final int RESEND = 3;
    static final int REQUEST = 4;
    static final int RESPONSE = 5;
    static final int RENEW = 11;
    static final int REFUSE = 12;
    static final int REJECT = 13;
    static final int PEND = 14;
    static final int DONE = 15;
    // transaction kinds
    static final int TK_MESSAGE = 0;
    static final int TK_JOIN = 1;
    static final int TK_ALLOW = 3;
    // body, coat and foot kinds
    static final int BK_JSON = 1;
    static final int CK_NACL = 1;
    static final int FK_NACL = 1;
    static final int SIGNATURE = 64;
    // flags in fg
    static final int CF = 0x01;
    static final int WF = 0x04;
    static final int SF = 0x08;

    private Wire() {}

    /** The head fields an attacker chooses (every other field keeps its default). */
    record Head(int pk, int tk, long se, long de, long si, long ti, long sn, long sc, long ml, int bk, int ck, int fk,
            int fg) {
        Head withTi(long t) {
            return new Head(pk, tk, se, de, si, t, sn, sc, ml, bk, ck, fk, fg);
        }

        Head withPk(int p) {
            return new Head(p, tk, se, de, si, ti, sn, sc, ml, bk, ck, fk, fg);
        }

        Head withSn(long n) {
            return new Head(pk, tk, se, de, si, ti, n, sc, ml, bk, ck, fk, fg);
        }
    }

    /** One segment of a message of {@code sc} segments and {@code ml} coat bytes, signed; {@code wf} asks for an answer. */
    static byte[] segment(long se, long de, long si, long ti, long sn, long sc, long ml, byte[] coat, boolean wf,
            SigningKey signer) {
        int fg = SF | (wf ? WF : 0);
        return packet(new Head(MESSAGE, TK_MESSAGE, se, de, si, ti, sn, sc, ml, BK_JSON, CK_NACL, FK_NACL, fg), coat,
                signer);
    }

    /** A join request (unsigned, plain JSON body): what anyone can send, claiming any name, keys and role. */
    static byte[] joinRequest(long se, long de, long ti, String name, boolean main, String verhex, String pubhex,
            String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("mode", main ? 1 : 0);
        body.put("kind", 0);
        body.put("verhex", verhex);
        body.put("pubhex", pubhex);
        body.put("role", role);
        byte[] json;
        try {
            json = ChildProcess.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return packet(new Head(REQUEST, TK_JOIN, se, de, 0, ti, 0, 1, 0, BK_JSON, 0, 0, 0), json, null);
    }

    /** The joiner's acknowledgement that completes a join (unsigned, empty). */
    static byte[] joinAck(long se, long de, long ti) {
        return packet(new Head(ACK, TK_JOIN, se, de, 0, ti, 0, 1, 0, BK_JSON, 0, 0, 0), new byte[0], null);
    }

    /** {@code head ‖ coat ‖ foot}; the foot is the signature of {@code head ‖ coat ‖ 64 zero bytes} when fk is NaCl. */
    static byte[] packet(Head h, byte[] coat, SigningKey signer) {
        int fl = h.fk() == FK_NACL ? SIGNATURE : 0;
        String fields = field("pk", h.pk(), 0) + field("se", h.se(), 0) + field("de", h.de(), 0)
                + field("si", h.si(), 0) + field("ti", h.ti(), 0) + field("tk", h.tk(), 0) + field("sn", h.sn(), 0)
                + field("sc", h.sc(), 1) + field("ml", h.ml(), 0) + field("bk", h.bk(), 0) + field("ck", h.ck(), 0)
                + field("fk", h.fk(), 0) + field("fl", fl, 0);
        // ri, pl (4 hex), hl (2 hex) and fg (2 hex) have fixed widths, so the head length is known before pl is.
        int hl = ("ri RAET\npl 0000\nhl 00\nfg 00" + fields + "\n\n").length();
        int pl = hl + coat.length + fl;
        String head = "ri RAET\npl " + hex(pl, 4) + "\nhl " + hex(hl, 2) + "\nfg " + hex(h.fg(), 2) + fields + "\n\n";
        byte[] out = new byte[pl];
        byte[] hb = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hb, 0, out, 0, hb.length);
        System.arraycopy(coat, 0, out, hl, coat.length);
        if (fl != 0) {
            byte[] sig = signer.sign(out);
            System.arraycopy(sig, 0, out, hl + coat.length, SIGNATURE);
        }
        return out;
    }

    private static String field(String key, long value, long dflt) {
        return value == dflt ? "" : "\n" + key + " " + Long.toHexString(value);
    }

    private static String hex(long v, int width) {
        String s = Long.toHexString(v);
        return s.length() >= width ? s.substring(s.length() - width) : "0".repeat(width - s.length()) + s;
    }

    /** The head of a received RAET or JSON packet, read leniently (only what the suite needs), or null. */
    static Head read(byte[] buf, int len) {
        String text = new String(buf, 0, Math.min(len, 300), StandardCharsets.ISO_8859_1);
        Map<String, Long> f = new LinkedHashMap<>();
        if (text.startsWith("ri RAET\n")) {
            int end = text.indexOf("\n\n");
            if (end < 0) {
                return null;
            }
            for (String line : text.substring(0, end).split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0 && !line.startsWith("ri ")) {
                    try {
                        f.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1), 16));
                    } catch (NumberFormatException e) {
                        // dt and odd values are not needed here
                    }
                }
            }
        } else if (text.startsWith("{\"ri\":\"RAET\"")) {
            int end = text.indexOf("}\r\n\r\n");
            if (end < 0) {
                return null;
            }
            try {
                Map<?, ?> m = ChildProcess.JSON.readValue(text.substring(0, end + 1), Map.class);
                m.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        f.put((String) k, n.longValue());
                    } else if (v instanceof String s && !"ri".equals(k)) {
                        try {
                            f.put((String) k, Long.parseLong(s, 16));
                        } catch (NumberFormatException e) {
                            // not a number
                        }
                    }
                });
            } catch (java.io.IOException e) {
                return null;
            }
        } else {
            return null;
        }
        return new Head(f.getOrDefault("pk", 0L).intValue(), f.getOrDefault("tk", 0L).intValue(),
                f.getOrDefault("se", 0L), f.getOrDefault("de", 0L), f.getOrDefault("si", 0L), f.getOrDefault("ti", 0L),
                f.getOrDefault("sn", 0L), f.getOrDefault("sc", 1L), f.getOrDefault("ml", 0L),
                f.getOrDefault("bk", 0L).intValue(), f.getOrDefault("ck", 0L).intValue(),
                f.getOrDefault("fk", 0L).intValue(), f.getOrDefault("fg", 0L).intValue());
    }
}
