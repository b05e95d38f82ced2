package io.raet.road;

import java.time.Duration;

/**
 * Reliability of one message.
 *
 * @param timeout give up after this long (zero: never)
 * @param retries give up after this many retransmissions of the last packet without any answer (negative:
 *     unlimited)
 * @param burst the most segments of a large message in one turn, the last of them asking for an acknowledgement;
 *     at most two bursts of the message are in flight, within the send window its remote's messages share
 *     (congestion control), so that the receiver checks one while the next is on its way. Zero sends every segment
 *     at once, as the reference does by default, outside the window's turns (asked for explicitly only: it floods a
 *     slow receiver, and many such messages at once multiply the resends)
 */
public record MessageOptions(Duration timeout, int retries, int burst) {
    /** Segments of one message per turn (twice as many in flight) unless a message says otherwise. */
    public static final int DEFAULT_BURST = 64;
    /** The defaults: 30 s, unlimited retries, bursts of {@value #DEFAULT_BURST} segments. */
    public static final MessageOptions DEFAULT = new MessageOptions(Duration.ofSeconds(30), -1, DEFAULT_BURST);

    /**
     * Checks the timeout and the burst.
     *
     * @throws IllegalArgumentException when either is negative
     */
    public MessageOptions {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive");
        }
        if (burst < 0) {
            throw new IllegalArgumentException("burst must be zero (all) or positive");
        }
    }

    /**
     * {@return these options with another timeout}
     *
     * @param t the timeout (zero: never)
     */
    public MessageOptions withTimeout(Duration t) {
        return new MessageOptions(t, retries, burst);
    }

    /**
     * {@return these options with another retry count}
     *
     * @param r the retries (negative: unlimited)
     */
    public MessageOptions withRetries(int r) {
        return new MessageOptions(timeout, r, burst);
    }

    /**
     * {@return these options with another burst}
     *
     * @param b the segments per turn (zero: all at once)
     */
    public MessageOptions withBurst(int b) {
        return new MessageOptions(timeout, retries, b);
    }
}
