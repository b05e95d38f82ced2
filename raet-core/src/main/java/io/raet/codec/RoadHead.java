package io.raet.codec;

import java.util.Objects;

/**
 * The header of a road packet: every field of the reference's packet data that can appear in a head, with the
 * reference defaults. Mutable, with fluent setters and getters of the same name:
 * {@code new RoadHead().pk(PacketKind.ACK).se(2).cf(true)}.
 *
 * <p>{@code se de si ti} are unsigned 32-bit values held in a {@code long}. {@code pl}, {@code hl} and {@code fl}
 * are set by {@link RoadCodec#encode} and {@link RoadCodec#parse}; {@code fl} follows {@code fk} on encode.
 * Values are not checked by the setters; {@link RoadCodec#encode} rejects out-of-range values.
 */
public final class RoadHead {
    private HeadKind hk = HeadKind.RAET;
    private int vn;
    private PacketKind pk = PacketKind.MESSAGE;
    private TransactionKind tk = TransactionKind.MESSAGE;
    private BodyKind bk = BodyKind.NADA;
    private CoatKind ck = CoatKind.NADA;
    private FootKind fk = FootKind.NADA;
    private long se;
    private long de;
    private long si;
    private long ti;
    private int sn;
    private int sc = 1;
    private int ml;
    private double dt;
    private long oi;
    private boolean cf;
    private boolean bf;
    private boolean nf;
    private boolean df;
    private boolean vf;
    private boolean wf;
    private boolean sf;
    private boolean af;
    private int pl;
    private int hl;
    private int fl;

    /** A head with every field at its default. */
    public RoadHead() {}

    /** {@return a copy of this head} */
    public RoadHead copy() {
        RoadHead h = new RoadHead();
        h.hk = hk;
        h.vn = vn;
        h.pk = pk;
        h.tk = tk;
        h.bk = bk;
        h.ck = ck;
        h.fk = fk;
        h.se = se;
        h.de = de;
        h.si = si;
        h.ti = ti;
        h.sn = sn;
        h.sc = sc;
        h.ml = ml;
        h.dt = dt;
        h.oi = oi;
        h.cf = cf;
        h.bf = bf;
        h.nf = nf;
        h.df = df;
        h.vf = vf;
        h.wf = wf;
        h.sf = sf;
        h.af = af;
        h.pl = pl;
        h.hl = hl;
        h.fl = fl;
        return h;
    }

    /** {@return the head kind} */
    public HeadKind hk() { return hk; }
    /**
     * Sets {@code hk}.
     *
     * @param v the head kind
     * @return this head
     */
    public RoadHead hk(HeadKind v) { hk = Objects.requireNonNull(v, "hk"); return this; }
    /** {@return the version (0)} */
    public int vn() { return vn; }
    /**
     * Sets {@code vn}.
     *
     * @param v the version (0)
     * @return this head
     */
    public RoadHead vn(int v) { vn = v; return this; }
    /** {@return the packet kind} */
    public PacketKind pk() { return pk; }
    /**
     * Sets {@code pk}.
     *
     * @param v the packet kind
     * @return this head
     */
    public RoadHead pk(PacketKind v) { pk = Objects.requireNonNull(v, "pk"); return this; }
    /** {@return the transaction kind} */
    public TransactionKind tk() { return tk; }
    /**
     * Sets {@code tk}.
     *
     * @param v the transaction kind
     * @return this head
     */
    public RoadHead tk(TransactionKind v) { tk = Objects.requireNonNull(v, "tk"); return this; }
    /** {@return the body kind} */
    public BodyKind bk() { return bk; }
    /**
     * Sets {@code bk}.
     *
     * @param v the body kind
     * @return this head
     */
    public RoadHead bk(BodyKind v) { bk = Objects.requireNonNull(v, "bk"); return this; }
    /** {@return the coat kind} */
    public CoatKind ck() { return ck; }
    /**
     * Sets {@code ck}.
     *
     * @param v the coat kind
     * @return this head
     */
    public RoadHead ck(CoatKind v) { ck = Objects.requireNonNull(v, "ck"); return this; }
    /** {@return the foot kind} */
    public FootKind fk() { return fk; }
    /**
     * Sets {@code fk}.
     *
     * @param v the foot kind
     * @return this head
     */
    public RoadHead fk(FootKind v) { fk = Objects.requireNonNull(v, "fk"); return this; }

