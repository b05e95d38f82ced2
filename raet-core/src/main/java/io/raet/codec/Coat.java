package io.raet.codec;

import io.raet.crypto.CryptoException;
import io.raet.crypto.Entropy;
import io.raet.crypto.SharedKey;
import io.raet.crypto.Sodium;
import java.util.Arrays;
import java.util.Objects;

/**
 * The coat of a road packet: the body, optionally boxed with the session keys.
 *
 * <p>With {@link CoatKind#NACL} the coat is {@code box(body) ‖ nonce}: the 16-byte Poly1305 tag, the ciphertext,
 * then the 24-byte nonce. An empty body gives an empty coat (nothing is boxed).
 */
public final class Coat {
    /** Tag and nonce: the smallest non-empty NaCl coat. */
    public static final int NACL_OVERHEAD = Sodium.BOX_MAC_BYTES + Sodium.BOX_NONCE_BYTES;

    private static final byte[] EMPTY = new byte[0];

    private Coat() {}

    /**
     * Builds the coat of {@code body}: the body itself for {@link CoatKind#NADA}; for {@link CoatKind#NACL} a box
     * with a fresh random nonce under {@code key} (the shared key of own short-term secret and the peer's
     * short-term public key), or an empty coat when the body is empty.
     *
     * @param ck the coat kind
     * @param key the shared short-term key (unused for {@link CoatKind#NADA})
     * @param body the serialized body
     * @return the coat
     */
    public static byte[] seal(CoatKind ck, SharedKey key, byte[] body) {
        return seal(ck, key, body, Entropy.system());
    }

    /**
     * Same as {@link #seal(CoatKind, SharedKey, byte[])}, the nonce taken from {@code entropy}.
     *
     * @param ck the coat kind
     * @param key the shared short-term key (unused for {@link CoatKind#NADA})
     * @param body the serialized body
     * @param entropy where the nonce comes from
     * @return the coat
     */
    public static byte[] seal(CoatKind ck, SharedKey key, byte[] body, Entropy entropy) {
        if (body == null) {
            body = EMPTY;
        }
        return switch (ck) {
            case NADA -> body;
            case NACL -> body.length == 0 ? EMPTY
                    : Objects.requireNonNull(key, "a NaCl coat needs a session key").sealWithNonce(body, 0, body.length,
                            entropy);
        };
    }

    /**
     * Opens the coat {@code buf[off, off+len)} into the body bytes. NACL: an empty coat is an empty body; a coat
     * shorter than {@value #NACL_OVERHEAD} bytes or one that does not authenticate is {@link Reason#BAD_COAT}.
     *
     * @param ck the coat kind
     * @param key the shared short-term key (unused for {@link CoatKind#NADA})
     * @param buf the array holding the coat
     * @param off its first byte
     * @param len its length
     * @return the body bytes
     * @throws PacketException {@link Reason#BAD_COAT} when the coat does not open
     */
    public static byte[] open(CoatKind ck, SharedKey key, byte[] buf, int off, int len) throws PacketException {
        Body.checkRange(buf, off, len);
        return switch (ck) {
            case NADA -> Arrays.copyOfRange(buf, off, off + len);
            case NACL -> {
                if (len == 0) {
                    yield EMPTY;
                }
                if (len < NACL_OVERHEAD) {
                    throw new PacketException(Reason.BAD_COAT,
                            "coat of " + len + " bytes is shorter than tag and nonce (" + NACL_OVERHEAD + ")");
                }
                if (key == null) {
                    throw new PacketException(Reason.BAD_COAT, "no session key to open the coat");
                }
                try {
                    yield key.openWithNonce(buf, off, len);
                } catch (CryptoException e) {
                    throw new PacketException(Reason.BAD_COAT, "coat did not open: " + e.getMessage(), e);
                }
            }
        };
    }
}
