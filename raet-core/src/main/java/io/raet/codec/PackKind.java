package io.raet.codec;

/** Serialization of a lane page body (field {@code pk} of a page). */
public enum PackKind {
    /** JSON. */
    JSON(0),
    /** msgpack. */
    MSGPACK(1);

    private static final PackKind[] BY_CODE = new PackKind[2];

    static {
        for (PackKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    PackKind(int code) {
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
    public static PackKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown PackKind code " + code);
    }
}
