package io.raet.road.core;

import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;

/**
 * One exchange with a remote: an initiator ("-er") or a correspondent ("-ent"). A pure state machine: it is fed
 * packets and timer expiries with the current time, and produces packets and events through its {@link TxContext};
 * what concerns its remote beyond itself it asks of its {@link Peer}.
 */
abstract class Transaction extends Timed {
    static final byte[] EMPTY = new byte[0];

    final TxContext ctx;
    final Peer peer;
    /** The peer's remote (who it is). */
    final Remote remote;
    final TransactionKind kind;
    final boolean correspondent;
    TxKey key;
    long se;
    long de;
    long si;
    long ti;
    BodyKind bk;
    CoatKind ck;
    FootKind fk;
    boolean wf;
    InetSocketAddress to;

    /** Started ({@link TxContext#start}) and not ended yet. */
    boolean live;
    long redoAt = -1;
    long timeoutAt = -1;
    long redoInterval;

    Transaction(Peer peer, TransactionKind kind, boolean correspondent) {
        this.ctx = peer.ctx;
        this.peer = peer;
        this.remote = peer.remote;
        this.kind = kind;
        this.correspondent = correspondent;
        this.to = remote.ha();
    }

    /** Initiator set-up: ids from the remote, a fresh tid. */
    void initiate(long sid) {
        this.se = remote.uid();
        this.de = remote.fuid();
        this.si = sid;
        this.ti = peer.nextTid();
        this.key = new TxKey(false, remote.uid(), remote.fuid() != 0 ? remote.fuid() : remote.ha(), si, ti);
    }

    /** Correspondent set-up: ids echoed from the packet that opened the transaction. */
    void correspond(RoadHead h, TxKey key, InetSocketAddress src) {
        this.se = h.de();
        this.de = h.se();
        this.si = h.si();
        this.ti = h.ti();
        this.key = key;
        this.to = src;
    }

    abstract void receive(ParsedPacket packet, InetSocketAddress src, long now);

    /** The redo timer fired. */
    void redo(long now) {}

    /** The transaction timer fired; the default removes the transaction. */
    void timeout(long now) {
        remove();
    }

    /** Called when the transaction is dropped by a session change or the removal of its remote. */
    void abort(String reason) {
        nack(PacketKind.NACK);
    }

    /** Called once when the transaction ends (for whatever reason): release what it holds. */
    void ended() {}

    RoadHead head(PacketKind pk) {
        return new RoadHead().hk(ctx.config().headKind()).pk(pk).tk(kind).se(se).de(de).si(si).ti(ti)
                .cf(correspondent).bk(bk).ck(ck).fk(fk);
    }

    /**
     * Encodes and queues a packet to the remote. A correspondent's packets answer the remote and are bounded by
     * its answer credit ({@link RoadLimits#answerFactor()}); null when not sent.
     */
    byte[] send(RoadHead head, byte[] coat) {
        return ctx.transmit(head, coat, to, correspondent ? peer : null);
    }

    /** Queues a packet sent before again; a correspondent's is an answer, within its remote's answer credit. */
    void resend(byte[] data) {
        ctx.resend(data, to, correspondent ? peer : null);
    }

    void sendEmpty(PacketKind pk) {
        send(head(pk), EMPTY);
    }

    void nack(PacketKind pk) {
        sendEmpty(pk);
    }

    void remove() {
        ctx.end(this);
    }

    // ---- timers ----

    void startTimers(long now, double timeoutSeconds, double redoSeconds) {
        timeoutAt = timeoutSeconds > 0 ? now + nanos(timeoutSeconds) : -1;
        redoInterval = nanos(redoSeconds);
        redoAt = redoSeconds > 0 ? now + redoInterval : -1;
        ctx.schedule(this);
    }

    /** Backs off the redo interval: {@code min(max(min, previous * 2), max)}. */
    void backoff(long now, double minSeconds, double maxSeconds) {
        long min = nanos(minSeconds);
        long max = nanos(maxSeconds);
        redoInterval = Math.min(Math.max(min, redoInterval * 2), max);
        redoAt = now + redoInterval;
        ctx.schedule(this);
    }

    void setRedo(long at) {
        redoAt = at;
        ctx.schedule(this);
    }

    void refreshTimeout(long now, double timeoutSeconds) {
        if (timeoutSeconds > 0) {
            timeoutAt = now + nanos(timeoutSeconds);
            ctx.schedule(this);
        }
    }

    @Override
    long nextDeadline() {
        if (redoAt < 0) {
            return timeoutAt;
        }
        if (timeoutAt < 0) {
            return redoAt;
        }
        return Math.min(redoAt, timeoutAt);
    }

    @Override
    final void fire(long now) {
        if (timeoutAt >= 0 && now >= timeoutAt) {
            timeoutAt = -1;
            redoAt = -1;
            timeout(now);
            return;
        }
        if (redoAt >= 0 && now >= redoAt) {
            redoAt = -1;
            redo(now);
        }
        if (ctx.isActive(this)) {
            ctx.schedule(this);
        }
    }

    String remoteLabel() {
        return remote.label();
    }

    static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }
}
