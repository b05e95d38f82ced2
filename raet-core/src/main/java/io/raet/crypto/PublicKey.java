package io.raet.crypto;

import java.util.Arrays;

/** Curve25519 public key ({@code pubhex}, or a session public key). */
public final class PublicKey {
    private final byte[] key;

    PublicKey(byte[] key) {
        this.key = key;
    }

    public static PublicKey of(byte[] key) {
        if (key == null || key.length != Sodium.BOX_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Curve25519 public key must be 32 bytes");
        }
        return new PublicKey(key.clone());
    }

    public static PublicKey of(byte[] data, int off) {
        if (data == null || off < 0 || off > data.length - Sodium.BOX_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Curve25519 public key must be 32 bytes");
        }
        return new PublicKey(Arrays.copyOfRange(data, off, off + Sodium.BOX_PUBLIC_KEY_BYTES));
    }

    public static PublicKey fromHex(String pubhex) {
        return new PublicKey(Hex.decodeKey(pubhex, "pubhex"));
    }

    byte[] raw() {
        return key;
    }

    public byte[] bytes() {
        return key.clone();
    }

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
