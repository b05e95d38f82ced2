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

    public LaneHead() {}

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

    /** Version, must be 0. */
    public int vn() { return vn; }
    public LaneHead vn(int v) { vn = v; return this; }
    /** Pack kind of the body. */
    public PackKind pk() { return pk; }
    public LaneHead pk(PackKind v) { pk = Objects.requireNonNull(v, "pk"); return this; }
    /** Source yard name. */
    public String sn() { return sn; }
    public LaneHead sn(String v) { sn = Objects.requireNonNull(v, "sn"); return this; }
    /** Destination yard name. */
    public String dn() { return dn; }
    public LaneHead dn(String v) { dn = Objects.requireNonNull(v, "dn"); return this; }
    /** Session id: the sender's id (at most 18 characters) for this destination. */
    public String si() { return si; }
    public LaneHead si(String v) { si = Objects.requireNonNull(v, "si"); return this; }
    /** Book (message) id. */
    public long bi() { return bi; }
    public LaneHead bi(long v) { bi = v; return this; }
    /** Page number. */
    public int pn() { return pn; }
    public LaneHead pn(int v) { pn = v; return this; }
    /** Page count. */
    public int pc() { return pc; }
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
