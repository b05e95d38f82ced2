package io.raet.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Independent NaCl implementation on Bouncy Castle, used only as a test oracle for the libsodium binding.
 *
 * <p>{@code crypto_box} = X25519 agreement, HSalsa20 key derivation, XSalsa20 stream and Poly1305 tag, in
 * libsodium's "easy" layout: tag(16) ‖ ciphertext. Ed25519 through {@link Ed25519Signer}.
 */
final class BcNacl {
    static final int TAG = 16;

    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}; // "expand 32-byte k"

    private BcNacl() {}

    /** Curve25519 public key of a secret scalar. */
    static byte[] publicKey(byte[] secret) {
        byte[] pub = new byte[32];
        X25519.scalarMultBase(secret, 0, pub, 0);
        return pub;
    }

    /** {@code crypto_box_beforenm}: HSalsa20(X25519(secret, peer), 0^16). */
    static byte[] beforenm(byte[] peerPublic, byte[] secret) {
        byte[] shared = new byte[32];
        if (!X25519.calculateAgreement(secret, 0, peerPublic, 0, shared, 0)) {
            throw new IllegalArgumentException("X25519 agreement is all zero (weak public key)");
        }
        return hsalsa20(shared, new byte[16]);
    }

    /** HSalsa20: the Salsa20 core (20 rounds) without the final addition, output words 0,5,10,15,6,7,8,9. */
    static byte[] hsalsa20(byte[] key, byte[] in16) {
        int[] x = new int[16];
        x[0] = SIGMA[0];
        x[5] = SIGMA[1];
        x[10] = SIGMA[2];
        x[15] = SIGMA[3];
        for (int i = 0; i < 4; i++) {
            x[1 + i] = le32(key, 4 * i);
            x[11 + i] = le32(key, 16 + 4 * i);
            x[6 + i] = le32(in16, 4 * i);
        }
        for (int round = 0; round < 20; round += 2) {
            // column round
            quarter(x, 0, 4, 8, 12);
            quarter(x, 5, 9, 13, 1);
            quarter(x, 10, 14, 2, 6);
            quarter(x, 15, 3, 7, 11);
            // row round
            quarter(x, 0, 1, 2, 3);
            quarter(x, 5, 6, 7, 4);
            quarter(x, 10, 11, 8, 9);
            quarter(x, 15, 12, 13, 14);
        }
        int[] words = {x[0], x[5], x[10], x[15], x[6], x[7], x[8], x[9]};
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[4 * i] = (byte) words[i];
            out[4 * i + 1] = (byte) (words[i] >>> 8);
            out[4 * i + 2] = (byte) (words[i] >>> 16);
            out[4 * i + 3] = (byte) (words[i] >>> 24);
        }
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[b] ^= Integer.rotateLeft(x[a] + x[d], 7);
        x[c] ^= Integer.rotateLeft(x[b] + x[a], 9);
        x[d] ^= Integer.rotateLeft(x[c] + x[b], 13);
        x[a] ^= Integer.rotateLeft(x[d] + x[c], 18);
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** {@code crypto_box_easy} with the two keys. */
    static byte[] box(byte[] plain, byte[] nonce, byte[] peerPublic, byte[] secret) {
        return secretbox(plain, nonce, beforenm(peerPublic, secret));
    }

    /** {@code crypto_box_open_easy} with the two keys; null when the box does not authenticate. */
    static byte[] boxOpen(byte[] box, byte[] nonce, byte[] peerPublic, byte[] secret) {
        return secretboxOpen(box, nonce, beforenm(peerPublic, secret));
    }

    /** {@code crypto_secretbox_easy} (= {@code crypto_box_easy_afternm}): tag ‖ cipher. */
    static byte[] secretbox(byte[] plain, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = stream(nonce, key);
        byte[] polyKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, polyKey, 0);
        byte[] out = new byte[TAG + plain.length];
        stream.processBytes(plain, 0, plain.length, out, TAG);
        byte[] tag = poly1305(polyKey, out, TAG, plain.length);
        System.arraycopy(tag, 0, out, 0, TAG);
        return out;
    }

    /** {@code crypto_secretbox_open_easy}: the plain text, or null when the tag does not match. */
    static byte[] secretboxOpen(byte[] box, byte[] nonce, byte[] key) {
        if (box.length < TAG) {
            return null;
        }
        XSalsa20Engine stream = stream(nonce, key);
        byte[] polyKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, polyKey, 0);
        byte[] tag = poly1305(polyKey, box, TAG, box.length - TAG);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, TAG))) {
            return null;
        }
        byte[] plain = new byte[box.length - TAG];
        stream.processBytes(box, TAG, plain.length, plain, 0);
        return plain;
    }

    private static XSalsa20Engine stream(byte[] nonce, byte[] key) {
        if (nonce.length != 24 || key.length != 32) {
            throw new IllegalArgumentException("XSalsa20 needs a 24-byte nonce and a 32-byte key");
        }
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] poly1305(byte[] key, byte[] data, int off, int len) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(key));
        mac.update(data, off, len);
        byte[] tag = new byte[TAG];
        mac.doFinal(tag, 0);
        return tag;
    }

    /** Ed25519 verify key of a 32-byte seed. */
    static byte[] verifyKey(byte[] seed) {
        return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    }

    static byte[] sign(byte[] seed, byte[] msg) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.update(msg, 0, msg.length);
        return signer.generateSignature();
    }

    static boolean verify(byte[] verifyKey, byte[] msg, byte[] sig) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(verifyKey, 0));
        verifier.update(msg, 0, msg.length);
        return verifier.verifySignature(sig);
    }
}
