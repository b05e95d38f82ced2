package io.raet.route;

/**
 * A routed flow failed: a message did not validate ({@link ErrorCode#BAD_ROUTE}), an {@code err} answered it, or
 * no answer came in time ({@link ErrorCode#TIMEOUT}).
 */
public final class FlowException extends RuntimeException {
    /** The code, or null when the {@code err} carried one this implementation does not know. */
    private final ErrorCode code;
    /** The code as it was spelled. */
    private final String wireCode;
    private final transient FlowMessage error;

    /**
     * A failure with a known code.
     *
     * @param code the code
     * @param message what happened
     */
    public FlowException(ErrorCode code, String message) {
        super(message);
        this.code = code;
        this.wireCode = code.wire();
        this.error = null;
    }

    private FlowException(ErrorCode code, String wireCode, String message, FlowMessage error) {
        super(message);
        this.code = code;
        this.wireCode = wireCode;
        this.error = error;
    }

    /**
     * The failure carried by an {@code err} message.
     *
     * @param err the {@code err} message
     * @return the failure
     */
    public static FlowException of(FlowMessage err) {
        String wire = err.code() == null ? "" : err.code();
        ErrorCode c = ErrorCode.fromWire(wire).orElse(null);
        String text = err.error() == null ? wire : err.error();
        return new FlowException(c, wire, text, err);
    }

    /** {@return the code, or null when the {@code err} carried a code this implementation does not know} */
    public ErrorCode code() {
        return code;
    }

    /** {@return the code as it was spelled in the message} */
    public String wireCode() {
        return wireCode;
    }

    /** {@return the {@code err} message, when the failure came from one} */
    public FlowMessage error() {
        return error;
    }
}
