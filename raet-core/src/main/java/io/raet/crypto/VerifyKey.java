package io.raet.crypto;

import java.util.Arrays;

/** Ed25519 verify (public) key, the reference's {@code verhex}; the reference calls it a "Verifier". */
public final class VerifyKey {
    private final byte[] key;

    VerifyKey(byte[] key) {
        this.key = key;
    }

    public static VerifyKey of(byte[] key) {
        if (key == null || key.length != Sodium.SIGN_PUBLIC_KEY_BYTES) {
            throw new CryptoException("Ed25519 verify key must be 32 bytes");
        }
        return new VerifyKey(key.clone());
    }

    public static VerifyKey fromHex(String verhex) {
        return new VerifyKey(Hex.decodeKey(verhex, "verhex"));
    }

    public byte[] bytes() {
        return key.clone();
    }

    public String hex() {
        return Hex.encode(key);
    }

    public boolean verify(byte[] sig, byte[] msg) {
        if (sig == null || sig.length != Sodium.SIGNATURE_BYTES) {
            return false;
        }
        return Sodium.verifyDetached(sig, 0, msg, 0, msg.length, key);
    }

    /** Verifies the signature at {@code sig[sigOff, sigOff+64)} over {@code msg[off, off+len)}. */
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