    /** {@return source estate id: the sender's id for the receiver} */
    public long se() { return se; }
    /**
     * Sets {@code se}.
     *
     * @param v the source estate id
     * @return this head
     */
    public RoadHead se(long v) { se = v; return this; }
    /** {@return destination estate id: the receiver's id for the sender} */
    public long de() { return de; }
    /**
     * Sets {@code de}.
     *
     * @param v the destination estate id
     * @return this head
     */
    public RoadHead de(long v) { de = v; return this; }
    /** {@return session id} */
    public long si() { return si; }
    /**
     * Sets {@code si}.
     *
     * @param v the session id
     * @return this head
     */
    public RoadHead si(long v) { si = v; return this; }
    /** {@return transaction id} */
    public long ti() { return ti; }
    /**
     * Sets {@code ti}.
     *
     * @param v the transaction id
     * @return this head
     */
    public RoadHead ti(long v) { ti = v; return this; }

    /** {@return segment number (in a message ack: the highest segment number held)} */
    public int sn() { return sn; }
    /**
     * Sets {@code sn}.
     *
     * @param v the segment number
     * @return this head
     */
    public RoadHead sn(int v) { sn = v; return this; }
    /** {@return segment count, default 1} */
    public int sc() { return sc; }
    /**
     * Sets {@code sc}.
     *
     * @param v the segment count, default 1
     * @return this head
     */
    public RoadHead sc(int v) { sc = v; return this; }
    /** {@return length of the whole coat of a segmented message} */
    public int ml() { return ml; }
    /**
     * Sets {@code ml}.
     *
     * @param v the length of the whole coat of a segmented message
     * @return this head
     */
    public RoadHead ml(int v) { ml = v; return this; }
    /**
     * {@return datetime stamp; never set by the reference} -0.0 is stored as 0.0 (both are the default, never sent).
     */
    public double dt() { return dt; }
    /**
     * Sets {@code dt}.
     *
     * @param v the datetime stamp
     * @return this head
     */
    public RoadHead dt(double v) { dt = v == 0.0 ? 0.0 : v; return this; }
    /** {@return order index; never set by the reference} */
    public long oi() { return oi; }
    /**
     * Sets {@code oi}.
     *
     * @param v the order index
     * @return this head
     */
    public RoadHead oi(long v) { oi = v; return this; }

    /** {@return correspondent flag: sent by the correspondent of the transaction} */
    public boolean cf() { return cf; }
    /**
     * Sets {@code cf}.
     *
     * @param v the correspondent flag
     * @return this head
     */
    public RoadHead cf(boolean v) { cf = v; return this; }
    /** {@return broadcast flag} */
    public boolean bf() { return bf; }
    /**
     * Sets {@code bf}.
     *
     * @param v the broadcast flag
     * @return this head
     */
    public RoadHead bf(boolean v) { bf = v; return this; }
    /** {@return NAT flag} */
    public boolean nf() { return nf; }
    /**
     * Sets {@code nf}.
     *
     * @param v the NAT flag
     * @return this head
     */
    public RoadHead nf(boolean v) { nf = v; return this; }
    /** {@return dynamic-ip flag} */
    public boolean df() { return df; }
    /**
     * Sets {@code df}.
     *
     * @param v the dynamic-ip flag
     * @return this head
     */
    public RoadHead df(boolean v) { df = v; return this; }
    /** {@return IPv6 flag} */
    public boolean vf() { return vf; }
    /**
     * Sets {@code vf}.
     *
     * @param v the IPv6 flag
     * @return this head
     */
    public RoadHead vf(boolean v) { vf = v; return this; }
    /** {@return wait flag: the sender waits for an ack after this packet} */
    public boolean wf() { return wf; }
    /**
     * Sets {@code wf}.
     *
     * @param v the wait flag
     * @return this head
     */
    public RoadHead wf(boolean v) { wf = v; return this; }
    /** {@return segment flag} */
    public boolean sf() { return sf; }
    /**
     * Sets {@code sf}.
     *
     * @param v the segment flag
     * @return this head
     */
    public RoadHead sf(boolean v) { sf = v; return this; }
    /** {@return again flag: a retransmission} */
    public boolean af() { return af; }
    /**
     * Sets {@code af}.
     *
     * @param v the again flag
     * @return this head
     */
    public RoadHead af(boolean v) { af = v; return this; }

