package io.raet.agent;

/**
 * Deadlines on the {@link System#nanoTime()} scale, where {@link Long#MAX_VALUE} means none and times are compared
 * by difference (the clock may wrap).
 */
public final class Deadlines {
    /** No deadline. */
    public static final long NONE = Long.MAX_VALUE;

    private Deadlines() {}

    /** The earlier of two deadlines. */
    public static long earliest(long a, long b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    /** Whether {@code deadline} has come at {@code now}. */
    public static boolean due(long deadline, long now) {
        return deadline != NONE && deadline - now <= 0;
    }

    /** Nanoseconds to wait from {@code now} until {@code deadline}, at most {@code max}; 0 when it has come. */
    public static long waitNanos(long now, long deadline, long max) {
        if (deadline == NONE) {
            return max;
        }
        long d = deadline - now;
        return d <= 0 ? 0 : Math.min(d, max);
    }
}
