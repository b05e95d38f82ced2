package io.raet.codec;

/** Why a packet, page, body or coat was rejected. */
public enum Reason {
    /** The head is not recognizable, a line is not {@code key value}, a value is not well formed, a key repeats. */
    MALFORMED_HEAD,
    /** A head key that is not a head field (including {@code bl}, {@code cl} and flag names). */
    UNKNOWN_FIELD,
    /** {@code pl}/{@code hl} do not match the datagram, or a range is outside the buffer. */
    BAD_LENGTH,
    /** {@code vn} is not 0. */
    BAD_VERSION,
    /** A kind code ({@code hk pk tk bk ck fk}, page {@code pk}) that is unknown or not implemented. */
    UNKNOWN_KIND,
    /** The foot does not match {@code fk}/{@code fl}, or a signer is missing. */
    BAD_FOOT,
    /** A signature did not verify. */
    BAD_SIGNATURE,
    /** An encrypted coat is too short or does not open. */
    BAD_COAT,
    /** A body does not deserialize, is not a mapping, or holds a value that cannot be serialized. */
    BAD_BODY,
    /** A head, packet, message or page exceeds its size limit. */
    TOO_LARGE,
    /** A segment does not fit the segmented message it claims to belong to. */
    BAD_SEGMENT,
    /** A lane page is malformed or does not fit its book. */
    BAD_PAGE
}
