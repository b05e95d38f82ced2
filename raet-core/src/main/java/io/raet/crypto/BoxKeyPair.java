package io.raet.crypto;

import java.util.Arrays;

/**
 * Curve25519 key pair for NaCl boxes: the long-term {@code prihex}/{@code pubhex} pair, or a short-term session
 * pair made at every allow. The reference calls the halves "Privateer" and "Publican".
 */
public final class BoxKeyPair {
    private final byte[] secret;
    private final PublicKey publicKey;

    private BoxKeyPair(byte[] secret) {
        this.secret = secret;
        this.publicKey = new PublicKey(Sodium.scalarMultBase(secret));
    }

    public static BoxKeyPair generate() {
        return generate(Entropy.system());
    }

    /** A new pair whose secret comes from {@code entropy}. */
    public static BoxKeyPair generate(Entropy entropy) {
        return new BoxKeyPair(entropy.bytes(Sodium.BOX_SECRET_KEY_BYTES));
    }

    public static BoxKeyPair fromSecret(byte[] secret) {
        if (secret == null || secret.length != Sodium.BOX_SECRET_KEY_BYTES) {
            throw new CryptoException("Curve25519 secret key must be 32 bytes");
        }
        return new BoxKeyPair(secret.clone());
    }

    public static BoxKeyPair fromHex(String prihex) {
        return new BoxKeyPair(Hex.decodeKey(prihex, "prihex"));
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] secret() {
        return secret.clone();
    }

    public String hex() {
        return Hex.encode(secret);
    }

    /** The precomputed key for boxes between this secret and {@code peer}. */
    public SharedKey sharedKey(PublicKey peer) {
        return new SharedKey(Sodium.beforenm(peer.raw(), secret));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoxKeyPair other && Arrays.equals(secret, other.secret);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        return "BoxKeyPair[public=" + publicKey.hex() + "]";
    }
}
