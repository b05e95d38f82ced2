package io.raet.road;

/**
 * A message was not acknowledged; {@link #reason()} says why (timeout, retries exhausted, refused by the remote,
 * the stack closed, …) and the message text adds the details.
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long messageId;
    private final String remote;
    private final DeliveryFailure reason;

    public DeliveryException(long messageId, String remote, DeliveryFailure reason, String detail) {
        super("message " + messageId + " to " + remote + " not delivered: " + detail);
        this.messageId = messageId;
        this.remote = remote;
        this.reason = reason;
    }

    public long messageId() {
        return messageId;
    }

    public String remote() {
        return remote;
    }

    public DeliveryFailure reason() {
        return reason;
    }
}
