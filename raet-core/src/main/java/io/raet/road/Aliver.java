package io.raet.road;

import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import java.net.InetSocketAddress;

/** Heartbeat initiator (§8): an answer marks the remote alive, silence marks it dead. */
final class Aliver extends Transaction {
    private byte[] request;

    private Aliver(RoadEngine engine, Peer peer) {
        super(engine, peer, TransactionKind.ALIVE, false);
        this.bk = engine.bodyKind();
        this.ck = CoatKind.NACL;
        this.fk = FootKind.NACL;
    }

    static void start(RoadEngine engine, Peer peer, long now) {
        if (peer.aliver != null) {
            return;
        }
        Aliver a = new Aliver(engine, peer);
        a.initiate(peer.remote.sid());
        engine.addTransaction(a);
        a.request = a.send(a.head(PacketKind.REQUEST), RoadEngine.EMPTY);
        a.startTimers(now, RoadEngine.seconds(engine.config.aliveTimeout()), 0.25);
        long interval = engine.config.aliveInterval().toNanos();
        if (interval > 0) {
            peer.nextHeartbeat = now + interval;
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case ACK -> {
                remove();
                engine.setAlive(peer, true);
                engine.resolveAlive(peer, null);
            }
            case NACK, REFUSE -> {
                remove();
                engine.resolveAlive(peer, "refused");
            }
            case REJECT -> {
                remove();
                engine.setAlive(peer, false);
                engine.resolveAlive(peer, "rejected");
            }
            case UNJOINED -> {
                remove();
                remote.joined(false);
                engine.join(peer, now, true);
            }
            case UNALLOWED -> {
                remove();
                peer.allowed = false;
                engine.allow(peer, now, true);
            }
            default -> engine.drop(DropReason.UNEXPECTED_ALIVE_PACKET);
        }
    }

    @Override
    void redo(long now) {
        engine.resend(request, to);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        remove();
        engine.setAlive(peer, false);
        engine.resolveAlive(peer, "timeout");
    }
}
