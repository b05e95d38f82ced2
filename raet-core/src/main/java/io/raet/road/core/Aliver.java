package io.raet.road.core;

import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import java.net.InetSocketAddress;

/** Heartbeat initiator (§8): an answer marks the remote alive, silence marks it dead. */
final class Aliver extends Transaction {
    private byte[] request;

    private Aliver(Peer peer) {
        super(peer, TransactionKind.ALIVE, false);
        this.bk = ctx.config().bodyKind();
        this.ck = CoatKind.NACL;
        this.fk = FootKind.NACL;
    }

    static void start(Peer peer, long now) {
        TxContext ctx = peer.ctx;
        if (peer.aliver != null) {
            return;
        }
        Aliver a = new Aliver(peer);
        a.initiate(peer.remote.sid());
        ctx.start(a);
        a.request = a.send(a.head(PacketKind.REQUEST), EMPTY);
        a.startTimers(now, seconds(ctx.config().aliveTimeout()), 0.25);
        long interval = ctx.config().aliveInterval().toNanos();
        if (interval > 0) {
            peer.nextHeartbeat = now + interval;
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case ACK -> {
                remove();
                peer.setAlive(true);
                peer.resolveAlive(null);
            }
            case NACK, REFUSE -> {
                remove();
                peer.resolveAlive("refused");
            }
            case REJECT -> {
                remove();
                peer.setAlive(false);
                peer.resolveAlive("rejected");
            }
            case UNJOINED -> {
                remove();
                remote.joined(false);
                peer.join(now, true);
            }
            case UNALLOWED -> {
                if (peer.allowent != null && peer.allowent.acked()) {
                    // The remote's allow has not had our ack yet (it goes again): the session it is opening is the
                    // one we have. Dropping it for an allow of our own used to start a storm of allows, each side's
                    // heartbeat reaching the other before its ack.
                    ctx.count(RoadCounter.UNALLOWED_WHILE_ACKING);
                    return;
                }
                remove();
                peer.allowed = false;
                peer.allow(now, true);
            }
            default -> ctx.drop(DropReason.UNEXPECTED_ALIVE_PACKET);
        }
    }

    @Override
    void redo(long now) {
        resend(request);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        remove();
        peer.setAlive(false);
        peer.resolveAlive("timeout");
    }
}
