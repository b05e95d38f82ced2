package io.raet.road.core;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Congestion control of the messages being sent to one remote, all of them together: a window of segments in
 * flight shared by every message to the remote, with slow start, additive increase and multiplicative decrease, and
 * pacing, so that many large messages at once do not flood the receiver (or a router on the way) and multiply the
 * resends.
 *
 * <ul>
 *   <li><b>In flight.</b> A segment is in flight from the time it is sent until the receiver's answer tells its fate:
 *       an ack covers it (delivered), a resend request names it (lost) and shows the others below the highest it
 *       names reached the receiver, done covers every segment of its message; a redo that found no answer releases
 *       all but the re-sent one (their fate is learnt from the next answer).
 *   <li><b>Window.</b> It starts at {@value #INITIAL_WINDOW} segments; every delivered segment adds one while
 *       below the slow start threshold (doubling per round trip), then {@code 1/window} (one segment per round
 *       trip). A loss (a resend request for a segment not re-sent within the last round trip, or a redo with no
 *       answer) halves it, once per episode (not for a segment sent before the last backoff, nor within a round trip
 *       of it), never below {@value #MIN_WINDOW}. It does not grow while the messages use less than half of it, nor
 *       for segments sent before the last backoff, and never beyond {@value #MAX_WINDOW}. Slow start also ends when
 *       the round trip grows by a few milliseconds from one round to the next (a queue builds up on the way, before
 *       anything is lost; as HyStart does).
 *   <li><b>Turns.</b> Messages with something to send take turns in order (round robin), each turn at most
 *       a quarter of the window, {@value #MAX_QUANTUM} segments and the message's burst, the last segment of
 *       the turn asking for an answer ({@code wf}); a turn waits until the window has room for all of it (segments
 *       asked for again go in what room there is: the receiver waits for them). At most
 *       {@value #MAX_OPEN} segmented messages are under way at once (the receiver reassembles each); the others
 *       wait in order. A single-segment message never waits for that.
 *   <li><b>Pacing.</b> Once a round trip has been measured, segments are released at {@code gain × window /
 *       smoothed round trip} (gain 2 in slow start, 1.25 after), with at most one turn or one pacing granularity's
 *       worth ({@value #PACING_GRANULARITY_NANOS} ns, the resolution of a driver's sleep) at once; the window's timer
 *       wakes it when the next turn is due.
 *   <li><b>Round trip.</b> Measured from a first transmission asking for an answer to the answer covering it (or
 *       from a single-segment message to its done, when it was sent once), smoothed as TCP does (RFC 6298); the
 *       retransmission timeout a message waits for an answer before its redo is
 *       {@code srtt + 4 rttvar} within [{@value #MIN_RTO_NANOS}, {@value #MAX_RTO_NANOS}] ns, {@value
 *       #INITIAL_RTO_NANOS} ns before any measurement (the reference's redo).
 * </ul>
 * Owned by its remote's shard (the shard's owner thread, the timer in its queue); fed by the remote's
 * {@link Messenger}s. Nothing of it is shared with other remotes or shards.
 */
final class SendWindow extends Timed {
    static final int INITIAL_WINDOW = 32;
    /**
     * Where the window starts, and never below: loss that is not congestion (a lossy link drops one datagram in ten
     * whatever is sent) must not shrink the window to a few segments per round trip, where a large message takes
     * minutes and the receiver's deadline for it runs out (the lossy-network test: 1,000 messages up to 1 MiB over
     * 10 % loss and 40 ms took 240 s with 12 refused at a floor of 4, 80 s with none at 32).
     */
    static final int MIN_WINDOW = INITIAL_WINDOW;
    static final int MAX_WINDOW = 1024;
    static final int MAX_QUANTUM = 64;
    static final int MAX_OPEN = 32;
    static final double BACKOFF = 0.5;
    static final long PACING_GRANULARITY_NANOS = 1_000_000L;
    static final long INITIAL_RTO_NANOS = 200_000_000L;
    /**
     * Never less than the reference's redo: a receiver stalled that long (a collection, a busy CPU) must not make
     * every message in flight go again and halve the window for a loss that did not happen.
     */
    static final long MIN_RTO_NANOS = 200_000_000L;
    static final long MAX_RTO_NANOS = 2_000_000_000L;
    static final int HYSTART_SAMPLES = 8;
    static final long HYSTART_MIN_NANOS = 4_000_000L;
    static final long HYSTART_MAX_NANOS = 16_000_000L;

    private final TxContext ctx;

    /** The window and slow start threshold, in segments. */
    private double cwnd = INITIAL_WINDOW;
    private double ssthresh = MAX_WINDOW;
    /** Segments in flight, all messages together. */
    private int inFlight;
    /** Smoothed round trip and its variation (nanoseconds); -1 before the first measurement. */
    private long srtt = -1;
    private long rttvar;
    private long minRtt = Long.MAX_VALUE;
    /** Slow start's rounds: the least round trip of this round and of the last, and this round's samples. */
    private long roundEnd = Long.MIN_VALUE;
    private long roundMin = Long.MAX_VALUE;
    private long lastRoundMin = Long.MAX_VALUE;
    private int roundSamples;
    /**
     * When the window last backed off: a loss of a segment sent before is part of that episode (no second backoff),
     * and segments sent before do not grow the window.
     */
    private long lastBackoff = Long.MIN_VALUE;
    /** Pacing: segments that may go now, as of {@link #tokensAt}. */
    private double tokens;
    private long tokensAt;
    private boolean paced;
    /** When the window's timer should pump again (-1: not armed). */
    private long wakeAt = -1;
    /** The latest time seen (a message that ends asks for a pump at once). */
    private long lastNow;
    private boolean pumping;

    /** Messages with something to send now, in turn order. */
    private final LinkedHashSet<Messenger> ready = new LinkedHashSet<>();
    /** Segmented messages waiting to get under way, in order. */
    private final LinkedHashSet<Messenger> waiting = new LinkedHashSet<>();
    /** Segmented messages under way. */
    private int open;

    SendWindow(TxContext ctx) {
        this.ctx = ctx;
    }

    // ------------------------------------------------------------------ what the tests and levels read

    /** The window (segments). */
    int window() {
        return (int) cwnd;
    }

    int inFlight() {
        return inFlight;
    }

    /** Smoothed round trip (nanoseconds), -1 before any measurement. */
    long srtt() {
        return srtt;
    }

    boolean slowStart() {
        return cwnd < ssthresh;
    }

    /** Segmented messages under way, and waiting to get under way. */
    int open() {
        return open;
    }

    int waiting() {
        return waiting.size();
    }

    // ------------------------------------------------------------------ messages

    /** A message starts: under way at once (a single segment, or while fewer than the most are), else it waits. */
    void add(Messenger m, long now) {
        lastNow = now;
        if (m.segmented()) {
            if (open >= MAX_OPEN) {
                waiting.add(m);
                return;
            }
            open++;
            m.open = true;
        }
        offer(m);
    }

    /** The message has something to send: it takes its turn (unless it is waiting to get under way). */
    void offer(Messenger m) {
        if (!m.inTurn && (m.open || !m.segmented()) && m.wanted() > 0) {
            m.inTurn = true;
            ready.add(m);
        }
    }

    /**
     * The message ended (its segments in flight were released already): it leaves the turns, and a waiting message
     * gets under way. The window pumps at the next tick.
     */
    void ended(Messenger m) {
        if (m.inTurn) {
            ready.remove(m);
            m.inTurn = false;
        }
        if (m.open) {
            m.open = false;
            open--;
            while (open < MAX_OPEN && !waiting.isEmpty()) {
                Iterator<Messenger> it = waiting.iterator();
                Messenger next = it.next();
                it.remove();
                open++;
                next.open = true;
                offer(next);
            }
        } else {
            waiting.remove(m);
        }
        if (!ready.isEmpty()) {
            wake(lastNow);
        }
    }

    /** Segments per turn: a quarter of the window, at most {@link #MAX_QUANTUM}. */
    int quantum() {
        return Math.max(1, Math.min(MAX_QUANTUM, (int) (cwnd / 4)));
    }

    /** Sends what the window and the pace allow, message after message. */
    void pump(long now) {
        lastNow = now;
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            refill(now);
            while (!ready.isEmpty()) {
                Iterator<Messenger> it = ready.iterator();
                Messenger m = it.next();
                int want = m.wanted();
                if (want <= 0) {
                    it.remove();
                    m.inTurn = false;
                    continue;
                }
                int turn = Math.min(want, Math.min(quantum(), m.turnLimit()));
                int room = (int) cwnd - inFlight;
                if (room < turn) {
                    if (room <= 0 || m.asked() == 0) {
                        return; // an answer makes room
                    }
                    // Segments asked for go in what room there is: the receiver waits for them before it acks.
                    turn = Math.min(room, m.asked());
                }
                if (paced && tokens < turn) {
                    wake(tokensAt + (long) Math.ceil((turn - tokens) / rate()));
                    return;
                }
                it.remove();
                m.inTurn = false;
                int sent = m.sendTurn(now, turn);
                if (paced) {
                    tokens -= Math.max(0, sent);
                }
                if (sent >= 0 && ctx.isActive(m)) {
                    offer(m);
                }
            }
        } finally {
            pumping = false;
        }
    }

    private double rate() {
        return (slowStart() ? 2.0 : 1.25) * cwnd / srtt;
    }

    private void refill(long now) {
        if (srtt <= 0) {
            return;
        }
        double r = rate();
        double cap = Math.max(quantum(), r * PACING_GRANULARITY_NANOS);
        if (!paced) {
            paced = true;
            tokens = cap;
        } else if (now > tokensAt) {
            tokens = Math.min(cap, tokens + r * (now - tokensAt));
        } else {
            tokens = Math.min(cap, tokens);
        }
        tokensAt = now;
    }

    private void wake(long at) {
        if (wakeAt >= 0 && wakeAt <= at) {
            return;
        }
        wakeAt = at;
        ctx.schedule(this);
    }

    @Override
    long nextDeadline() {
        return wakeAt;
    }

    @Override
    void fire(long now) {
        wakeAt = -1;
        pump(now);
    }

    // ------------------------------------------------------------------ what the answers tell

    /** A segment went out and is in flight. */
    void charge(int n) {
        inFlight += n;
    }

    /** Segments in flight whose fate is learnt otherwise (lost, or ended with their message): no growth. */
    void release(int n) {
        inFlight = Math.max(0, inFlight - n);
    }

    /**
     * Segments in flight reached the receiver, the latest of them sent at {@code sent}: the window grows, unless it
     * was not in use, or they were sent before the last backoff (under the window that was too large).
     */
    void delivered(int n, long sent, long now) {
        if (n <= 0) {
            return;
        }
        boolean used = inFlight >= cwnd / 2;
        release(n);
        if (!used || sent <= lastBackoff) {
            return;
        }
        if (cwnd < ssthresh) {
            cwnd = Math.min(ssthresh, cwnd + n);
        } else {
            cwnd += (double) n / cwnd;
        }
        cwnd = Math.min(MAX_WINDOW, cwnd);
    }

    /**
     * A loss (a segment asked for again, or a redo with no answer) of a segment sent at {@code sent}: the window
     * halves, unless that segment went before the last backoff or the last backoff is less than a round trip old
     * (the same episode of loss: one backoff for it).
     */
    void lost(long sent, long now) {
        if (sent <= lastBackoff
                || lastBackoff != Long.MIN_VALUE && now - lastBackoff < (srtt > 0 ? srtt : INITIAL_RTO_NANOS)) {
            return;
        }
        ssthresh = Math.max(MIN_WINDOW, cwnd * BACKOFF);
        cwnd = ssthresh;
        lastBackoff = now;
        ctx.count(RoadCounter.CONGESTION_BACKOFF);
    }

    /**
     * A round trip measured (nanoseconds). In slow start, the least round trip of each round (one smoothed round
     * trip long) is compared with the previous round's: once it grew by {@code clamp(previous / 8, 4 ms, 16 ms)} a
     * queue is building up on the way, and slow start ends there rather than at the first loss (as HyStart does).
     */
    void rttSample(long rtt, long now) {
        if (rtt <= 0) {
            rtt = 1;
        }
        if (slowStart()) {
            if (now >= roundEnd) {
                if (roundSamples > 0) {
                    lastRoundMin = roundMin;
                }
                roundEnd = now + (srtt > 0 ? srtt : rtt);
                roundMin = Long.MAX_VALUE;
                roundSamples = 0;
            }
            roundMin = Math.min(roundMin, rtt);
            roundSamples++;
            if (roundSamples >= HYSTART_SAMPLES && lastRoundMin != Long.MAX_VALUE
                    && roundMin >= lastRoundMin + Math.clamp(lastRoundMin / 8, HYSTART_MIN_NANOS, HYSTART_MAX_NANOS)) {
                ssthresh = cwnd;
                ctx.count(RoadCounter.SLOW_START_EXIT);
            }
        }
        minRtt = Math.min(minRtt, rtt);
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
    }

    /** How long a message waits for an answer before its redo. */
    long rto() {
        if (srtt < 0) {
            return INITIAL_RTO_NANOS;
        }
        return Math.clamp(srtt + 4 * rttvar, MIN_RTO_NANOS, MAX_RTO_NANOS);
    }

    @Override
    public String toString() {
        return "SendWindow[cwnd=" + (int) cwnd + " ssthresh=" + (int) ssthresh + " inFlight=" + inFlight + " srtt="
                + srtt + " open=" + open + " waiting=" + waiting.size() + " ready=" + ready.size() + "]";
    }
}
