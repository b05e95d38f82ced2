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
import io.raet.crypto.SharedKey;
import io.raet.road.DeliveryFailure;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Sender of one message (§9.1): boxes the body once with the session key of the moment, sends it whole or in signed
 * segments, and follows the receiver's acks and resend requests until it answers done.
 *
 * <p>Its segments go out in turns its remote's {@link SendWindow} gives it, shared with every other message to the
 * remote: at most {@link MessageOptions#burst()} of its segments per turn and two bursts in flight, each turn ending
 * with a segment that asks for an answer ({@code wf}), segments asked for again before new ones. With a burst of
 * zero (asked for explicitly) it sends every segment at once, as the reference does by default, outside the turns
 * (its segments still count in the window). What the receiver can make it send again is bounded by a resend budget
 * ({@link RoadLimits#resendFactor()}). When no answer comes for a retransmission timeout it re-sends its highest
 * segment in flight, asking for an answer: the receiver then names the gaps.
 */
final class Messenger extends Transaction {
    /** A message accepted by {@link RoadEngine#send} and not yet finished. */
    record Pending(long id, BodyKind bk, byte[] body, MessageOptions options, long deadline) {}

    final Pending pending;
    private final SendWindow window;
    /** Most segments per turn (twice as many in flight); 0 = all at once. */
    private final int burst;
    /** The session key the message is sealed with (the resend requests of its receiver are too). */
    private SharedKey sessionKey;
    private byte[] coat;
    private int segmentSize;
    private int segmentCount;
    private byte[] single;
    /** Segments below this were sent at least once. */
    private int cursor;
    /** Highest segment the receiver acknowledged holding with none missing below it (-1: none yet). */
    private int acked = -1;
    /** Segments sent whose fate no answer told yet (in flight), and how many. */
    private BitSet out;
    private int outCount;
    /** When each segment was last sent, and which ones were sent more than once. */
    private long[] sentAt;
    private BitSet again;
    private final ArrayDeque<Integer> resends = new ArrayDeque<>();
    /** The segment numbers in {@link #resends}. */
    private final BitSet queued = new BitSet();
    private int lastSent = -1;
    private boolean lastWf;
    private boolean answered;
    private int redos;
    /** Segments the receiver may still make this message send again. */
    private long resendBudget;
    /** Segments below this were sent before (all-at-once mode: what a rewind sends again is charged). */
    private int frontier;
    /** When the last {@link RoadEvent.Progress} went out (or the message started). */
    private long progressAt;
    /** A first transmission asking for an answer, timed for the round trip (-1: none). */
    private int timedSn = -1;
    private long timedAt;
    /** When the latest sent of the segments {@link #clearOut} cleared went. */
    private long cleared;
    /** Set by the window: taking turns, and under way (segmented messages). */
    boolean inTurn;
    boolean open;

    private Messenger(Peer peer, Pending pending) {
        super(peer, TransactionKind.MESSAGE, false);
        this.pending = pending;
        this.window = peer.window;
        this.burst = pending.options().burst();
        this.bk = pending.bk();
        this.ck = CoatKind.NACL;
        this.fk = FootKind.NACL;
    }

    static void start(Peer peer, Pending pending, long now) {
        TxContext ctx = peer.ctx;
        Messenger m = new Messenger(peer, pending);
        m.initiate(peer.remote.sid());
        m.sessionKey = peer.sessionKey;
        try {
            m.coat = Coat.seal(m.ck, m.sessionKey, pending.body(), ctx.entropy());
        } catch (RuntimeException e) {
            m.undelivered(DeliveryFailure.UNSENDABLE, "cannot encrypt: " + e.getMessage());
            return;
        }
        peer.sessionBytes += pending.body().length;
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
        m.out = new BitSet(m.segmentCount);
        m.sentAt = new long[m.segmentCount];
        m.again = new BitSet(m.segmentCount);
        ctx.start(m);
        peer.load.outgoing++;
        m.resendBudget = (long) ctx.config().limits().resendFactor() * m.segmentCount + MessageOptions.DEFAULT_BURST;
        if (pending.deadline() >= 0) {
            m.timeoutAt = pending.deadline();
        }
        m.progressAt = now;
        m.redoInterval = m.window.rto();
        ctx.schedule(m);
        if (m.burst == 0) {
            m.sendAll(now);
        } else {
            m.window.add(m, now);
            m.window.pump(now);
        }
    }

    boolean segmented() {
        return segmentCount > 1;
    }

    /** Segments it could send now: asked-for ones and new ones, within two bursts in flight. */
    int wanted() {
        if (segmentCount == 1) {
            return cursor == 0 ? 1 : 0;
        }
        int n = resends.size() + (segmentCount - cursor);
        return (int) Math.max(0, Math.min(n, 2L * burst - outCount));
    }

    /** Segments the receiver asked for that wait to go again. */
    int asked() {
        return resends.size();
    }

    /** The most segments of one turn: a burst, so that an answer comes while the next one is in flight. */
    int turnLimit() {
        return Math.max(1, burst);
    }

    /**
     * Sends up to {@code max} segments, asked-for ones first, the last one asking for an answer. Returns how many
     * went, or -1 when the resend budget was spent (the message failed).
     */
    int sendTurn(long now, int max) {
        if (segmentCount == 1) {
            if (cursor > 0) {
                return 0;
            }
            cursor = 1;
            transmit(0, true, false, now);
            timedSn = 0;
            timedAt = now;
            armRedo(now);
            return 1;
        }
        int n = Math.min(max, wanted());
        if (n <= 0) {
            return 0;
        }
        int asked = Math.min(n, resends.size());
        if (!spendResends(asked)) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            boolean wf = i == n - 1;
            if (i < asked) {
                int sn = resends.poll();
                queued.clear(sn);
                timedSn = -1; // an answer now also waits for this one
                transmit(sn, wf, true, now);
            } else {
                int sn = cursor++;
                transmit(sn, wf, false, now);
                if (wf && timedSn < 0) {
                    timedSn = sn;
                    timedAt = now;
                }
            }
        }
        frontier = Math.max(frontier, cursor);
        armRedo(now);
        return n;
    }

    /** Every remaining segment at once (burst 0), or every segment asked for. */
    private void sendAll(long now) {
        if (!resends.isEmpty()) {
            int n = resends.size();
            if (!spendResends(n)) {
                return;
            }
            for (int k = 0; k < n; k++) {
                int sn = resends.poll();
                queued.clear(sn);
                transmit(sn, k == n - 1, true, now);
            }
            armRedo(now);
            return;
        }
        int n = segmentCount - cursor;
        if (n <= 0) {
            return;
        }
        if (!spendResends(Math.min(n, frontier - cursor))) {
            return;
        }
        for (int k = 0; k < n; k++) {
            transmit(cursor + k, k == n - 1, false, now);
        }
        cursor = segmentCount;
        frontier = segmentCount;
        armRedo(now);
    }

    /** Sends one segment (queued for the driver) and counts it in flight. */
    private void transmit(int sn, boolean wf, boolean af, long now) {
        if (segment(sn, wf, af) == null) {
            return;
        }
        if (!out.get(sn)) {
            out.set(sn);
            outCount++;
            window.charge(1);
        }
        if (sentAt[sn] != 0) {
            again.set(sn);
        }
        sentAt[sn] = now == 0 ? 1 : now;
        lastSent = sn;
        lastWf = wf;
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
            boolean defer = ctx.deferSignatures();
            byte[] data = RoadCodec.encode(h, coat, off, len, ctx.local().signer(), ctx.config().maxPacketSize(),
                    defer);
            if (defer) {
                ctx.enqueueToSign(data, to);
            } else {
                ctx.enqueue(data, to);
            }
            return data;
        } catch (PacketException e) {
            ctx.count(RoadCounter.PACK_ERROR);
            return null;
        }
    }

    /**
     * Forgets segments in flight in {@code [from, to]}; returns how many were ({@link #cleared} is when the last
     * sent of them went).
     */
    private int clearOut(int from, int to) {
        int n = 0;
        cleared = Long.MIN_VALUE;
        for (int sn = out.nextSetBit(Math.max(0, from)); sn >= 0 && sn <= to; sn = out.nextSetBit(sn + 1)) {
            out.clear(sn);
            cleared = Math.max(cleared, sentAt[sn]);
            n++;
        }
        outCount -= n;
        return n;
    }

    /** Segments reached the receiver (counted by {@link #clearOut}): the window may grow. */
    private void delivered(int n, long now) {
        window.delivered(n, cleared, now);
    }

    /** Waits for an answer for a retransmission timeout, unless it waits already. */
    private void armRedo(long now) {
        if (redoAt < 0) {
            redoInterval = window.rto();
            setRedo(now + redoInterval);
        }
    }

    /**
     * An answer showed progress (segments reached the receiver, or new ones are found lost): the redo waits a whole
     * timeout again while segments are in flight. An answer without progress (an ack for what was acked, a request
     * for what is queued, as a receiver's own redo sends) leaves it: it may come forever while what is in flight is
     * lost.
     */
    private void rearmRedo(long now) {
        redoInterval = window.rto();
        setRedo(outCount > 0 || burst == 0 ? now + redoInterval : -1);
    }

    @Override
    void ended() {
        peer.load.outgoing--;
        window.release(outCount);
        outCount = 0;
        window.ended(this);
        peer.retireKeys();
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

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        RoadHead h = packet.head();
        switch (h.pk()) {
            case ACK -> {
                heard();
                int sn = (int) Math.min(h.sn(), segmentCount - 1);
                boolean progress = sn > acked;
                if (progress) {
                    delivered(clearOut(acked + 1, sn), now);
                    acked = sn;
                    if (segmentCount > 1 && now - progressAt >= RoadEvent.PROGRESS_INTERVAL_NANOS
                            && acked + 1 < segmentCount) {
                        progressAt = now;
                        ctx.emit(new RoadEvent.Progress(pending.id(), remote.name(), acked + 1, segmentCount));
                    }
                }
                if (timedSn >= 0 && sn >= timedSn) {
                    window.rttSample(now - timedAt, now);
                    timedSn = -1;
                }
                if (progress || burst == 0) {
                    rearmRedo(now);
                }
                if (burst == 0) {
                    if (resends.isEmpty() && sn + 1 < cursor) {
                        // Everything went at once and the receiver asks for more: what follows sn was lost.
                        window.release(clearOut(sn + 1, segmentCount - 1));
                        cursor = sn + 1;
                    }
                    sendAll(now);
                    return;
                }
                window.offer(this);
                window.pump(now);
            }
            case RESEND -> {
                heard();
                List<Integer> misseds = misseds(packet);
                if (misseds == null) {
                    ctx.drop(DropReason.INVALID_RESEND);
                    return;
                }
                if (asked(misseds, now) || burst == 0) {
                    rearmRedo(now);
                }
                if (burst == 0) {
                    sendAll(now);
                    return;
                }
                window.offer(this);
                window.pump(now);
            }
            case DONE -> {
                if (timedSn >= 0) {
                    window.rttSample(now - timedAt, now);
                }
                delivered(clearOut(0, segmentCount - 1), now);
                remove();
                peer.delivered(ti, now);
                peer.setAlive(true);
                ctx.count(RoadCounter.MESSAGES_DELIVERED);
                ctx.emit(new RoadEvent.Delivered(pending.id(), remote.name()));
                peer.messagesChanged(now);
            }
            case NACK, REFUSE, REJECT, UNJOINED, UNALLOWED, RENEW -> {
                remove();
                undelivered(DeliveryFailure.REFUSED,
                        "refused by the remote (" + h.pk().name().toLowerCase(java.util.Locale.ROOT) + ")");
                peer.messagesChanged(now);
            }
            default -> ctx.drop(DropReason.UNEXPECTED_MESSAGE_PACKET);
        }
    }

    /**
     * The receiver names segments it misses (in order, below the highest it holds): each is lost (no longer in
     * flight) and queued to go again, unless it is queued already or went again less than a round trip ago (the
     * request crossed it). A new loss backs the window off. Every other segment in flight up to one past the highest
     * named has reached the receiver (it holds a higher one; a list cut short leaves that one uncertain, and the
     * receiver names it again if it misses it). Returns whether the answer showed anything new.
     */
    private boolean asked(List<Integer> misseds, long now) {
        long srtt = window.srtt();
        BitSet named = new BitSet();
        int top = -1;
        for (int sn : misseds) {
            if (sn >= 0 && sn < cursor) {
                named.set(sn);
                top = Math.max(top, sn);
            }
        }
        if (top < 0) {
            return false;
        }
        int reached = 0;
        int last = Math.min(top + 1, cursor - 1);
        cleared = Long.MIN_VALUE;
        for (int sn = out.nextSetBit(0); sn >= 0 && sn <= last; sn = out.nextSetBit(sn + 1)) {
            if (!named.get(sn)) {
                out.clear(sn);
                outCount--;
                cleared = Math.max(cleared, sentAt[sn]);
                reached++;
            }
        }
        delivered(reached, now);
        int lost = 0;
        long lostSent = Long.MIN_VALUE;
        for (int sn = named.nextSetBit(0); sn >= 0; sn = named.nextSetBit(sn + 1)) {
            if (queued.get(sn)) {
                continue;
            }
            if (srtt > 0 && again.get(sn) && now - sentAt[sn] < srtt && burst != 0) {
                continue; // asked for before our last copy could arrive
            }
            lostSent = Math.max(lostSent, sentAt[sn]);
            if (out.get(sn)) {
                out.clear(sn);
                outCount--;
                window.release(1);
            }
            if (sn == timedSn) {
                timedSn = -1;
            }
            queued.set(sn);
            resends.add(sn);
            lost++;
        }
        if (lost > 0) {
            window.lost(lostSent, now);
        }
        return lost + reached > 0;
    }

    private void heard() {
        answered = true;
        redos = 0;
        peer.setAlive(true);
    }

    private List<Integer> misseds(ParsedPacket packet) {
        try {
            byte[] body = Coat.open(packet.head().ck(), sessionKey, packet.buffer(), packet.coatOffset(),
                    packet.coatLength());
            Object decoded = Body.decode(packet.head().bk(), body, 0, body.length);
            if (decoded instanceof Map<?, ?> m && m.get("misseds") instanceof List<?> list) {
                java.util.ArrayList<Integer> found = new java.util.ArrayList<>(list.size());
                for (Object o : list) {
                    if (!(o instanceof Number n)) {
                        return null;
                    }
                    long v = n.longValue();
                    found.add(v < 0 || v > 0xffff ? -1 : (int) v);
                }
                return found;
            }
        } catch (PacketException e) {
            return null;
        }
        return null;
    }

    /**
     * No answer for a retransmission timeout: the window backs off, and the highest segment in flight goes again
     * asking for an answer (the receiver then reports every gap below it); the others in flight are released, their
     * fate comes with that answer.
     */
    @Override
    void redo(long now) {
        int retries = pending.options().retries();
        if (retries >= 0 && redos >= retries) {
            remove();
            undelivered(DeliveryFailure.RETRIES_EXHAUSTED, "no answer after " + retries + " retries");
            peer.messagesChanged(now);
            return;
        }
        redos++;
        long newest = Long.MIN_VALUE;
        for (int sn = out.nextSetBit(0); sn >= 0; sn = out.nextSetBit(sn + 1)) {
            newest = Math.max(newest, sentAt[sn]);
        }
        window.lost(newest == Long.MIN_VALUE ? now : newest, now);
        timedSn = -1;
        if (segmentCount == 1) {
            resend(single);
        } else if (burst == 0) {
            if (lastSent >= 0) {
                segment(lastSent, true, answered);
            }
        } else {
            int probe = out.previousSetBit(segmentCount - 1);
            if (probe < 0) {
                probe = lastSent;
            }
            if (probe >= 0) {
                boolean inFlight = out.get(probe);
                window.release(clearOut(0, segmentCount - 1) - (inFlight ? 1 : 0));
                if (inFlight) {
                    out.set(probe);
                    outCount = 1;
                }
                transmit(probe, true, answered, now);
            }
        }
        backoff(now, seconds(window.rto()), Math.max(0.5, seconds(window.rto())));
        peer.messagesChanged(now);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    @Override
    void timeout(long now) {
        remove();
        sendEmpty(PacketKind.NACK);
        undelivered(DeliveryFailure.TIMEOUT, "timeout");
        peer.messagesChanged(now);
    }

    /** The session key the message is sealed with. */
    SharedKey sessionKey() {
        return sessionKey;
    }
}
