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
        return secret.get().clone();
    }

    public String hex() {
        return Hex.encode(secret.get());
    }

    /** The precomputed key for boxes between this secret and {@code peer}. */
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
