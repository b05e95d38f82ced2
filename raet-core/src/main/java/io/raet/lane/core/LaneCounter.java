package io.raet.lane.core;

import io.raet.util.Counters;

/**
 * What a lane yard counts besides dropped pages and messages ({@link LaneDrop}); each is reported under its
 * {@link #key()} in {@link LaneEngine#stats()} and {@link LaneStack#stats()}.
 */
public enum LaneCounter implements Counters.Named {
    // Receiving.
    PAGES_RECEIVED("pages_received"),
    MESSAGES_RECEIVED("messages_received"),
    /** A yard admitted on first contact. */
    YARDS_ADDED("yards_added"),
    /** A message dropped because its yard holds its whole share of the inbox. */
    INBOX_SOURCE_FULL("inbox_source_full"),
    /** A failure while reading or handling one datagram (the stack goes on). */
    RECEIVE_ERROR("receive_error"),

    // Sending.
    PAGES_SENT("pages_sent"),
    MESSAGES_SENT("messages_sent"),
    /** A body that could not be serialized or paged. */
    PACKING_ERROR("packing_error"),
    /** A send refused: the destination's queue, the source's share of it, or the stack's command queue was full. */
    TX_QUEUE_FULL("tx_queue_full"),
    /** A page the destination's socket queue did not take (tried again later). */
    BUSY_TRANSMIT_YARD("busy_transmit_yard"),
    /** A destination that took no page for the send timeout: its queued messages failed. */
    SEND_TIMEOUT("send_timeout"),
    /** A send that found no socket at the destination (the yard is removed). */
    STALE_TRANSMIT_YARD("stale_transmit_yard"),
    /** A page the socket refused with another error (that message failed). */
    ERROR_TRANSMIT_YARD("error_transmit_yard"),
    /** A failure while sending to one destination (the stack goes on). */
    SEND_ERROR("send_error"),

    // Yards.
    /** A yard admitted on first contact (or found by a send to its name) forgotten after the idle timeout. */
    IDLE_YARD_REAPED("idle_yard_reaped");

    private final String key;

    LaneCounter(String key) {
        this.key = key;
    }

    @Override
    public String key() {
        return key;
    }
}
