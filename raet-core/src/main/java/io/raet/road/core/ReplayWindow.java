package io.raet.road.core;

/**
 * Anti-replay window over the transaction ids a remote initiates within one of its sessions (§14.3, stricter than
 * the reference).
 *
 * <p>A remote draws every transaction id it initiates from one counter that increases by one per transaction and
 * wraps from {@code 0xffffffff} to 1. The window keeps the highest id seen and a bitmap of the {@value #SIZE} ids
 * below it: an id already marked, or more than {@value #SIZE} below the highest, is a replay. Ids are compared
 * modulo 2<sup>32</sup> with the half-window rule used for session ids. The window belongs to one session of the
 * remote ({@code rsid}) and starts empty when the remote opens a new one.
 */
final class ReplayWindow {
    /** Ids remembered below the highest. */
    static final int SIZE = 4096;

    enum Verdict {
        /** Never seen and inside (or ahead of) the window. */
        FRESH,
        /** Seen before in this session. */
        SEEN,
        /** Older than the window: cannot be told apart from a replay. */
        TOO_OLD
    }

    private final long[] bits = new long[SIZE / 64];
    private long session = -1;
    private boolean empty = true;
    private long highest;

    /** Empties the window when {@code rsid} differs from the session it was filled in. */
    private void sync(long rsid) {
        if (rsid != session) {
            session = rsid;
            empty = true;
            java.util.Arrays.fill(bits, 0);
        }
    }

    /** Distance of {@code tid} below the highest id (0 = the highest itself), or -1 when it is ahead of it. */
    private long behind(long tid) {
        long ahead = (tid - highest) & 0xffffffffL;
        if (ahead != 0 && ahead < 0x80000000L) {
            return -1;
        }
        return (highest - tid) & 0xffffffffL;
    }

    /** What {@code tid} of session {@code rsid} is, without recording it. */
    Verdict check(long rsid, long tid) {
        sync(rsid);
        if (empty) {
            return Verdict.FRESH;
        }
        long d = behind(tid);
        if (d < 0) {
            return Verdict.FRESH;
        }
        if (d >= SIZE) {
            return Verdict.TOO_OLD;
        }
        return isSet(tid) ? Verdict.SEEN : Verdict.FRESH;
    }

    /** Records {@code tid} of session {@code rsid} as seen. */
    void mark(long rsid, long tid) {
        sync(rsid);
        if (empty) {
            empty = false;
            highest = tid;
            set(tid);
            return;
        }
        long d = behind(tid);
        if (d < 0) {
            long ahead = (tid - highest) & 0xffffffffL;
            if (ahead >= SIZE) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long t = highest + 1; t != highest + ahead + 1; t++) {
                    clear(t & 0xffffffffL);
                }
            }
            highest = tid;
            set(tid);
        } else if (d < SIZE) {
            set(tid);
        }
    }

    private boolean isSet(long tid) {
        int i = (int) (tid % SIZE);
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long tid) {
        int i = (int) (tid % SIZE);
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long tid) {
        int i = (int) (tid % SIZE);
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
