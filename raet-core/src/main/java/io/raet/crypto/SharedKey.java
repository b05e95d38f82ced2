package io.raet.crypto;

/**
 * A precomputed NaCl box key ({@code crypto_box_beforenm}) between one secret and one peer public key. Boxing
 * with it is byte-identical to {@code crypto_box} with the two keys, and costs no Curve25519 operation.
 *
 * <p>Box layout is libsodium's "easy" layout used by the reference: the 16-byte Poly1305 tag, then the
 * ciphertext.
 *
 * <p>{@link #destroy()} zeroes the key (a session key at renewal or when the session ends).
 */
public final class SharedKey implements javax.security.auth.Destroyable {
    private final Secret key;

    SharedKey(byte[] key) {
        this.key = new Secret("shared key", key);
    }

    /** Zeroes the key; sealing or opening afterwards throws {@link CryptoException}. Idempotent. */
    @Override
    public void destroy() {
        key.wipe();
    }

    @Override
    public boolean isDestroyed() {
        return key.wiped();
    }

    private byte[] live() {
        return key.get();
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce == null || nonce.length != Sodium.BOX_NONCE_BYTES) {
            throw new CryptoException("nonce must be 24 bytes, got " + (nonce == null ? "null" : nonce.length));
        }
    }

    private static void checkRange(byte[] a, int off, int len, String what) {
        if (off < 0 || len < 0 || off > a.length - len) {
            throw new CryptoException(what + " range [" + off + ", +" + len + ") outside array of " + a.length);
        }
    }

    /**
     * Boxes {@code plain} with {@code nonce}: returns tag ‖ ciphertext ({@code plain.length + 16} bytes).
     *
     * @param plain the plaintext
     * @param nonce 24 bytes, never used twice with this key
     * @return tag ‖ ciphertext
     */
    public byte[] seal(byte[] plain, byte[] nonce) {
        checkNonce(nonce);
        byte[] out = new byte[plain.length + Sodium.BOX_MAC_BYTES];
        seal(plain, 0, plain.length, nonce, 0, out, 0);
        return out;
    }

    /**
     * Boxes {@code plain[off, off+len)} with the nonce at {@code nonce[nonceOff]} into {@code out[outOff,
     * outOff+len+16)}, the tag first.
     *
     * @param plain the plaintext
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @param out the array written
     * @param outOff where the box starts in {@code out}
     * @throws CryptoException when an index or length is out of range
     */
    public void seal(byte[] plain, int off, int len, byte[] nonce, int nonceOff, byte[] out, int outOff) {
        if (nonce == null || nonceOff < 0 || nonceOff > nonce.length - Sodium.BOX_NONCE_BYTES) {
            throw new CryptoException("nonce must be 24 bytes");
        }
        Sodium.boxAfternm(out, outOff, plain, off, len, nonce, nonceOff, live());
    }

    /**
     * Opens a box; throws {@link CryptoException} when it does not authenticate.
     *
     * @param cipher tag ‖ ciphertext
     * @param nonce the nonce it was boxed with
     * @return the plaintext
     */
    public byte[] open(byte[] cipher, byte[] nonce) {
        checkNonce(nonce);
        return open(cipher, 0, cipher.length, nonce, 0);
    }

    /**
     * Opens the box {@code cipher[off, off+len)} (tag first) with the nonce at {@code nonce[nonceOff]}.
     *
     * @param cipher the array holding the box
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @return the plaintext
     * @throws CryptoException when it does not authenticate or an index is out of range
     */
    public byte[] open(byte[] cipher, int off, int len, byte[] nonce, int nonceOff) {
        if (len < Sodium.BOX_MAC_BYTES) {
            throw new CryptoException("box shorter than its 16-byte tag");
        }
        if (nonce == null || nonceOff < 0 || nonceOff > nonce.length - Sodium.BOX_NONCE_BYTES) {
            throw new CryptoException("nonce must be 24 bytes");
        }
        byte[] out = new byte[len - Sodium.BOX_MAC_BYTES];
        if (!Sodium.openAfternm(out, 0, cipher, off, len, nonce, nonceOff, live())) {
            throw new CryptoException("box did not open: wrong keys or tampered data");
        }
        return out;
    }

    /**
     * Boxes with a fresh random nonce and returns the coat layout tag ‖ cipher ‖ nonce.
     *
     * @param plain the array holding the plaintext
     * @param off its first byte
     * @param len its length
     * @return tag ‖ cipher ‖ nonce
     */
    public byte[] sealWithNonce(byte[] plain, int off, int len) {
        return sealWithNonce(plain, off, len, Entropy.system());
    }

    /**
     * Same as {@link #sealWithNonce(byte[], int, int)}, the nonce taken from {@code entropy}.
     *
     * @param plain the array holding the plaintext
     * @param off its first byte
     * @param len its length
     * @param entropy where the nonce comes from
     * @return tag ‖ cipher ‖ nonce
     */
    public byte[] sealWithNonce(byte[] plain, int off, int len, Entropy entropy) {
        checkRange(plain, off, len, "plain text");
        byte[] out = new byte[len + Sodium.BOX_MAC_BYTES + Sodium.BOX_NONCE_BYTES];
        int nonceOff = len + Sodium.BOX_MAC_BYTES;
        entropy.fill(out, nonceOff, Sodium.BOX_NONCE_BYTES);
        Sodium.boxAfternm(out, 0, plain, off, len, out, nonceOff, live());
        return out;
    }

    /**
     * Opens the coat layout tag ‖ cipher ‖ nonce found at {@code coat[off, off+len)}.
     *
     * @param coat the array holding the coat
     * @param off its first byte
     * @param len its length
     * @return the plaintext
     * @throws CryptoException when it does not authenticate
     */
    public byte[] openWithNonce(byte[] coat, int off, int len) {
        checkRange(coat, off, len, "coat");
        if (len < Sodium.BOX_MAC_BYTES + Sodium.BOX_NONCE_BYTES) {
            throw new CryptoException("coat of " + len + " bytes is shorter than tag and nonce");
        }
        int cipherLen = len - Sodium.BOX_NONCE_BYTES;
        return open(coat, off, cipherLen, coat, off + cipherLen);
    }
}
