package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.Reason;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * Sender of one message (§9.1): boxes the body once, sends it whole or in signed segments, in bursts, and
 * follows the receiver's acks and resend requests until it answers done. What the receiver can make it send again
 * is bounded by a resend budget ({@link RoadLimits#resendFactor()}).
 */
final class Messenger extends Transaction {
    /** A message accepted by {@link RoadEngine#send} and not yet finished. */
    record Pending(long id, BodyKind bk, byte[] body, MessageOptions options, long deadline) {}

    final Pending pending;
    private byte[] coat;
    private int segmentSize;
    private int segmentCount;
    private int cursor;
    /** Highest segment the receiver acknowledged holding with none missing below it (-1: none yet). */
    private int acked = -1;
    private final ArrayDeque<Integer> resends = new ArrayDeque<>();
    /** The segment numbers in {@link #resends}. */
    private final java.util.BitSet queued = new java.util.BitSet();
    private int lastSent = -1;
    private boolean lastWf;
    private byte[] single;
    private boolean answered;
    private int redos;
    /** Segments the receiver may still make this message send again. */
    private long resendBudget;
    /** Segments below this were sent at least once. */
    private int frontier;
    /** When the last {@link RoadEvent.Progress} went out (or the message started). */
    private long progressAt;

    private Messenger(Peer peer, Pending pending) {
        super(peer, TransactionKind.MESSAGE, false);
        this.pending = pending;
        this.bk = pending.bk();
        this.ck = CoatKind.NACL;
        this.fk = FootKind.NACL;
    }

    static void start(Peer peer, Pending pending, long now) {
        TxContext ctx = peer.ctx;
        Messenger m = new Messenger(peer, pending);
        m.initiate(peer.remote.sid());
        try {
            m.coat = Coat.seal(m.ck, peer.sessionKey, pending.body(), ctx.entropy());
        } catch (RuntimeException e) {
            m.undelivered(DeliveryFailure.UNSENDABLE, "cannot encrypt: " + e.getMessage());
            return;
        }
        int max = ctx.config().maxPacketSize();
        RoadHead whole = m.head(PacketKind.MESSAGE);
        try {
            m.single = RoadCodec.encode(whole.copy().wf(true), m.coat, 0, m.coat.length, ctx.local().signer(), max);
            m.segmentCount = 1;
        } catch (PacketException e) {
            if (e.reason() != Reason.TOO_LARGE) {
                m.undelivered(DeliveryFailure.UNSENDABLE, "cannot pack: " + e.getMessage());
                return;
            }
            m.segmentSize = RoadCodec.segmentSize(whole, max);
            m.segmentCount = RoadCodec.segmentCount(m.coat.length, m.segmentSize);
            if (m.segmentSize <= 0 || m.segmentCount > 0xffff) {
                m.undelivered(DeliveryFailure.UNSENDABLE, "message too large");
                return;
            }
        }
        ctx.start(m);
        peer.load.outgoing++;
        m.resendBudget = (long) ctx.config().limits().resendFactor() * m.segmentCount + MessageOptions.DEFAULT_BURST;
        if (pending.deadline() >= 0) {
            m.timeoutAt = pending.deadline();
        }
        m.progressAt = now;
        m.redoInterval = nanos(0.2);
        m.redoAt = now + m.redoInterval;
        ctx.schedule(m);
        m.sendBurst();
    }

    @Override
    void ended() {
        peer.load.outgoing--;
    }

    private void undelivered(DeliveryFailure reason, String detail) {
        ctx.emit(new RoadEvent.Undelivered(pending.id(), remote.name(), reason, detail));
    }

    /**
     * Takes {@code n} segments from the resend budget for segments the receiver asked for again; when it is spent
     * the message fails (counted {@code resend_budget}) and false is returned.
     */
    private boolean spendResends(int n) {
        if (n <= 0) {
            return true;
        }
        if (resendBudget < n) {
            ctx.count(RoadCounter.RESEND_BUDGET);
            remove();
            sendEmpty(PacketKind.NACK);
            undelivered(DeliveryFailure.RESEND_BUDGET, "resend budget exhausted: the receiver asked for more than "
                    + ctx.config().limits().resendFactor() + " times the message");
            return false;
        }
        resendBudget -= n;
        return true;
    }

    private byte[] segment(int sn, boolean wf, boolean af) {
        if (segmentCount == 1) {
            ctx.enqueue(single, to);
            return single;
        }
        RoadHead h = head(PacketKind.MESSAGE).wf(wf).af(af);
        int off = sn * segmentSize;
        int len = Math.min(segmentSize, coat.length - off);
        h.sn(sn).sc(segmentCount).ml(coat.length).sf(true);
        try {
            byte[] data = RoadCodec.encode(h, coat, off, len, ctx.local().signer(), ctx.config().maxPacketSize());
            ctx.enqueue(data, to);
            return data;
        } catch (PacketException e) {
            ctx.count(RoadCounter.PACK_ERROR);
            return null;
        }
    }

    /**
     * Sends what the window allows. With a burst size of zero every remaining segment goes at once (the
     * reference's default). Otherwise segments go in bursts of that size, each ending with {@code wf}, and up to
     * two bursts are in flight beyond the last acknowledged segment: the receiver checks and acks one burst while
     * the next one is on its way, and a slow receiver's socket buffer is not flooded.
     */
    private void sendBurst() {
        if (!resends.isEmpty()) {
            sendResends();
            return;
        }
        int burst = pending.options().burst();
        int limit = burst == 0 ? segmentCount : (int) Math.min(segmentCount, acked + 1 + 2L * burst);
        while (cursor < limit) {
            int n = burst == 0 ? limit - cursor : Math.min(burst, limit - cursor);
            if (!spendResends(Math.min(n, frontier - cursor))) {
                return;
            }
            frontier = Math.max(frontier, cursor + n);
            for (int k = 0; k < n; k++) {
                int sn = cursor + k;
                boolean wf = k == n - 1;
                segment(sn, wf, false);
                lastSent = sn;
                lastWf = wf;
            }
            cursor += n;
        }
    }

    private void sendResends() {
        int burst = pending.options().burst();
        int n = burst == 0 ? resends.size() : Math.min(burst, resends.size());
        if (!spendResends(n)) {
            return;
        }
        for (int k = 0; k < n; k++) {
            int sn = resends.poll();
            queued.clear(sn);
            boolean wf = k == n - 1;
            segment(sn, wf, true);
            lastSent = sn;
            lastWf = wf;
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        switch (h.pk()) {
            case ACK -> {
                heard();
                int sn = (int) Math.min(h.sn(), segmentCount - 1);
                boolean progress = sn > acked;
                acked = Math.max(acked, sn);
                if (progress && segmentCount > 1 && now - progressAt >= RoadEvent.PROGRESS_INTERVAL_NANOS
                        && acked + 1 < segmentCount) {
                    progressAt = now;
                    ctx.emit(new RoadEvent.Progress(pending.id(), remote.name(), acked + 1, segmentCount));
                }
                if (pending.options().burst() == 0) {
                    if (resends.isEmpty() && sn + 1 < cursor) {
                        // Everything went at once and the receiver asks for more: what follows sn was lost.
                        cursor = sn + 1;
                    }
                } else if (!progress && resends.isEmpty() && sn + 1 < cursor) {
                    // The receiver has nothing beyond sn although more was sent: those segments are lost or still
                    // on their way. Re-send the highest one (wf); the receiver then asks for the gaps by number.
                    if (!spendResends(1)) {
                        return;
                    }
                    segment(cursor - 1, true, true);
                    lastSent = cursor - 1;
                    lastWf = true;
                }
                sendBurst();
            }
            case RESEND -> {
                heard();
                List<Integer> misseds = misseds(packet);
                if (misseds == null) {
                    ctx.drop(DropReason.INVALID_RESEND);
                    return;
                }
                for (int sn : misseds) {
                    if (sn >= 0 && sn < segmentCount && !queued.get(sn)) {
                        queued.set(sn);
                        resends.add(sn);
                    }
                }
                sendResends();
            }
            case DONE -> {
                remove();
                peer.setAlive(true);
                ctx.count(RoadCounter.MESSAGES_DELIVERED);
                ctx.emit(new RoadEvent.Delivered(pending.id(), remote.name()));
            }
            case NACK, REFUSE, REJECT, UNJOINED, UNALLOWED, RENEW -> {
                remove();
                undelivered(DeliveryFailure.REFUSED,
                        "refused by the remote (" + h.pk().name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
            default -> ctx.drop(DropReason.UNEXPECTED_MESSAGE_PACKET);
        }
    }

    private void heard() {
        answered = true;
        redos = 0;
        peer.setAlive(true);
    }

    private List<Integer> misseds(ParsedPacket packet) {
        try {
            byte[] body = Coat.open(packet.head().ck(), peer.sessionKey, packet.buffer(), packet.coatOffset(),
                    packet.coatLength());
            Object decoded = Body.decode(packet.head().bk(), body, 0, body.length);
            if (decoded instanceof Map<?, ?> m && m.get("misseds") instanceof List<?> list) {
                java.util.ArrayList<Integer> out = new java.util.ArrayList<>(list.size());
                for (Object o : list) {
                    if (!(o instanceof Number n)) {
                        return null;
                    }
                    long v = n.longValue();
                    out.add(v < 0 || v > 0xffff ? -1 : (int) v);
                }
                return out;
            }
        } catch (PacketException e) {
            return null;
        }
        return null;
    }

    @Override
    void redo(long now) {
        int retries = pending.options().retries();
        if (retries >= 0 && redos >= retries) {
            remove();
            undelivered(DeliveryFailure.RETRIES_EXHAUSTED, "no answer after " + retries + " retries");
            return;
        }
        redos++;
        if (segmentCount == 1 && !answered) {
            resend(single);
        } else if (segmentCount > 1 && pending.options().burst() > 0 && cursor > 0) {
            // The highest segment sent, asking for an answer: the receiver reports every gap below it.
            segment(cursor - 1, true, answered);
        } else if (lastSent >= 0) {
            segment(lastSent, lastWf || segmentCount == 1, answered);
        }
        backoff(now, 0.2, 0.5);
    }

    @Override
    void timeout(long now) {
        remove();
        sendEmpty(PacketKind.NACK);
        undelivered(DeliveryFailure.TIMEOUT, "timeout");
    }
}
