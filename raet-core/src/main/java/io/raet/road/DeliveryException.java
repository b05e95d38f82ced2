package io.raet.road;

/**
 * A message was not acknowledged; {@link #reason()} says why (timeout, retries exhausted, refused by the remote,
 * the stack closed, …) and the message text adds the details.
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The message's id. */
    private final long messageId;
    /** The remote's name. */
    private final String remote;
    /** Why the message was not delivered. */
    private final DeliveryFailure reason;

    /**
     * A message to {@code remote} not delivered.
     *
     * @param messageId the message's id
     * @param remote the remote's name
     * @param reason why it was not delivered
     * @param detail what happened, for the message
     */
    public DeliveryException(long messageId, String remote, DeliveryFailure reason, String detail) {
        super("message " + messageId + " to " + remote + " not delivered: " + detail);
        this.messageId = messageId;
        this.remote = remote;
        this.reason = reason;
    }

    /** {@return the message's id} */
    public long messageId() {
        return messageId;
    }

    /** {@return the remote's name} */
    public String remote() {
        return remote;
    }

    /** {@return why the message was not delivered} */
    public DeliveryFailure reason() {
        return reason;
    }
}
