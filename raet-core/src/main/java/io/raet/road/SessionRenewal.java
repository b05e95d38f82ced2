package io.raet.road;

import java.time.Duration;

/**
 * When a session is renewed by a new allow (forward secrecy): new short-term keys, a new session key, the old one
 * wiped once no message under way needs it. The side whose session is due starts the allow; the remote sees an
 * ordinary allow (the reference too). Messages to the remote wait while the ones under way finish and the allow
 * runs, then go in the new session.
 *
 * @param maxAge renew once the session is this old (zero: never by age)
 * @param maxBytes renew once this many message bytes were sealed or opened with the session key, both ways together
 *     (zero: never by bytes)
 */
public record SessionRenewal(Duration maxAge, long maxBytes) {
    /** No renewal: a session lasts until the next allow that something else starts. */
    public static final SessionRenewal OFF = new SessionRenewal(Duration.ZERO, 0);

    /**
     * Checks both bounds.
     *
     * @throws IllegalArgumentException when the age is null or either is negative
     */
    public SessionRenewal {
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must be zero (never) or positive");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be zero (never) or positive");
        }
    }

    /**
     * Defaults: every hour or every GiB, whichever comes first.
     *
     * @return the default renewal
     */
    public static SessionRenewal defaults() {
        return new SessionRenewal(Duration.ofHours(1), 1L << 30);
    }

    /** {@return whether sessions are renewed at all} */
    public boolean enabled() {
        return !maxAge.isZero() || maxBytes > 0;
    }

    /**
     * {@return whether a session opened at {@code openedAt} (nanoseconds) that carried {@code bytes} is due at {@code
     * now}}
     *
     * @param openedAt when the session opened, in nanoseconds
     * @param bytes the message bytes it carried
     * @param now the time, in nanoseconds
     */
    public boolean due(long openedAt, long bytes, long now) {
        return !maxAge.isZero() && now - openedAt >= maxAge.toNanos() || maxBytes > 0 && bytes >= maxBytes;
    }
}
