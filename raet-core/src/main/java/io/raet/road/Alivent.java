package io.raet.road;

import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import java.net.InetSocketAddress;

/** Heartbeat correspondent (§8): answers at once, so it never stays registered. */
final class Alivent extends Transaction {
    private Alivent(RoadEngine engine, Remote remote) {
        super(engine, remote, TransactionKind.ALIVE, true);
    }

    static void answer(RoadEngine engine, Remote remote, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now, boolean fresh) {
        Alivent a = new Alivent(engine, remote);
        a.correspond(packet.head(), key, src);
        a.to = remote.ha;
        a.bk = engine.bodyKind();
        a.ck = packet.head().ck();
        a.fk = packet.head().fk();
        if (!remote.isJoined()) {
            a.sendEmpty(PacketKind.UNJOINED);
        } else if (!remote.isAllowed()) {
            a.sendEmpty(PacketKind.UNALLOWED);
        } else {
            a.sendEmpty(PacketKind.ACK);
            if (fresh) {
                engine.setAlive(remote, true);
            }
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {}
}
