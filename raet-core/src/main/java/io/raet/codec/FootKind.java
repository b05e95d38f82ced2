package io.raet.codec;

/** Signature of a road packet (field {@code fk}); sha2 (2) and crc64 (3) are not implemented by the reference and rejected. */
public enum FootKind {
    /** No foot. */
    NADA(0),
    /** A 64-byte Ed25519 signature. */
    NACL(1);

    private static final FootKind[] BY_CODE = new FootKind[2];

    static {
        for (FootKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    FootKind(int code) {
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
    public static FootKind of(int code) throws PacketException {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        throw new PacketException(Reason.UNKNOWN_KIND, "unknown FootKind code " + code);
    }
}
