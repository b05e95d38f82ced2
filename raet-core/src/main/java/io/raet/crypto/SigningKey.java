package io.raet.crypto;

import java.util.Arrays;

/**
 * Long-term Ed25519 signing key, kept as its 32-byte seed like the reference's {@code sighex}. The reference
 * calls it a "Signer".
 */
public final class SigningKey {
    private final byte[] seed;
    private final byte[] secretKey;
    private final VerifyKey verifyKey;

    private SigningKey(byte[] seed) {
        this.seed = seed.clone();
        byte[][] kp = Sodium.signSeedKeypair(this.seed);
        this.verifyKey = new VerifyKey(kp[0]);
        this.secretKey = kp[1];
    }

    public static SigningKey generate() {
        return generate(Entropy.system());
    }

    /** A new key whose seed comes from {@code entropy}. */
    public static SigningKey generate(Entropy entropy) {
        return new SigningKey(entropy.bytes(Sodium.SIGN_SEED_BYTES));
    }

    public static SigningKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != Sodium.SIGN_SEED_BYTES) {
            throw new CryptoException("Ed25519 seed must be 32 bytes");
        }
        return new SigningKey(seed);
    }

    public static SigningKey fromHex(String sighex) {
        return new SigningKey(Hex.decodeKey(sighex, "sighex"));
    }

    public VerifyKey verifyKey() {
        return verifyKey;
    }

    public byte[] seed() {
        return seed.clone();
    }

    public String hex() {
        return Hex.encode(seed);
    }

    public byte[] sign(byte[] msg) {
        byte[] sig = new byte[Sodium.SIGNATURE_BYTES];
        Sodium.signDetached(sig, 0, msg, 0, msg.length, secretKey);
        return sig;
    }

    /** Signs {@code msg[off, off+len)} and writes the 64-byte signature at {@code sig[sigOff]}. */
    public void sign(byte[] msg, int off, int len, byte[] sig, int sigOff) {
        Sodium.signDetached(sig, sigOff, msg, off, len, secretKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey other && Arrays.equals(seed, other.seed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(seed);
    }

    @Override
    public String toString() {
        return "SigningKey[verify=" + verifyKey.hex() + "]";
    }
}
