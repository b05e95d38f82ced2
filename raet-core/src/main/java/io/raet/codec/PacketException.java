package io.raet.codec;

/** A packet, page, body or coat could not be encoded or was rejected on receive. */
public final class PacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    private final Reason reason;

    /**
     * A refusal for {@code reason}.
     *
     * @param reason why the input was refused
     * @param message what was wrong
     */
    public PacketException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * A refusal for {@code reason}, caused by another failure.
     *
     * @param reason why the input was refused
     * @param message what was wrong
     * @param cause the underlying failure
     */
    public PacketException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@return why the input was refused} */
    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
