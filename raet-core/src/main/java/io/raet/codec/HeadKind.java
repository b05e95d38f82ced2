package io.raet.codec;

/** Kind of a road packet head (field {@code hk}); the reference also defines binary (2), which is not implemented and rejected. */
public enum HeadKind {
    /** The reference's text head: {@code key value} lines. */
    RAET(0),
    /** A JSON head. */
    JSON(1);

    private static final HeadKind[] BY_CODE = new HeadKind[2];

    static {
        for (HeadKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    HeadKind(int code) {
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
    public static HeadKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown HeadKind code " + code);
    }
}
