package io.raet.codec;

/** Packet kind of a road packet (field {@code pk}). */
public enum PacketKind {
    /** A message, or one segment of it. */
    MESSAGE(0),
    /** Acknowledges a message or a handshake step. */
    ACK(1),
    /** Refuses or ends a transaction. */
    NACK(2),
    /** Asks for missing segments. */
    RESEND(3),
    /** A request: a join, or a heartbeat. */
    REQUEST(4),
    /** The response to a request. */
    RESPONSE(5),
    /** The allow handshake's hello. */
    HELLO(6),
    /** The allow handshake's cookie. */
    COOKIE(7),
    /** The allow handshake's initiate. */
    INITIATE(8),
    /** The sender has not joined the receiver. */
    UNJOINED(9),
    /** The sender is not allowed by the receiver. */
    UNALLOWED(10),
    /** The session must be renewed. */
    RENEW(11),
    /** A refusal. */
    REFUSE(12),
    /** A rejection. */
    REJECT(13),
    /** A join is pending an operator's decision. */
    PEND(14),
    /** The message is complete at the receiver. */
    DONE(15);

    private static final PacketKind[] BY_CODE = values();

    private final int code;

    PacketKind(int code) {
        this.code = code;
    }

    /** {@return the numeric code written on the wire} */
    public int code() {
        return code;
    }

    /**
     * The kind with wire code {@code code}; {@link Reason#UNKNOWN_KIND} for any other value.
     *
     * @param code the wire code
     * @return the kind
     * @throws PacketException for an unknown code
     */
    public static PacketKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown PacketKind code " + code);
    }

    /**
     * {@return true for the kinds that refuse or end a transaction (nack, unjoined, unallowed, renew, refuse, reject)}
     */
    public boolean isNackKind() {
        return switch (this) {
            case NACK, UNJOINED, UNALLOWED, RENEW, REFUSE, REJECT -> true;
            default -> false;
        };
    }
}
