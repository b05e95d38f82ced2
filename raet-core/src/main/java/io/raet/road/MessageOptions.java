package io.raet.road;

import java.time.Duration;

/**
 * Reliability of one message.
 *
 * @param timeout give up after this long (zero: never)
 * @param retries give up after this many retransmissions of the last packet without any answer (negative:
 *     unlimited)
 * @param burst segments of a large message per burst, the last one asking for an acknowledgement; up to two
 *     bursts are in flight (zero: every segment at once, as the reference does by default)
 */
public record MessageOptions(Duration timeout, int retries, int burst) {
    /** Segments per burst unless a message says otherwise. */
    public static final int DEFAULT_BURST = 64;
    public static final MessageOptions DEFAULT = new MessageOptions(Duration.ofSeconds(30), -1, DEFAULT_BURST);

    public MessageOptions {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive");
        }
        if (burst < 0) {
            throw new IllegalArgumentException("burst must be zero (all) or positive");
        }
    }

    public MessageOptions withTimeout(Duration t) {
        return new MessageOptions(t, retries, burst);
    }

    public MessageOptions withRetries(int r) {
        return new MessageOptions(timeout, r, burst);
    }

    public MessageOptions withBurst(int b) {
        return new MessageOptions(timeout, retries, b);
    }
}
