package io.raet.codec;

import java.util.Objects;

/**
 * The header of a lane (UXD) page. All nine fields are always written:
 * {@code ri vn pk sn dn si bi pn pc}. Mutable, with fluent setters and getters of the same name.
 */
public final class LaneHead {
    /** Default session id of a page. */
    public static final String DEFAULT_SI = "000000000000000000";
    /** Longest session id. */
    public static final int MAX_SI_LENGTH = 18;

    private int vn;
    private PackKind pk = PackKind.JSON;
    private String sn = "";
    private String dn = "";
    private String si = DEFAULT_SI;
    private long bi;
    private int pn;
    private int pc = 1;

    /** A head with every field at its default. */
    public LaneHead() {}

    /** {@return a copy of this head} */
    public LaneHead copy() {
        LaneHead h = new LaneHead();
        h.vn = vn;
        h.pk = pk;
        h.sn = sn;
        h.dn = dn;
        h.si = si;
        h.bi = bi;
        h.pn = pn;
        h.pc = pc;
        return h;
    }

    /** {@return version, must be 0} */
    public int vn() { return vn; }
    /**
     * Sets {@code vn}.
     *
     * @param v the version (0)
     * @return this head
     */
    public LaneHead vn(int v) { vn = v; return this; }
    /** {@return pack kind of the body} */
    public PackKind pk() { return pk; }
    /**
     * Sets {@code pk}.
     *
     * @param v the pack kind of the body
     * @return this head
     */
    public LaneHead pk(PackKind v) { pk = Objects.requireNonNull(v, "pk"); return this; }
    /** {@return source yard name} */
    public String sn() { return sn; }
    /**
     * Sets {@code sn}.
     *
     * @param v the source yard name
     * @return this head
     */
    public LaneHead sn(String v) { sn = Objects.requireNonNull(v, "sn"); return this; }
    /** {@return destination yard name} */
    public String dn() { return dn; }
    /**
     * Sets {@code dn}.
     *
     * @param v the destination yard name
     * @return this head
     */
    public LaneHead dn(String v) { dn = Objects.requireNonNull(v, "dn"); return this; }
    /** {@return session id: the sender's id (at most 18 characters) for this destination} */
    public String si() { return si; }
    /**
     * Sets {@code si}.
     *
     * @param v the session id
     * @return this head
     */
    public LaneHead si(String v) { si = Objects.requireNonNull(v, "si"); return this; }
    /** {@return book (message) id} */
    public long bi() { return bi; }
    /**
     * Sets {@code bi}.
     *
     * @param v the book (message) id
     * @return this head
     */
    public LaneHead bi(long v) { bi = v; return this; }
    /** {@return page number} */
    public int pn() { return pn; }
    /**
     * Sets {@code pn}.
     *
     * @param v the page number
     * @return this head
     */
    public LaneHead pn(int v) { pn = v; return this; }
    /** {@return page count} */
    public int pc() { return pc; }
    /**
     * Sets {@code pc}.
     *
     * @param v the page count
     * @return this head
     */
    public LaneHead pc(int v) { pc = v; return this; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LaneHead h && vn == h.vn && pk == h.pk && sn.equals(h.sn) && dn.equals(h.dn)
                && si.equals(h.si) && bi == h.bi && pn == h.pn && pc == h.pc;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vn, pk, sn, dn, si, bi, pn, pc);
    }

    @Override
    public String toString() {
        return "LaneHead[vn=" + vn + " pk=" + pk + " sn=" + sn + " dn=" + dn + " si=" + si + " bi=" + bi + " pn=" + pn
                + " pc=" + pc + "]";
    }
}
