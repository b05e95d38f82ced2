package io.raet.road;

/**
 * Why a message was not delivered: carried by {@link RoadEvent.Undelivered} and {@link DeliveryException#reason()},
 * so that a layer above tells a refusal from a timeout without reading text.
 */
public enum DeliveryFailure {
    /** Not acknowledged within its timeout ({@link MessageOptions#timeout()}), waiting for an allow included. */
    TIMEOUT,
    /** The remote answered that it does not take the message (nack, refuse, reject, unjoined, unallowed, renew). */
    REFUSED,
    /** No answer after the message's retries ({@link MessageOptions#retries()}). */
    RETRIES_EXHAUSTED,
    /** The receiver asked for segments again beyond the resend budget ({@link RoadLimits#resendFactor()}). */
    RESEND_BUDGET,
    /**
     * Refused before it was sent: {@link RoadLimits#maxOutgoingPerRemote()} messages to the remote are being sent or
     * wait ({@link OutgoingLimitException}).
     */
    OUTGOING_LIMIT,
    /** The message could not be sealed or packed into segments. */
    UNSENDABLE,
    /** The remote was removed from the road before the message was sent. */
    REMOTE_REMOVED,
    /** The stack closed, or failed, before the remote acknowledged the message. */
    CLOSED,
    /** A defect met while sending it (counted {@code timer_error}). */
    INTERNAL_ERROR;

    private final String key = name().toLowerCase(java.util.Locale.ROOT);

    /** {@return the reason's name in lower case ({@code timeout}, {@code refused}, …), as tools print it} */
    public String key() {
        return key;
    }
}