    /** {@return packet length (set by encode/parse)} */
    public int pl() { return pl; }
    /**
     * Sets {@code pl}.
     *
     * @param v the packet length
     * @return this head
     */
    public RoadHead pl(int v) { pl = v; return this; }
    /** {@return head length including the terminator (set by encode/parse)} */
    public int hl() { return hl; }
    /**
     * Sets {@code hl}.
     *
     * @param v the head length including the terminator
     * @return this head
     */
    public RoadHead hl(int v) { hl = v; return this; }
    /** {@return foot length (set by encode from {@code fk}, and by parse)} */
    public int fl() { return fl; }
    /**
     * Sets {@code fl}.
     *
     * @param v the foot length
     * @return this head
     */
    public RoadHead fl(int v) { fl = v; return this; }

    /** {@return the flags packed MSB first in the order vf df nf af sf wf bf cf, as in the {@code fg} field} */
    public int fg() {
        return (vf ? 0x80 : 0) | (df ? 0x40 : 0) | (nf ? 0x20 : 0) | (af ? 0x10 : 0)
                | (sf ? 0x08 : 0) | (wf ? 0x04 : 0) | (bf ? 0x02 : 0) | (cf ? 0x01 : 0);
    }

    /**
     * Sets all eight flags from a packed {@code fg} byte.
     *
     * @param fg the packed flags
     * @return this head
     */
    public RoadHead fg(int fg) {
        vf = (fg & 0x80) != 0;
        df = (fg & 0x40) != 0;
        nf = (fg & 0x20) != 0;
        af = (fg & 0x10) != 0;
        sf = (fg & 0x08) != 0;
        wf = (fg & 0x04) != 0;
        bf = (fg & 0x02) != 0;
        cf = (fg & 0x01) != 0;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoadHead h && hk == h.hk && vn == h.vn && pk == h.pk && tk == h.tk && bk == h.bk
                && ck == h.ck && fk == h.fk && se == h.se && de == h.de && si == h.si && ti == h.ti && sn == h.sn
                && sc == h.sc && ml == h.ml && Double.compare(dt, h.dt) == 0 && oi == h.oi && fg() == h.fg()
                && pl == h.pl && hl == h.hl && fl == h.fl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(hk, vn, pk, tk, bk, ck, fk, se, de, si, ti, sn, sc, ml, dt, oi, fg(), pl, hl, fl);
    }

    @Override
    public String toString() {
        return "RoadHead[hk=" + hk + " vn=" + vn + " pk=" + pk + " tk=" + tk + " bk=" + bk + " ck=" + ck + " fk=" + fk
                + " se=" + se + " de=" + de + " si=" + si + " ti=" + ti + " sn=" + sn + " sc=" + sc + " ml=" + ml
                + (dt != 0.0 ? " dt=" + dt : "") + (oi != 0 ? " oi=" + oi : "")
                + " fg=" + String.format("%02x", fg()) + " pl=" + pl + " hl=" + hl + " fl=" + fl + "]";
    }
}
