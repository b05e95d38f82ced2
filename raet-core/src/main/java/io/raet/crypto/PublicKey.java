package io.raet.crypto;

import java.util.Arrays;

/** Curve25519 public key ({@code pubhex}, or a session public key). */
public final class PublicKey {
    private final byte[] key;

    PublicKey(byte[] key) {
        this.key = key;
    }

    /**
     * A key from its 32 bytes.
     *
     * @param key the key (copied)
     * @return the key
     * @throws CryptoException when it is not 32 bytes
     */
    public static PublicKey of(byte[] key) {
        if (key == null || key.length != Sodium.BOX_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Curve25519 public key must be 32 bytes");
        }
        return new PublicKey(key.clone());
    }

    /**
     * A key from the 32 bytes at {@code data[off]}.
     *
     * @param data the array holding it
     * @param off where it starts
     * @return the key (a copy)
     * @throws CryptoException when fewer than 32 bytes are there
     */
    public static PublicKey of(byte[] data, int off) {
        if (data == null || off < 0 || off > data.length - Sodium.BOX_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Curve25519 public key must be 32 bytes");
        }
        return new PublicKey(Arrays.copyOfRange(data, off, off + Sodium.BOX_PUBLIC_KEY_BYTES));
    }

    /**
     * A key as the keep writes it ({@code pubhex}).
     *
     * @param pubhex 64 hex characters
     * @return the key
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static PublicKey fromHex(String pubhex) {
        return new PublicKey(Hex.decodeKey(pubhex, "pubhex"));
    }

    byte[] raw() {
        return key;
    }

    /** {@return a copy of the 32 key bytes} */
    public byte[] bytes() {
        return key.clone();
    }

    /** {@return the key as 64 hex characters, the keep's {@code pubhex}} */
    public String hex() {
        return Hex.encode(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "PublicKey[" + hex() + "]";
    }
}
