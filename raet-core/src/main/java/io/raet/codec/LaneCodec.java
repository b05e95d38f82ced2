package io.raet.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lane (UXD) pages: {@code head ‖ body}, no crypto. The head is nine {@code key value} lines joined by {@code \n}
 * in the order {@code ri vn pk sn dn si bi pn pc}, ended by {@code \n\n}; {@code vn pk bi} are minimal lowercase
 * hex, {@code pn pc} 4-digit hex, {@code sn dn si} verbatim (UTF-8).
 *
 * <p>Parsing is strict: the page starts with {@code ri RAET\n}, the head has a terminator, every line is exactly
 * {@code key value} with one space, each of the nine fields appears exactly once (in any order), hex values are
 * hex digits of either case, names are valid UTF-8, {@code si} has at most 18 characters, {@code vn = 0},
 * {@code pk} is known and {@code pn < pc}.
 */
public final class LaneCodec {
    /** Largest page (reference UXD_MAX_PACKET_SIZE). */
    public static final int MAX_PAGE_SIZE = 65535;

    private static final byte[] PREFIX = "ri RAET\n".getBytes(StandardCharsets.US_ASCII);
    private static final String[] KEYS = {"ri", "vn", "pk", "sn", "dn", "si", "bi", "pn", "pc"};

    private LaneCodec() {}

    /**
     * Builds one page holding {@code body} (or one section of it); at most {@value #MAX_PAGE_SIZE} bytes.
     *
     * @param head the page head
     * @param body the body section
     * @return the page
     * @throws PacketException {@link Reason#TOO_LARGE} when the page would be larger
     */
    public static byte[] encode(LaneHead head, byte[] body) throws PacketException {
        return encode(head, body, MAX_PAGE_SIZE);
    }

    private static byte[] encode(LaneHead head, byte[] body, int maxPageSize) throws PacketException {
        if (body == null) {
            body = new byte[0];
        }
        byte[] h = renderHead(head);
        long size = (long) h.length + body.length;
        if (size > maxPageSize) {
            throw new PacketException(Reason.TOO_LARGE, "page of " + size + " bytes exceeds " + maxPageSize);
        }
        byte[] page = new byte[(int) size];
        System.arraycopy(h, 0, page, 0, h.length);
        System.arraycopy(body, 0, page, h.length, body.length);
        return page;
    }

    /**
     * {@return size of the head {@code head} encodes to, terminator included}
     *
     * @param head the page head
     * @throws PacketException when a name in the head cannot be written
     */
    public static int headSize(LaneHead head) throws PacketException {
        return renderHead(head).length;
    }

    private static byte[] renderHead(LaneHead h) throws PacketException {
        if (h.vn() < 0 || h.bi() < 0 || h.pn() < 0 || h.pc() < 1 || h.pn() >= h.pc()) {
            throw new PacketException(Reason.BAD_PAGE, "page head values out of range: " + h);
        }
        checkName("sn", h.sn());
        checkName("dn", h.dn());
        checkName("si", h.si());
        if (h.si().length() > LaneHead.MAX_SI_LENGTH) {
            throw new PacketException(Reason.BAD_PAGE, "si longer than " + LaneHead.MAX_SI_LENGTH + " characters");
        }
        String text = "ri RAET\nvn " + Integer.toHexString(h.vn()) + "\npk " + Integer.toHexString(h.pk().code())
                + "\nsn " + h.sn() + "\ndn " + h.dn() + "\nsi " + h.si() + "\nbi " + Long.toHexString(h.bi())
                + "\npn " + hex4(h.pn()) + "\npc " + hex4(h.pc()) + "\n\n";
        return Body.utf8Strict(text);
    }

    private static void checkName(String key, String v) throws PacketException {
        if (v.indexOf(' ') >= 0 || v.indexOf('\n') >= 0) {
            throw new PacketException(Reason.BAD_PAGE, key + " must not contain a space or a newline");
        }
    }

    private static String hex4(int v) {
        String s = Integer.toHexString(v);
        return s.length() >= 4 ? s : "0".repeat(4 - s.length()) + s;
    }

