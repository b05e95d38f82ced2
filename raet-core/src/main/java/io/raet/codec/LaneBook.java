package io.raet.codec;

import java.util.HashMap;
import java.util.Map;

/**
 * Collects the pages of one lane message (book). The caller keeps one book per {@link Key} (destination, source,
 * session id, book id). The first page a book receives must be page 0, as in the reference (which drops the page
 * and counts {@code missed_page} otherwise); later pages may arrive in any order; duplicates are ignored.
 */
public final class LaneBook {
    /**
     * How the reference indexes books on receive: {@code (dn, sn, si, bi)}.
     *
     * @param dn the destination yard
     * @param sn the source yard
     * @param si the session id
     * @param bi the book id
     */
    public record Key(String dn, String sn, String si, long bi) {
        /**
         * {@return the key of the book {@code h} belongs to}
         *
         * @param h a page head
         */
        public static Key of(LaneHead h) {
            return new Key(h.dn(), h.sn(), h.si(), h.bi());
        }
    }

    private LaneHead first;
    private final Map<Integer, byte[]> sections = new HashMap<>();
    private long total;

    /** An empty book. */
    public LaneBook() {}

    /**
     * Adds a page.
     *
     * @param page the parsed page
     * @return true when the book is complete after this page
     * @throws PacketException {@link Reason#BAD_PAGE} when the first page is not page 0 ("missed page") or the page
     *     does not belong to this book (other pack kind, names, session, book id or page count);
     *     {@link Reason#TOO_LARGE} when the pages exceed {@link RoadCodec#MAX_MESSAGE_SIZE}
     */
    public boolean add(ParsedPage page) throws PacketException {
        LaneHead h = page.head();
        if (first == null) {
            if (h.pn() != 0) {
                throw new PacketException(Reason.BAD_PAGE, "missed page: a book must start with page 0, not " + h.pn());
            }
            if (h.pc() < 1) {
                throw new PacketException(Reason.BAD_PAGE, "page count " + h.pc());
            }
        } else {
            if (h.pc() != first.pc() || h.pk() != first.pk() || h.bi() != first.bi() || !h.si().equals(first.si())
                    || !h.sn().equals(first.sn()) || !h.dn().equals(first.dn())) {
                throw new PacketException(Reason.BAD_PAGE, "page " + h + " does not belong to book " + first);
            }
        }
        if (h.pn() < 0 || h.pn() >= h.pc()) {
            throw new PacketException(Reason.BAD_PAGE, "page number " + h.pn() + " not below page count " + h.pc());
        }
        if (first != null && sections.containsKey(h.pn())) {
            return complete();
        }
        long newTotal = total + page.bodyLength();
        if (newTotal > RoadCodec.MAX_MESSAGE_SIZE) {
            throw new PacketException(Reason.TOO_LARGE, "book exceeds " + RoadCodec.MAX_MESSAGE_SIZE + " bytes");
        }
        if (first == null) {
            first = h.copy();
        }
        sections.put(h.pn(), page.body());
        total = newTotal;
        return complete();
    }

    /** {@return whether every page is present} */
    public boolean complete() {
        return first != null && sections.size() == first.pc();
    }

    /** {@return the head of the first page, or null before any} */
    public LaneHead head() {
        return first == null ? null : first.copy();
    }

    /**
     * {@return the joined body}
     *
     * @throws PacketException {@link Reason#TOO_LARGE} when the pages exceed the largest message
     */
    public byte[] body() throws PacketException {
        if (!complete()) {
            throw new PacketException(Reason.BAD_PAGE, "book incomplete");
        }
        byte[] out = new byte[(int) total];
        int pos = 0;
        for (int i = 0; i < first.pc(); i++) {
            byte[] s = sections.get(i);
            System.arraycopy(s, 0, out, pos, s.length);
            pos += s.length;
        }
        return out;
    }

    /**
     * {@return the joined body deserialized per the pages' pack kind: always a mapping}
     *
     * @throws PacketException when the body does not parse as a mapping of its pack kind
     */
    public Map<String, Object> message() throws PacketException {
        byte[] body = body();
        return Body.decode(first.pk(), body, 0, body.length);
    }
}
