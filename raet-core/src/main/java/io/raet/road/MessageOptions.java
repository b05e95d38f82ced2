package io.raet.road;

import java.time.Duration;

/**
 * Reliability of one message.
 *
 * @param timeout give up after this long (zero: never)
 * @param retries give up after this many retransmissions of the last packet without any answer (negative:
 *     unlimited)
 * @param burst segments sent before waiting for an acknowledgement (zero: all)
 */
public record MessageOptions(Duration timeout, int retries, int burst) {
    public static final MessageOptions DEFAULT = new MessageOptions(Duration.ofSeconds(30), -1, 0);

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
