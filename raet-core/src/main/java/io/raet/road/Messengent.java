package io.raet.road;

import io.raet.codec.Reason;
import io.raet.codec.Body;
import io.raet.codec.Coat;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.Reassembly;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Receiver of one message (§9.2): reassembles segments, asks for the missing ones, answers done. */
final class Messengent extends Transaction {
    static final int MAX_MISSEDS = 64;

    private Reassembly reassembly;
    private io.raet.codec.BodyKind bodyKind;
    private io.raet.codec.CoatKind coatKind;

    private Messengent(RoadEngine engine, Remote remote) {
        super(engine, remote, TransactionKind.MESSAGE, true);
    }

    static void start(RoadEngine engine, Remote remote, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        RoadHead h = packet.head();
        Messengent m = new Messengent(engine, remote);
        m.correspond(h, key, src);
        m.to = remote.ha;
        m.bk = engine.bodyKind();
        m.ck = h.ck();
        m.fk = h.fk();
        m.wf = h.wf();
        if (!remote.isAllowed() || remote.sessionKey == null) {
            m.sendEmpty(PacketKind.NACK);
            engine.drop("message_unallowed");
            return;
        }
        engine.addTransaction(m);
        m.startTimers(now, RoadEngine.seconds(engine.config.receiveTimeout()), 0.2);
        m.segment(packet, now);
    }

    @Override
    RoadHead head(PacketKind pk) {
        return super.head(pk).wf(wf);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case MESSAGE -> segment(packet, now);
            case NACK -> remove();
            default -> engine.drop("unexpected_message_packet");
        }
    }

    private void segment(ParsedPacket packet, long now) {
        RoadHead h = packet.head();
        if (reassembly == null && h.sc() <= 1 && !h.sf()) {
            deliver(h.bk(), h.ck(), packet.buffer(), packet.coatOffset(), packet.coatLength(), now);
            return;
        }
        try {
            if (reassembly == null) {
                reassembly = new Reassembly(h.sc(), h.ml());
                bodyKind = h.bk();
                coatKind = h.ck();
            }
            reassembly.add(h.sn(), packet.buffer(), packet.coatOffset(), packet.coatLength());
            refreshTimeout(now, RoadEngine.seconds(engine.config.receiveTimeout()));
            if (reassembly.complete()) {
                byte[] whole = reassembly.coat();
                deliver(bodyKind, coatKind, whole, 0, whole.length, now);
            } else if (h.wf()) {
                respond();
            }
        } catch (PacketException e) {
            engine.drop("bad_segment");
        }
    }

    private void deliver(io.raet.codec.BodyKind bk, io.raet.codec.CoatKind ck, byte[] buf, int off, int len,
            long now) {
        Map<String, Object> body;
        try {
            byte[] plain = Coat.open(ck, remote.sessionKey, buf, off, len);
            Object decoded = Body.decode(bk, plain, 0, plain.length);
            if (!(decoded instanceof Map<?, ?>)) {
                throw new PacketException(io.raet.codec.Reason.BAD_BODY, "message body is not a map");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) decoded;
            body = map;
        } catch (PacketException e) {
            engine.drop("message_" + e.reason().name().toLowerCase(java.util.Locale.ROOT));
            sendEmpty(PacketKind.NACK);
            remove();
            return;
        }
        sendEmpty(PacketKind.DONE);
        remove();
        remote.completedTids.add(ti, now + engine.config.staleTidWindow().toNanos());
        if (si == remote.rsid) {
            remote.replay.mark(remote.rsid, ti);
        }
        engine.setAlive(remote, true);
        engine.stats.inc(RoadStats.Counter.MESSAGES_RECEIVED);
        engine.emit(new RoadEvent.Message(remote.name, remote.role, body));
    }

    /** Asks for the gaps below the highest segment received, or acks to ask for more. */
    private void respond() {
        int highest = reassembly.highest();
        int[] missing = reassembly.missing(0, highest);
        if (missing.length == 0) {
            RoadHead ack = head(PacketKind.ACK).sn(highest);
            send(ack, RoadEngine.EMPTY);
            return;
        }
        for (int from = 0; from < missing.length; from += MAX_MISSEDS) {
            List<Integer> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(missing.length, from + MAX_MISSEDS); i++) {
                chunk.add(missing[i]);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("misseds", chunk);
            try {
                byte[] plain = Body.encode(bk, body);
                send(head(PacketKind.RESEND), Coat.seal(ck, remote.sessionKey, plain));
            } catch (PacketException e) {
                engine.stats.inc("pack_error");
            }
        }
    }

    @Override
    void redo(long now) {
        if (reassembly != null) {
            respond();
        }
        backoff(now, 0.2, 0.5);
    }

    @Override
    void timeout(long now) {
        sendEmpty(PacketKind.NACK);
        remove();
        engine.drop("message_incomplete_timeout");
    }
}
