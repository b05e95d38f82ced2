package io.raet.road.core;

/**
 * The message tids a remote initiated and we completed, remembered for the stale-tid window (600 s, as the
 * reference does) so that a repeat is answered {@code done} instead of being delivered again.
 *
 * <p>Bounded and cheap at any message rate: completions are kept in a ring in completion order (so they expire
 * from its head, without a scan), and membership is a bitmap over the most recent tids, at most {@value #MAX_SPAN}
 * below the highest completed one. A completion that falls out of that span is forgotten early; the remote's
 * {@link ReplayWindow} still refuses it. Both structures start small, grow with use and are released when every
 * entry has expired, so an idle remote costs nothing here. Tids are compared modulo 2<sup>32</sup> with the
 * half-window rule. Owned by the engine thread.
 */
final class CompletedTids {
    /** Most tids (distance below the highest) the bitmap covers. */
    static final int MAX_SPAN = 1 << 16;
    private static final int MIN_SPAN = 64;
    private static final int MIN_RING = 16;

    /** Membership bitmap, {@code bits.length * 64} tids wide; null when empty. */
    private long[] bits;
    private long highest;
    /** Ring of completions in completion order: tid and expiry time. */
    private long[] ringTid;
    private long[] ringExpiry;
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** Completions remembered (including ones that fell out of the bitmap span but have not expired yet). */
    int size() {
        return size;
    }

    /** Bytes held by the bitmap and the ring (0 when empty). */
    long footprint() {
        return bits == null ? 0 : bits.length * 8L + ringTid.length * 16L;
    }

    private int span() {
        return bits.length << 6;
    }

    /** Distance of {@code tid} below the highest (0 = the highest itself), or -1 when it is ahead of it. */
    private long behind(long tid) {
        long ahead = (tid - highest) & 0xffffffffL;
        if (ahead != 0 && ahead < 0x80000000L) {
            return -1;
        }
        return (highest - tid) & 0xffffffffL;
    }

    /** Whether {@code tid} was completed and has not expired. */
    boolean contains(long tid) {
        if (bits == null) {
            return false;
        }
        long d = behind(tid);
        return d >= 0 && d < span() && isSet(tid);
    }

    /** Records {@code tid} as completed, remembered until {@code expiry}. Expiries must not decrease. */
    void add(long tid, long expiry) {
        if (bits == null) {
            bits = new long[MIN_SPAN >>> 6];
            ringTid = new long[MIN_RING];
            ringExpiry = new long[MIN_RING];
            highest = tid;
        }
        if (size == ringTid.length) {
            if (size >= MAX_SPAN) {
                evictHead(); // the oldest is out of the bitmap span by now, or about to be
            } else {
                growRing();
            }
        }
        long d = behind(tid);
        if (d < 0) {
            long ahead = (tid - highest) & 0xffffffffL;
            ensureSpan(oldest() + ahead + 1);
            if (ahead >= span()) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long t = highest + 1, n = 0; n < ahead; t++, n++) {
                    clearBit(t & 0xffffffffL);
                }
            }
            highest = tid;
        } else if (d >= span()) {
            ensureSpan(d + 1);
            if (d >= span()) {
                return; // older than anything we can hold: the replay window answers for it
            }
        }
        set(tid);
        int i = (head + size) % ringTid.length;
        ringTid[i] = tid;
        ringExpiry[i] = expiry;
        size++;
    }

    /** Forgets every completion whose expiry is at or before {@code now}. */
    void expire(long now) {
        while (size > 0 && ringExpiry[head] <= now) {
            evictHead();
        }
        if (size == 0) {
            clear();
        }
    }

    /** Forgets everything (the remote opened a new session). */
    void clear() {
        bits = null;
        ringTid = null;
        ringExpiry = null;
        head = 0;
        size = 0;
    }

    private void evictHead() {
        long tid = ringTid[head];
        long d = behind(tid);
        if (d >= 0 && d < span()) {
            clearBit(tid);
        }
        head = (head + 1) % ringTid.length;
        size--;
    }

    /** Distance below the highest of the oldest remembered completion (0 when none). */
    private long oldest() {
        if (size == 0) {
            return 0;
        }
        long d = behind(ringTid[head]);
        return d < 0 ? 0 : d;
    }

    /** Widens the bitmap to cover {@code needed} tids below and including the highest, up to {@link #MAX_SPAN}. */
    private void ensureSpan(long needed) {
        needed = Math.min(MAX_SPAN, needed);
        int span = span();
        if (needed <= span) {
            return;
        }
        while (span < needed) {
            span <<= 1;
        }
        long[] old = bits;
        int oldSpan = old.length << 6;
        bits = new long[span >>> 6];
        for (int k = 0, i = head; k < size; k++, i = (i + 1) % ringTid.length) {
            long t = ringTid[i];
            long dt = behind(t);
            if (dt >= 0 && dt < oldSpan) {
                int oi = (int) (t & (oldSpan - 1));
                if ((old[oi >>> 6] & (1L << (oi & 63))) != 0) {
                    set(t);
                }
            }
        }
    }

    private void growRing() {
        int n = ringTid.length * 2;
        long[] t = new long[n];
        long[] e = new long[n];
        for (int k = 0, i = head; k < size; k++, i = (i + 1) % ringTid.length) {
            t[k] = ringTid[i];
            e[k] = ringExpiry[i];
        }
        ringTid = t;
        ringExpiry = e;
        head = 0;
    }

    private boolean isSet(long tid) {
        int i = (int) (tid & (span() - 1));
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long tid) {
        int i = (int) (tid & (span() - 1));
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clearBit(long tid) {
        int i = (int) (tid & (span() - 1));
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
