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

    public RoadHead() {}

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

    public HeadKind hk() { return hk; }
    public RoadHead hk(HeadKind v) { hk = Objects.requireNonNull(v, "hk"); return this; }
    public int vn() { return vn; }
    public RoadHead vn(int v) { vn = v; return this; }
    public PacketKind pk() { return pk; }
    public RoadHead pk(PacketKind v) { pk = Objects.requireNonNull(v, "pk"); return this; }
    public TransactionKind tk() { return tk; }
    public RoadHead tk(TransactionKind v) { tk = Objects.requireNonNull(v, "tk"); return this; }
    public BodyKind bk() { return bk; }
    public RoadHead bk(BodyKind v) { bk = Objects.requireNonNull(v, "bk"); return this; }
    public CoatKind ck() { return ck; }
    public RoadHead ck(CoatKind v) { ck = Objects.requireNonNull(v, "ck"); return this; }
    public FootKind fk() { return fk; }
    public RoadHead fk(FootKind v) { fk = Objects.requireNonNull(v, "fk"); return this; }

    /** Source estate id: the sender's id for the receiver. */
    public long se() { return se; }
    public RoadHead se(long v) { se = v; return this; }
    /** Destination estate id: the receiver's id for the sender. */
    public long de() { return de; }
    public RoadHead de(long v) { de = v; return this; }
    /** Session id. */
    public long si() { return si; }
    public RoadHead si(long v) { si = v; return this; }
    /** Transaction id. */
    public long ti() { return ti; }
    public RoadHead ti(long v) { ti = v; return this; }

    /** Segment number (in a message ack: the highest segment number held). */
    public int sn() { return sn; }
    public RoadHead sn(int v) { sn = v; return this; }
    /** Segment count, default 1. */
    public int sc() { return sc; }
    public RoadHead sc(int v) { sc = v; return this; }
    /** Length of the whole coat of a segmented message. */
    public int ml() { return ml; }
    public RoadHead ml(int v) { ml = v; return this; }
    /** Datetime stamp; never set by the reference. -0.0 is stored as 0.0 (both are the default, never sent). */
    public double dt() { return dt; }
    public RoadHead dt(double v) { dt = v == 0.0 ? 0.0 : v; return this; }
    /** Order index; never set by the reference. */
    public long oi() { return oi; }
    public RoadHead oi(long v) { oi = v; return this; }

    /** Correspondent flag: sent by the correspondent of the transaction. */
    public boolean cf() { return cf; }
    public RoadHead cf(boolean v) { cf = v; return this; }
    /** Broadcast flag. */
    public boolean bf() { return bf; }
    public RoadHead bf(boolean v) { bf = v; return this; }
    /** NAT flag. */
    public boolean nf() { return nf; }
    public RoadHead nf(boolean v) { nf = v; return this; }
    /** Dynamic-ip flag. */
    public boolean df() { return df; }
    public RoadHead df(boolean v) { df = v; return this; }
    /** IPv6 flag. */
    public boolean vf() { return vf; }
    public RoadHead vf(boolean v) { vf = v; return this; }
    /** Wait flag: the sender waits for an ack after this packet. */
    public boolean wf() { return wf; }
    public RoadHead wf(boolean v) { wf = v; return this; }
    /** Segment flag. */
    public boolean sf() { return sf; }
    public RoadHead sf(boolean v) { sf = v; return this; }
    /** Again flag: a retransmission. */
    public boolean af() { return af; }
    public RoadHead af(boolean v) { af = v; return this; }

    /** Packet length (set by encode/parse). */
    public int pl() { return pl; }
    public RoadHead pl(int v) { pl = v; return this; }
    /** Head length including the terminator (set by encode/parse). */
    public int hl() { return hl; }
    public RoadHead hl(int v) { hl = v; return this; }
    /** Foot length (set by encode from {@code fk}, and by parse). */
    public int fl() { return fl; }
    public RoadHead fl(int v) { fl = v; return this; }

    /** The flags packed MSB first in the order vf df nf af sf wf bf cf, as in the {@code fg} field. */
    public int fg() {
        return (vf ? 0x80 : 0) | (df ? 0x40 : 0) | (nf ? 0x20 : 0) | (af ? 0x10 : 0)
                | (sf ? 0x08 : 0) | (wf ? 0x04 : 0) | (bf ? 0x02 : 0) | (cf ? 0x01 : 0);
    }

    /** Sets all eight flags from a packed {@code fg} byte. */
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
