package io.raet.codec;

/** Transaction kind of a road packet (field {@code tk}). */
public enum TransactionKind {
    /** Messages. */
    MESSAGE(0),
    /** A join. */
    JOIN(1),
    /** A bind (unused by the reference). */
    BIND(2),
    /** The allow handshake. */
    ALLOW(3),
    /** Heartbeats. */
    ALIVE(4);

    private static final TransactionKind[] BY_CODE = new TransactionKind[5];

    static {
        for (TransactionKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    TransactionKind(int code) {
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
    public static TransactionKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown TransactionKind code " + code);
    }
}
