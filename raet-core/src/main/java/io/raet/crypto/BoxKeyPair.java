package io.raet.crypto;

import javax.security.auth.Destroyable;

/**
 * Curve25519 key pair for NaCl boxes: the long-term {@code prihex}/{@code pubhex} pair, or a short-term session
 * pair made at every allow. The reference calls the halves "Privateer" and "Publican".
 *
 * <p>{@link #destroy()} zeroes the secret (a short-term pair is destroyed once the session key exists); the public
 * key stays usable.
 */
public final class BoxKeyPair implements Destroyable {
    private final Secret secret;
    private final PublicKey publicKey;

    private BoxKeyPair(byte[] secret) {
        this.secret = new Secret("box secret key", secret);
        this.publicKey = new PublicKey(Sodium.scalarMultBase(secret));
    }

    /** {@return a new pair from the operating system's generator} */
    public static BoxKeyPair generate() {
        return generate(Entropy.system());
    }

    /**
     * A new pair whose secret comes from {@code entropy}.
     *
     * @param entropy the source of the secret
     * @return the new pair
     */
    public static BoxKeyPair generate(Entropy entropy) {
        return new BoxKeyPair(entropy.bytes(Sodium.BOX_SECRET_KEY_BYTES));
    }

    /**
     * A pair from its Curve25519 secret.
     *
     * @param secret the 32-byte secret (copied)
     * @return the pair
     * @throws CryptoException when it is not 32 bytes
     */
    public static BoxKeyPair fromSecret(byte[] secret) {
        if (secret == null || secret.length != Sodium.BOX_SECRET_KEY_BYTES) {
            throw new CryptoException("Curve25519 secret key must be 32 bytes");
        }
        return new BoxKeyPair(secret.clone());
    }

    /**
     * A pair from its secret as the keep writes it ({@code prihex}).
     *
     * @param prihex 64 hex characters
     * @return the pair
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static BoxKeyPair fromHex(String prihex) {
        return new BoxKeyPair(Hex.decodeKey(prihex, "prihex"));
    }

    /** {@return the public key} */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** {@return a copy of the 32-byte secret (the caller wipes it)} */
    public byte[] secret() {
        return secret.get().clone();
    }

    /** {@return the secret as 64 hex characters, the keep's {@code prihex}} */
    public String hex() {
        return Hex.encode(secret.get());
    }

    /**
     * {@return the precomputed key for boxes between this secret and {@code peer}}
     *
     * @param peer the other side's public key
     */
    public SharedKey sharedKey(PublicKey peer) {
        return new SharedKey(Sodium.beforenm(peer.raw(), secret.get()));
    }

    /** Zeroes the secret; using it afterwards throws {@link CryptoException}. Idempotent. */
    @Override
    public void destroy() {
        secret.wipe();
    }

    @Override
    public boolean isDestroyed() {
        return secret.wiped();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoxKeyPair other && secret.sameAs(other.secret);
    }

    @Override
    public int hashCode() {
        return secret.hash();
    }

    @Override
    public String toString() {
        return "BoxKeyPair[public=" + publicKey.hex() + "]";
    }
}
