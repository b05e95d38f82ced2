package io.raet.util;

/**
 * A token bucket on a clock the caller gives (sans-IO): {@code rate} tokens a second up to {@code burst}; each
 * {@link #take} spends one when there is one. Starts full. Not thread-safe.
 */
public final class TokenBucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long at;

    /**
     * @param rate  tokens a second (0: none come back)
     * @param burst most tokens held, at least 1
     * @param now   the clock now, in nanoseconds
     */
    public TokenBucket(double rate, double burst, long now) {
        if (!(rate >= 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("a token bucket needs a rate >= 0 and a burst >= 1");
        }
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.at = now;
    }

    /** Spends a token when there is one at {@code now}; false when the bucket is empty. */
    public boolean take(long now) {
        refill(now);
        if (tokens < 1.0) {
            return false;
        }
        tokens -= 1.0;
        return true;
    }

    /** The tokens held at {@code now}. */
    public double tokens(long now) {
        refill(now);
        return tokens;
    }

    private void refill(long now) {
        if (now > at) {
            tokens = Math.min(burst, tokens + (now - at) * 1e-9 * rate);
            at = now;
        }
    }
}
