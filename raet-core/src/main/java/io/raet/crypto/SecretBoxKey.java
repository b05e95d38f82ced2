package io.raet.crypto;

import javax.security.auth.Destroyable;

/**
 * A 32-byte XSalsa20-Poly1305 key for {@code crypto_secretbox}: data at rest (the sealed keep). Boxes use libsodium's
 * "easy" layout, the 16-byte tag first, then the ciphertext; the 24-byte nonce travels beside the box.
 *
 * <p>{@link #destroy()} zeroes the key; sealing or opening afterwards throws {@link CryptoException}.
 */
public final class SecretBoxKey implements Destroyable {
    private final Secret key;

    private SecretBoxKey(byte[] key) {
        this.key = new Secret("secretbox key", key);
    }

    /** {@return a new random key} */
    public static SecretBoxKey generate() {
        return new SecretBoxKey(Sodium.randomBytes(Sodium.SECRETBOX_KEY_BYTES));
    }

    /**
     * A key from 32 bytes (copied: the caller wipes its array).
     *
     * @param key the 32 key bytes
     * @return the key
     */
    public static SecretBoxKey of(byte[] key) {
        if (key == null || key.length != Sodium.SECRETBOX_KEY_BYTES) {
            throw new CryptoException("secretbox key must be 32 bytes");
        }
        return new SecretBoxKey(key.clone());
    }

    /** {@return a new random 24-byte nonce} */
    public static byte[] newNonce() {
        return Sodium.randomBytes(Sodium.SECRETBOX_NONCE_BYTES);
    }

    /** {@return a copy of the key bytes, for sealing it under another key; the caller wipes the copy} */
    public byte[] bytes() {
        return live().clone();
    }

    /**
     * Encrypts and authenticates {@code plain} with {@code nonce}: returns tag ‖ ciphertext.
     *
     * @param plain the plaintext
     * @param nonce 24 bytes, never used twice with this key
     * @return tag ‖ ciphertext
     */
    public byte[] seal(byte[] plain, byte[] nonce) {
        checkNonce(nonce);
        byte[] out = new byte[plain.length + Sodium.SECRETBOX_MAC_BYTES];
        Sodium.secretbox(out, 0, plain, 0, plain.length, nonce, 0, live());
        return out;
    }

    /**
     * Opens tag ‖ ciphertext; throws {@link CryptoException} when it does not authenticate under this key.
     *
     * @param box tag ‖ ciphertext
     * @param nonce the nonce it was sealed with
     * @return the plaintext
     */
    public byte[] open(byte[] box, byte[] nonce) {
        checkNonce(nonce);
        if (box == null || box.length < Sodium.SECRETBOX_MAC_BYTES) {
            throw new CryptoException("secretbox shorter than its 16-byte tag");
        }
        byte[] out = new byte[box.length - Sodium.SECRETBOX_MAC_BYTES];
        if (!Sodium.secretboxOpen(out, 0, box, 0, box.length, nonce, 0, live())) {
            throw new CryptoException("secretbox did not open: wrong key or altered data");
        }
        return out;
    }

    /** Zeroes the key. Idempotent. */
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
        if (nonce == null || nonce.length != Sodium.SECRETBOX_NONCE_BYTES) {
            throw new CryptoException("secretbox nonce must be 24 bytes, got " + (nonce == null ? "null" : nonce.length));
        }
    }

    @Override
    public String toString() {
        return "SecretBoxKey[" + (key.wiped() ? "destroyed" : "secret") + "]";
    }
}