    /**
     * Cuts {@code body} into pages as the reference does: one page when it fits in {@code maxPageSize}, else
     * sections of {@code maxPageSize − (headsize + 2)} bytes, where headsize is the size of the head with
     * {@code pn = 0, pc = 1}; page {@code i} has {@code pn = i} and {@code pc} = the section count. The template's
     * own {@code pn}/{@code pc} are ignored.
     *
     * @param template the head every page copies
     * @param body the whole serialized body
     * @param maxPageSize the largest page
     * @return the pages, in order
     * @throws PacketException {@link Reason#TOO_LARGE} for a body over {@link RoadCodec#MAX_MESSAGE_SIZE}
     */
    public static List<byte[]> paginate(LaneHead template, byte[] body, int maxPageSize) throws PacketException {
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > RoadCodec.MAX_MESSAGE_SIZE) {
            throw new PacketException(Reason.TOO_LARGE,
                    "message of " + body.length + " bytes exceeds " + RoadCodec.MAX_MESSAGE_SIZE);
        }
        LaneHead first = template.copy().pn(0).pc(1);
        int headsize = headSize(first);
        List<byte[]> pages = new ArrayList<>();
        if ((long) headsize + body.length <= maxPageSize) {
            pages.add(encode(first, body, maxPageSize));
            return pages;
        }
        int secsize = maxPageSize - (headsize + 2);
        if (secsize <= 0) {
            throw new PacketException(Reason.TOO_LARGE, "page size " + maxPageSize + " leaves no room for a body");
        }
        int count = body.length / secsize + (body.length % secsize != 0 ? 1 : 0);
        for (int i = 0; i < count; i++) {
            int start = i * secsize;
            int end = Math.min(body.length, start + secsize);
            byte[] section = java.util.Arrays.copyOfRange(body, start, end);
            pages.add(encode(template.copy().pn(i).pc(count), section, Integer.MAX_VALUE));
        }
        return pages;
    }

    /**
     * Parses the page {@code buf[off, off+len)}; the result refers to {@code buf} without copying.
     *
     * @param buf the array holding the page
     * @param off its first byte
     * @param len its length
     * @return the parsed page
     * @throws PacketException when the page does not parse
     */
    public static ParsedPage parse(byte[] buf, int off, int len) throws PacketException {
        Body.checkRange(buf, off, len);
        if (len < PREFIX.length) {
            throw new PacketException(Reason.BAD_PAGE, "page too short");
        }
        for (int i = 0; i < PREFIX.length; i++) {
            if (buf[off + i] != PREFIX[i]) {
                throw new PacketException(Reason.BAD_PAGE, "unrecognized page head");
            }
        }
        int term = -1;
        for (int i = off; i + 1 < off + len; i++) {
            if (buf[i] == '\n' && buf[i + 1] == '\n') {
                term = i;
                break;
            }
        }
        if (term < 0) {
            throw new PacketException(Reason.BAD_PAGE, "no page head terminator");
        }
        String[] values = new String[KEYS.length];
        int start = off;
        while (start <= term) {
            int nl = start;
            while (nl < term && buf[nl] != '\n') {
                nl++;
            }
            int sp = -1;
            for (int i = start; i < nl; i++) {
                if (buf[i] == ' ') {
                    if (sp >= 0) {
                        throw new PacketException(Reason.BAD_PAGE, "page head line with more than one space");
                    }
                    sp = i;
                }
            }
            if (sp < 0) {
                throw new PacketException(Reason.BAD_PAGE, "page head line without a space");
            }
            String key = new String(buf, start, sp - start, StandardCharsets.ISO_8859_1);
            int k = indexOf(key);
            if (k < 0) {
                throw new PacketException(Reason.UNKNOWN_FIELD,
                        "unknown page head field '" + RoadCodec.printable(key) + "'");
            }
            if (values[k] != null) {
                throw new PacketException(Reason.BAD_PAGE, "page head field '" + key + "' repeated");
            }
            try {
                values[k] = Body.utf8(buf, sp + 1, nl - sp - 1);
            } catch (PacketException e) {
                throw new PacketException(Reason.BAD_PAGE, "page head field '" + key + "' is not UTF-8", e);
            }
            start = nl + 1;
        }
        for (int k = 0; k < KEYS.length; k++) {
            if (values[k] == null) {
                throw new PacketException(Reason.BAD_PAGE, "page head field '" + KEYS[k] + "' missing");
            }
        }
        if (!values[0].equals("RAET")) {
            throw new PacketException(Reason.BAD_PAGE, "ri is not RAET");
        }
        long vn = hex("vn", values[1]);
        if (vn != 0) {
            throw new PacketException(Reason.BAD_VERSION, "unsupported page version " + vn);
        }
        long pk = hex("pk", values[2]);
        LaneHead head = new LaneHead()
                .pk(PackKind.of(pk > 1 ? Integer.MAX_VALUE : (int) pk))
                .sn(values[3])
                .dn(values[4])
                .si(values[5])
                .bi(hex("bi", values[6]));
        if (values[5].length() > LaneHead.MAX_SI_LENGTH) {
            throw new PacketException(Reason.BAD_PAGE, "si longer than " + LaneHead.MAX_SI_LENGTH + " characters");
        }
        long pn = hex("pn", values[7]);
        long pc = hex("pc", values[8]);
        if (pc < 1 || pc > Integer.MAX_VALUE || pn >= pc) {
            throw new PacketException(Reason.BAD_PAGE, "page number " + pn + " / page count " + pc);
        }
        head.pn((int) pn).pc((int) pc);
        int headLen = term + 2 - off;
        return new ParsedPage(head, buf, headLen, term + 2, len - headLen);
    }

    private static int indexOf(String key) {
        for (int i = 0; i < KEYS.length; i++) {
            if (KEYS[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static long hex(String key, String v) throws PacketException {
        try {
            return RoadCodec.parseHex(key, v);
        } catch (PacketException e) {
            throw new PacketException(Reason.BAD_PAGE, e.getMessage(), e);
        }
    }
}
