package io.raet.codec;

/** Serialization of a road packet body (field {@code bk}). */
public enum BodyKind {
    /** No body. */
    NADA(0),
    /** A JSON object. */
    JSON(1),
    /** Raw bytes. */
    RAW(2),
    /** A msgpack map. */
    MSGPACK(3);

    private static final BodyKind[] BY_CODE = new BodyKind[4];

    static {
        for (BodyKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    BodyKind(int code) {
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
    public static BodyKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown BodyKind code " + code);
    }
}
