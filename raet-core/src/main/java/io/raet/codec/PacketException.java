package io.raet.codec;

/** A packet, page, body or coat could not be encoded or was rejected on receive. */
public final class PacketException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public PacketException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PacketException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
