package io.raet.codec;

/** Encryption of a road packet body (field {@code ck}); crc16 (2) and crc64 (3) are not implemented by the reference and rejected. */
public enum CoatKind {
    /** The body in the clear. */
    NADA(0),
    /** The body boxed under the session's short-term keys. */
    NACL(1);

    private static final CoatKind[] BY_CODE = new CoatKind[2];

    static {
        for (CoatKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    CoatKind(int code) {
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
    public static CoatKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown CoatKind code " + code);
    }
}
