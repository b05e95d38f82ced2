package io.raet.lane;

/** A lane message that could not be sent. */
public final class LaneException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a message was not sent. */
    public enum Kind {
        /** The destination yard is not known to the stack. */
        UNKNOWN_YARD,
        /** The body cannot be serialized (not a mapping, unsupported value). */
        BAD_BODY,
        /** The serialized body exceeds the largest message. */
        TOO_LARGE,
        /** No socket is bound at the destination's path; the yard was removed. */
        PEER_GONE,
        /** The destination did not drain its queue within the send timeout. */
        BUSY,
        /** The destination's queue in this stack (or the source's share of it) is full: refused at once. */
        QUEUE_FULL,
        /** The socket reported another error. */
        SEND_FAILED,
        /** The stack was closed before the message was sent. */
        CLOSED
    }

    /** Why the message was not sent. */
    private final Kind kind;

    /**
     * A failure of one kind.
     *
     * @param kind why the message was not sent
     * @param message what happened
     */
    public LaneException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * A failure of one kind, caused by another.
     *
     * @param kind why the message was not sent
     * @param message what happened
     * @param cause the underlying failure
     */
    public LaneException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** {@return why the message was not sent} */
    public Kind kind() {
        return kind;
    }
}
