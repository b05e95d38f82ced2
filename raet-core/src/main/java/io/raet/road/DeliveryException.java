package io.raet.road;

/** A message was not acknowledged: timeout, retries exhausted, refused by the remote, or the stack closed. */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long messageId;
    private final String remote;

    public DeliveryException(long messageId, String remote, String reason) {
        super("message " + messageId + " to " + remote + " not delivered: " + reason);
        this.messageId = messageId;
        this.remote = remote;
    }

    public long messageId() {
        return messageId;
    }

    public String remote() {
        return remote;
    }
}
