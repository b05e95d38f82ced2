package io.raet.road.core;

import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import java.net.InetSocketAddress;

/** Heartbeat correspondent (§8): answers at once, so it never stays registered. */
final class Alivent extends Transaction {
    private Alivent(Peer peer) {
        super(peer, TransactionKind.ALIVE, true);
    }

    static void answer(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now, boolean fresh) {
        TxContext ctx = peer.ctx;
        Remote remote = peer.remote;
        Alivent a = new Alivent(peer);
        a.correspond(packet.head(), key, src);
        a.to = remote.ha();
        a.bk = ctx.config().bodyKind();
        a.ck = packet.head().ck();
        a.fk = packet.head().fk();
        if (!remote.isJoined()) {
            a.sendEmpty(PacketKind.UNJOINED);
        } else if (!peer.isAllowed() && peer.allower != null && peer.allower.initiated()) {
            ctx.drop(DropReason.ALIVE_WHILE_ALLOWING);
        } else if (!peer.isAllowed()) {
            a.sendEmpty(PacketKind.UNALLOWED);
        } else {
            a.sendEmpty(PacketKind.ACK);
            if (fresh) {
                peer.setAlive(true);
            }
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {}
}
