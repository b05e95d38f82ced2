package io.raet.crypto;

import java.util.Arrays;

/** Ed25519 verify (public) key, the reference's {@code verhex}; the reference calls it a "Verifier". */
public final class VerifyKey {
    private final byte[] key;

    VerifyKey(byte[] key) {
        this.key = key;
    }

    /**
     * A key from its 32 bytes.
     *
     * @param key the key (copied)
     * @return the key
     * @throws CryptoException when it is not 32 bytes
     */
    public static VerifyKey of(byte[] key) {
        if (key == null || key.length != Sodium.SIGN_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Ed25519 verify key must be 32 bytes");
        }
        return new VerifyKey(key.clone());
    }

    /**
     * A key as the keep writes it ({@code verhex}).
     *
     * @param verhex 64 hex characters
     * @return the key
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static VerifyKey fromHex(String verhex) {
        return new VerifyKey(Hex.decodeKey(verhex, "verhex"));
    }

    /** {@return a copy of the 32 key bytes} */
    public byte[] bytes() {
        return key.clone();
    }

    /** {@return the key as 64 hex characters, the keep's {@code verhex}} */
    public String hex() {
        return Hex.encode(key);
    }

    /**
     * Checks a detached signature over {@code msg}; a signature of the wrong size is invalid, never an exception.
     *
     * @param sig the 64-byte signature
     * @param msg the message
     * @return true when the signature is valid
     */
    public boolean verify(byte[] sig, byte[] msg) {
        if (sig == null || sig.length != Sodium.SIGNATURE_BYTES) {
            return false;
        }
        return Sodium.verifyDetached(sig, 0, msg, 0, msg.length, key);
    }

    /**
     * Verifies the signature at {@code sig[sigOff, sigOff+64)} over {@code msg[off, off+len)}.
     *
     * @param sig the array holding the signature
     * @param sigOff where it starts
     * @param msg the array holding the message
     * @param off its first byte
     * @param len its length
     * @return true when the signature is valid
     */
    public boolean verify(byte[] sig, int sigOff, byte[] msg, int off, int len) {
        return Sodium.verifyDetached(sig, sigOff, msg, off, len, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyKey other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "VerifyKey[" + hex() + "]";
    }
}
