package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.Reassembly;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receiver of one message (§9.2): reassembles segments, asks for the missing ones, answers done.
 *
 * <p>Everything a segment announces is checked against {@link RoadLimits} before anything is held: the segment
 * count and message length of a new message (a count above {@link RoadLimits#maxSegmentCount()}, a length above
 * {@link RoadLimits#maxMessageSize()}, or a count and length that cannot belong together are refused with one
 * nack), the number of incoming messages and the bytes held for them. Memory grows with the segments that arrive.
 * Requests for missing segments are paced ({@link RoadLimits#maxMissedPerRedo()}) and the message has an absolute
 * deadline ({@link RoadLimits#incompleteDeadline()}) that no segment extends.
 */
final class Messengent extends Transaction {
    static final int MAX_MISSEDS = 64;
    /** Fewer bytes than any resend request takes (head, sealed body and signature). */
    static final int MIN_RESEND_PACKET = 200;

    private Reassembly reassembly;
    private BodyKind bodyKind;
    private CoatKind coatKind;
    /** Admitted as an incoming message being reassembled: counted in the endpoint's bounds until it ends. */
    private boolean admitted;
    /** Bytes held in the endpoint's bounds for the segments received. */
    private long held;
    /** When the message ends whatever arrives (nanoseconds). */
    private long deadline;
    /**
     * Missing segment numbers that may still be asked for: reset at each redo, one more for each new segment
     * received, never more than {@link RoadLimits#maxMissedPerRedo()}.
     */
    private int missedLeft;
    /** The session key of the message (a renewal may replace the peer's while it is received). */
    private io.raet.crypto.SharedKey sessionKey;

    private Messengent(Peer peer) {
        super(peer, TransactionKind.MESSAGE, true);
    }

    /** Whether a message's first packet opens a segmented message (one reassembled within the incoming bounds). */
    static boolean segmented(RoadHead h) {
        return h.sc() > 1 || h.sf();
    }

    static void start(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        TxContext ctx = peer.ctx;
        RoadHead h = packet.head();
        Messengent m = new Messengent(peer);
        m.correspond(h, key, src);
        m.to = peer.remote.ha();
        m.bk = ctx.config().bodyKind();
        m.ck = h.ck();
        m.fk = h.fk();
        m.wf = h.wf();
        if (!peer.isAllowed() || peer.sessionKey == null) {
            m.sendEmpty(PacketKind.NACK);
            ctx.drop(DropReason.MESSAGE_UNALLOWED);
            return;
        }
        m.sessionKey = peer.sessionKey;
        if (!peer.admission.acceptingMessages()) {
            // The application's inbox is full: no answer, so the sender tries again later.
            ctx.drop(DropReason.INBOX_FULL);
            return;
        }
        boolean segmented = segmented(h);
        if (segmented) {
            DropReason bad = badSegmentation(h, ctx.config().limits());
            if (bad != null) {
                ctx.drop(bad);
                m.sendEmpty(PacketKind.NACK);
                return;
            }
            if (!peer.admission.admitIncomplete(m)) {
                // No answer: the sender's retries get the message in once there is room.
                return;
            }
        }
        m.admitted = segmented;
        m.deadline = now + ctx.config().limits().incompleteDeadline().toNanos();
        m.missedLeft = ctx.config().limits().maxMissedPerRedo();
        ctx.start(m);
        m.startTimers(now, seconds(ctx.config().receiveTimeout()), 0.2);
        m.capTimeout();
        m.segment(packet, now);
    }

    /**
     * Why the first segment of a message cannot start one, or null: a segment count above the limit, a segment
     * number not below the count, a message length above the limit, or a count and length that cannot belong
     * together (every segment carries at least one byte and at most one datagram). With one segment the length
     * is not used (as in the reference).
     */
    static DropReason badSegmentation(RoadHead h, RoadLimits limits) {
        long sc = h.sc();
        long ml = h.ml();
        if (sc > limits.maxSegmentCount()) {
            return DropReason.SEGMENT_COUNT;
        }
        if (h.sn() < 0 || h.sn() >= sc) {
            return DropReason.BAD_SEGMENT;
        }
        if (sc > 1 && ml > limits.maxMessageSize()) {
            return DropReason.MESSAGE_TOO_LARGE;
        }
        if (sc > 1 && (ml < sc || ml > sc * RoadEngine.MAX_RECEIVE_SIZE)) {
            return DropReason.SEGMENT_COUNT_LENGTH;
        }
        return null;
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
            default -> ctx.drop(DropReason.UNEXPECTED_MESSAGE_PACKET);
        }
    }

    private void segment(ParsedPacket packet, long now) {
        RoadHead h = packet.head();
        if (reassembly == null && !admitted) {
            deliver(h.bk(), h.ck(), packet.buffer(), packet.coatOffset(), packet.coatLength(), now);
            return;
        }
        if (reassembly == null) {
            reassembly = new Reassembly(h.sc(), h.ml());
            bodyKind = h.bk();
            coatKind = h.ck();
        }
        if (h.sc() != reassembly.sc() || h.ml() != reassembly.ml() || h.sn() < 0 || h.sn() >= reassembly.sc()) {
            ctx.drop(DropReason.BAD_SEGMENT);
            return;
        }
        if (!reassembly.has(h.sn())) {
            long bytes = (long) packet.coatLength() + RoadLimits.SEGMENT_OVERHEAD;
            if (!peer.admission.holdIncomplete(this, bytes)) {
                if (reassembly.received() == 0) {
                    remove(); // a new message: unanswered, like one beyond the count
                } else {
                    refuse();
                }
                return;
            }
            try {
                reassembly.add(packet);
            } catch (PacketException e) {
                peer.admission.releaseBytes(this, bytes);
                ctx.drop(DropReason.BAD_SEGMENT);
                return;
            }
            held += bytes;
            // What arrived may be asked for again: one more missing segment per new one, up to the redo's share.
            missedLeft = Math.min(missedLeft + 1, ctx.config().limits().maxMissedPerRedo());
            // Only a new segment keeps the message open, and never beyond its deadline.
            refreshTimeout(now, seconds(ctx.config().receiveTimeout()));
            capTimeout();
        } else {
            ctx.count(RoadCounter.DUPLICATE_SEGMENT);
        }
        if (reassembly.complete()) {
            byte[] whole;
            try {
                whole = reassembly.coat();
            } catch (PacketException e) {
                ctx.drop(DropReason.BAD_SEGMENT);
                refuse();
                return;
            }
            deliver(bodyKind, coatKind, whole, 0, whole.length, now);
        } else if (h.wf()) {
            respond();
        }
    }

    private void capTimeout() {
        if (timeoutAt < 0 || timeoutAt > deadline) {
            timeoutAt = deadline;
            ctx.schedule(this);
        }
    }

    /** Whether the message holds reassembly memory (it can be ended to make room). */
    boolean holding() {
        return admitted && ctx.isActive(this);
    }

    /** Ends the message: the sender is nacked, what it held is released. */
    void refuse() {
        sendEmpty(PacketKind.NACK);
        remove();
    }

    /** The session key the message is received with. */
    io.raet.crypto.SharedKey sessionKey() {
        return sessionKey;
    }

    @Override
    void ended() {
        peer.retireKeys();
        if (admitted) {
            admitted = false;
            peer.admission.releaseIncomplete(this);
            held = 0;
            reassembly = null;
        }
    }

    private void deliver(BodyKind bk, CoatKind ck, byte[] buf, int off, int len, long now) {
        Map<String, Object> body;
        try {
            byte[] plain = Coat.open(ck, sessionKey, buf, off, len);
            peer.sessionBytes += plain.length;
            Object decoded = Body.decode(bk, plain, 0, plain.length);
            if (!(decoded instanceof Map<?, ?>)) {
                throw new PacketException(io.raet.codec.Reason.BAD_BODY, "message body is not a map");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) decoded;
            body = map;
        } catch (PacketException e) {
            ctx.drop(DropReason.messageBody(e.reason()));
            refuse();
            return;
        }
        sendEmpty(PacketKind.DONE);
        remove();
        peer.completedTids.add(ti, now + ctx.config().staleTidWindow().toNanos());
        peer.answeredDone(ti, now);
        if (si == peer.rsid) {
            peer.replay.mark(peer.rsid, ti);
        }
        peer.setAlive(true);
        ctx.count(RoadCounter.MESSAGES_RECEIVED);
        ctx.emit(new RoadEvent.Message(remote.name(), remote.role(), body, len));
    }

    /**
     * Asks for the gaps below the highest segment received, or acks to ask for more. At most
     * {@link RoadLimits#maxMissedPerRedo()} missing segments are asked for per redo interval, plus one for each
     * new segment received; gaps beyond wait.
     */
    private void respond() {
        int highest = reassembly.highest();
        int[] missing = reassembly.missing(0, highest, Math.max(1, missedLeft));
        if (missing.length == 0) {
            RoadHead ack = head(PacketKind.ACK).sn(highest);
            send(ack, EMPTY);
            return;
        }
        if (missedLeft <= 0) {
            ctx.count(RoadCounter.MISSED_REQUESTS_PACED);
            return;
        }
        if (peer.load.answerCredit < MIN_RESEND_PACKET) {
            // Not even one request could go: skip building and signing them.
            ctx.count(RoadCounter.ANSWER_BUDGET);
            return;
        }
        missedLeft -= missing.length;
        for (int from = 0; from < missing.length; from += MAX_MISSEDS) {
            List<Integer> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(missing.length, from + MAX_MISSEDS); i++) {
                chunk.add(missing[i]);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("misseds", chunk);
            try {
                byte[] plain = Body.encode(bk, body);
                byte[] coat = Coat.seal(ck, sessionKey, plain, ctx.entropy());
                if (send(head(PacketKind.RESEND), coat) == null) {
                    return; // out of answer credit (counted): the next ones would not go either
                }
            } catch (PacketException e) {
                ctx.count(RoadCounter.PACK_ERROR);
            }
        }
    }

    @Override
    void redo(long now) {
        missedLeft = ctx.config().limits().maxMissedPerRedo();
        if (reassembly != null) {
            respond();
        }
        backoff(now, 0.2, 0.5);
    }

    @Override
    void timeout(long now) {
        refuse();
        ctx.drop(now >= deadline ? DropReason.MESSAGE_DEADLINE : DropReason.MESSAGE_INCOMPLETE_TIMEOUT);
    }
}
