package io.raet.crypto;

import javax.security.auth.Destroyable;

/**
 * Long-term Ed25519 signing key, kept as its 32-byte seed like the reference's {@code sighex}. The reference
 * calls it a "Signer".
 *
 * <p>{@link #destroy()} zeroes the seed and the expanded secret key; the key cannot sign afterwards. Copies handed
 * out by {@link #seed()} and {@link #hex()} are the caller's to wipe.
 */
public final class SigningKey implements Destroyable {
    private final Secret seed;
    private final Secret secretKey;
    private final VerifyKey verifyKey;

    private SigningKey(byte[] seed) {
        this.seed = new Secret("signing key", seed.clone());
        byte[][] kp = Sodium.signSeedKeypair(this.seed.get());
        this.verifyKey = new VerifyKey(kp[0]);
        this.secretKey = new Secret("signing key", kp[1]);
    }

    /** {@return a new key from the operating system's generator} */
    public static SigningKey generate() {
        return generate(Entropy.system());
    }

    /**
     * A new key whose seed comes from {@code entropy}.
     *
     * @param entropy the source of the seed
     * @return the new key
     */
    public static SigningKey generate(Entropy entropy) {
        return new SigningKey(entropy.bytes(Sodium.SIGN_SEED_BYTES));
    }

    /**
     * A key from its 32-byte seed.
     *
     * @param seed the seed (copied)
     * @return the key
     * @throws CryptoException when it is not 32 bytes
     */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != Sodium.SIGN_SEED_BYTES) {
            throw new CryptoException("Ed25519 seed must be 32 bytes");
        }
        return new SigningKey(seed);
    }

    /**
     * A key as the keep writes it ({@code sighex}, the seed).
     *
     * @param sighex 64 hex characters
     * @return the key
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static SigningKey fromHex(String sighex) {
        return new SigningKey(Hex.decodeKey(sighex, "sighex"));
    }

    /** {@return the verify key that checks this key's signatures} */
    public VerifyKey verifyKey() {
        return verifyKey;
    }

    /** {@return a copy of the 32-byte seed (the caller wipes it)} */
    public byte[] seed() {
        return seed.get().clone();
    }

    /** {@return the seed as 64 hex characters, the keep's {@code sighex}} */
    public String hex() {
        return Hex.encode(seed.get());
    }

    /**
     * Signs {@code msg}.
     *
     * @param msg the message
     * @return the 64-byte detached signature
     */
    public byte[] sign(byte[] msg) {
        byte[] sig = new byte[Sodium.SIGNATURE_BYTES];
        sign(msg, 0, msg.length, sig, 0);
        return sig;
    }

    /**
     * Signs {@code msg[off, off+len)} and writes the 64-byte signature at {@code sig[sigOff]}.
     *
     * @param msg the array holding the message
     * @param off its first byte
     * @param len its length
     * @param sig the array written
     * @param sigOff where the signature starts in {@code sig}
     */
    public void sign(byte[] msg, int off, int len, byte[] sig, int sigOff) {
        Sodium.signDetached(sig, sigOff, msg, off, len, secretKey.get());
    }

    /** Zeroes the seed and the secret key; signing afterwards throws {@link CryptoException}. Idempotent. */
    @Override
    public void destroy() {
        seed.wipe();
        secretKey.wipe();
    }

    @Override
    public boolean isDestroyed() {
        return seed.wiped();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey other && seed.sameAs(other.seed);
    }

    @Override
    public int hashCode() {
        return seed.hash();
    }

    @Override
    public String toString() {
        return "SigningKey[verify=" + verifyKey.hex() + "]";
    }
}
