package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import java.util.Map;

/**
 * Packets a joined, allowed peer ({@code from}) can make on its own with its keys and session toward
 * {@code target}: correctly signed, of the current session, with whatever counts and numbers it likes ({@link Forge}
 * builds what anyone can from public data).
 */
record PeerForge(RoadEngine from, String target) {
    Peer session() {
        return from.peer(target);
    }

    /** A message head of a fresh transaction id. */
    RoadHead message() {
        Peer p = session();
        Remote r = p.remote;
        return new RoadHead().pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE).se(r.uid()).de(r.fuid()).si(r.sid())
                .ti(p.nextTid()).bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NACL);
    }

    /** Segment {@code sn} of a message announcing {@code sc} segments and {@code ml} bytes, with a coat of junk. */
    byte[] segment(long ti, int sn, int sc, int ml, boolean wf, int coatBytes) {
        RoadHead h = message().ti(ti).sf(true).sn(sn).sc(sc).ml(ml).wf(wf);
        return signed(h, new byte[coatBytes]);
    }

    byte[] signed(RoadHead h, byte[] coat) {
        try {
            return RoadCodec.encode(h, coat, from.local().signer(), 1024);
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    byte[] sealed(Map<String, Object> body) {
        try {
            return Coat.seal(CoatKind.NACL, session().sessionKey, Body.encode(BodyKind.JSON, body));
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    /** The body of a packet sealed with this session's key. */
    Map<?, ?> open(byte[] d) {
        try {
            io.raet.codec.ParsedPacket p = RoadCodec.parse(d, 0, d.length);
            byte[] plain = Coat.open(CoatKind.NACL, session().sessionKey, d, p.coatOffset(), p.coatLength());
            return (Map<?, ?>) Body.decode(BodyKind.JSON, plain, 0, plain.length);
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    /** A reply of the receiving side ({@code cf}) to the message whose head is {@code h}. */
    byte[] reply(RoadHead h, PacketKind pk, Map<String, Object> body) {
        RoadHead r = new RoadHead().pk(pk).tk(TransactionKind.MESSAGE).se(h.de()).de(h.se()).si(h.si()).ti(h.ti())
                .cf(true).bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NACL);
        return signed(r, body == null ? new byte[0] : sealed(body));
    }
}
