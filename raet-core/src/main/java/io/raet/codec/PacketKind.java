package io.raet.codec;

/** Packet kind of a road packet (field {@code pk}). */
public enum PacketKind {
    MESSAGE(0),
    ACK(1),
    NACK(2),
    RESEND(3),
    REQUEST(4),
    RESPONSE(5),
    HELLO(6),
    COOKIE(7),
    INITIATE(8),
    UNJOINED(9),
    UNALLOWED(10),
    RENEW(11),
    REFUSE(12),
    REJECT(13),
    PEND(14),
    DONE(15);

    private static final PacketKind[] BY_CODE = values();

    private final int code;

    PacketKind(int code) {
        this.code = code;
    }

    /** The numeric code written on the wire. */
    public int code() {
        return code;
    }

    /** The kind with wire code {@code code}; {@link Reason#UNKNOWN_KIND} for any other value. */
    public static PacketKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown PacketKind code " + code);
    }

    /** True for the kinds that refuse or end a transaction (nack, unjoined, unallowed, renew, refuse, reject). */
    public boolean isNackKind() {
        return switch (this) {
            case NACK, UNJOINED, UNALLOWED, RENEW, REFUSE, REJECT -> true;
            default -> false;
        };
    }
}
