package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Wrong sizes, truncated boxes, bad hex: always a clear {@link CryptoException} (or IAE for Hex.decode). */
class CryptoBadInputTest {
    private static final SharedKey KEY = BoxKeyPair.generate().sharedKey(BoxKeyPair.generate().publicKey());
    private static final byte[] NONCE = new byte[24];

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 33, 64})
    void wrongKeySizes(int size) {
        byte[] k = new byte[size];
        assertThatThrownBy(() -> BoxKeyPair.fromSecret(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Curve25519 secret key must be 32 bytes");
        assertThatThrownBy(() -> PublicKey.of(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Curve25519 public key must be 32 bytes");
        assertThatThrownBy(() -> SigningKey.fromSeed(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Ed25519 seed must be 32 bytes");
        assertThatThrownBy(() -> VerifyKey.of(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Ed25519 verify key must be 32 bytes");
        assertThatThrownBy(() -> Sodium.scalarMultBase(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Curve25519 secret key must be 32 bytes, got " + size);
        assertThatThrownBy(() -> Sodium.beforenm(k, new byte[32])).isInstanceOf(CryptoException.class)
                .hasMessage("Curve25519 public key must be 32 bytes, got " + size);
        assertThatThrownBy(() -> Sodium.signSeedKeypair(k)).isInstanceOf(CryptoException.class)
                .hasMessage("Ed25519 seed must be 32 bytes, got " + size);
        assertThatThrownBy(() -> Sodium.boxAfternm(new byte[16], 0, new byte[0], 0, 0, NONCE, 0, k))
                .isInstanceOf(CryptoException.class).hasMessage("shared key must be 32 bytes, got " + size);
        assertThatThrownBy(() -> Sodium.verifyDetached(new byte[64], 0, new byte[0], 0, 0, k))
                .isInstanceOf(CryptoException.class).hasMessage("Ed25519 verify key must be 32 bytes, got " + size);
    }

    @Test
    void nullKeys() {
        assertThatThrownBy(() -> BoxKeyPair.fromSecret(null)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> PublicKey.of(null)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> SigningKey.fromSeed(null)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> VerifyKey.of(null)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.scalarMultBase(null)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("got null");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 23, 25, 48})
    void wrongNonceSizes(int size) {
        byte[] nonce = new byte[size];
        assertThatThrownBy(() -> KEY.seal(new byte[3], nonce)).isInstanceOf(CryptoException.class)
                .hasMessage("nonce must be 24 bytes, got " + size);
        assertThatThrownBy(() -> KEY.open(new byte[19], nonce)).isInstanceOf(CryptoException.class)
                .hasMessage("nonce must be 24 bytes, got " + size);
    }

    @Test
    void nonceSliceOutsideItsArray() {
        assertThatThrownBy(() -> KEY.seal(new byte[3], 0, 3, new byte[30], 7, new byte[19], 0))
                .isInstanceOf(CryptoException.class).hasMessage("nonce must be 24 bytes");
        assertThatThrownBy(() -> KEY.seal(new byte[3], 0, 3, null, 0, new byte[19], 0))
                .isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> KEY.open(new byte[19], 0, 19, new byte[24], -1)).isInstanceOf(CryptoException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15})
    void truncatedBoxNeverOpens(int len) {
        byte[] box = new byte[len];
        assertThat(Sodium.openAfternm(new byte[0], 0, box, 0, len, NONCE, 0, new byte[32])).isFalse();
        assertThatThrownBy(() -> KEY.open(box, NONCE)).isInstanceOf(CryptoException.class)
                .hasMessage("box shorter than its 16-byte tag");
        assertThatThrownBy(() -> KEY.open(box, 0, len, NONCE, 0)).isInstanceOf(CryptoException.class);
        assertThat(BcNacl.secretboxOpen(box, NONCE, new byte[32])).isNull();
    }

    @Test
    void negativeOpenLengthIsFalseNotAnException() {
        assertThat(Sodium.openAfternm(new byte[0], 0, new byte[32], 0, -5, NONCE, 0, new byte[32])).isFalse();
        assertThatThrownBy(() -> KEY.open(new byte[32], 0, -5, NONCE, 0)).isInstanceOf(CryptoException.class);
    }

    @Test
    void emptyBoxOfOnlyATagOpensToNothing() {
        byte[] box = KEY.seal(new byte[0], NONCE);
        assertThat(box).hasSize(16);
        assertThat(KEY.open(box, NONCE)).isEmpty();
        box[0] ^= 1;
        assertThatThrownBy(() -> KEY.open(box, NONCE)).isInstanceOf(CryptoException.class)
                .hasMessage("box did not open: wrong keys or tampered data");
    }

    @Test
    void truncatedCoat() {
        byte[] coat = KEY.sealWithNonce(new byte[10], 0, 10);
        for (int len = 0; len < 40; len++) {
            int n = len;
            assertThatThrownBy(() -> KEY.openWithNonce(coat, 0, n)).isInstanceOf(CryptoException.class)
                    .hasMessage("coat of " + n + " bytes is shorter than tag and nonce");
        }
        // every cut that still holds tag and nonce simply does not authenticate
        for (int len = 40; len < coat.length; len++) {
            int n = len;
            assertThatThrownBy(() -> KEY.openWithNonce(coat, 0, n)).isInstanceOf(CryptoException.class);
            assertThatThrownBy(() -> KEY.openWithNonce(coat, coat.length - n, n)).isInstanceOf(CryptoException.class);
        }
        assertThat(KEY.openWithNonce(coat, 0, coat.length)).hasSize(10);
    }

    @Test
    void slicesOutsideTheirArrays() {
        assertThatThrownBy(() -> KEY.openWithNonce(new byte[50], 20, 45)).isInstanceOf(CryptoException.class)
                .hasMessage("coat range [20, +45) outside array of 50");
        assertThatThrownBy(() -> KEY.openWithNonce(new byte[50], 0, -1)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> KEY.sealWithNonce(new byte[10], 5, 10)).isInstanceOf(CryptoException.class)
                .hasMessage("plain text range [5, +10) outside array of 10");
        assertThatThrownBy(() -> KEY.sealWithNonce(new byte[10], 0, -100)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> KEY.seal(new byte[10], 0, 10, NONCE, 0, new byte[25], 0))
                .isInstanceOf(CryptoException.class).hasMessage("range [0, +26) outside array of 25");
        assertThatThrownBy(() -> KEY.seal(new byte[10], 0, Integer.MAX_VALUE, NONCE, 0, new byte[25], 0))
                .isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.openAfternm(new byte[3], 0, new byte[20], 0, 20, NONCE, 0, new byte[32]))
                .isInstanceOf(CryptoException.class).hasMessage("range [0, +4) outside array of 3");
        assertThatThrownBy(() -> Sodium.randomBytes(-1)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.randomBytes(new byte[4], 2, 3)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.boxAfternm(new byte[16], 0, new byte[0], 0, 0, null, 0, new byte[32]))
                .isInstanceOf(CryptoException.class);

        SigningKey signer = SigningKey.generate();
        assertThatThrownBy(() -> signer.sign(new byte[10], 0, 10, new byte[63], 0)).isInstanceOf(CryptoException.class)
                .hasMessage("range [0, +64) outside array of 63");
        assertThatThrownBy(() -> signer.sign(new byte[10], 8, 3, new byte[64], 0)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> signer.verifyKey().verify(new byte[64], 1, new byte[1], 0, 1))
                .isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.verifyDetached(null, 0, new byte[0], 0, 0, new byte[32]))
                .isInstanceOf(CryptoException.class);
    }

    @Test
    void malformedSignaturesAndKeysVerifyFalse() {
        SigningKey signer = SigningKey.generate();
        byte[] msg = {1, 2, 3};
        byte[] sig = signer.sign(msg);
        VerifyKey vk = signer.verifyKey();
        assertThat(vk.verify(null, msg)).isFalse();
        assertThat(vk.verify(new byte[0], msg)).isFalse();
        assertThat(vk.verify(Arrays.copyOf(sig, 63), msg)).isFalse();
        assertThat(vk.verify(Arrays.copyOf(sig, 65), msg)).isFalse();
        assertThat(vk.verify(new byte[64], msg)).isFalse();
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        assertThat(vk.verify(allOnes, msg)).isFalse();
        // a signature with S >= L (non-canonical) is rejected
        byte[] highS = sig.clone();
        highS[63] |= (byte) 0xf0;
        assertThat(vk.verify(highS, msg)).isFalse();
        // verify keys that are not curve points, or are small-order, never verify
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        assertThat(VerifyKey.of(notAPoint).verify(sig, msg)).isFalse();
        assertThat(VerifyKey.of(new byte[32]).verify(sig, msg)).isFalse();
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThat(VerifyKey.of(identity).verify(sig, msg)).isFalse();
    }

    @Test
    void weakPublicKeyIsRefused() {
        BoxKeyPair kp = BoxKeyPair.generate();
        assertThatThrownBy(() -> kp.sharedKey(PublicKey.of(new byte[32]))).isInstanceOf(CryptoException.class)
                .hasMessage("crypto_box_beforenm failed (weak public key)");
        byte[] one = new byte[32];
        one[0] = 1;
        assertThatThrownBy(() -> kp.sharedKey(PublicKey.of(one))).isInstanceOf(CryptoException.class);
    }

    @Test
    void hexDecodeErrors() {
        assertThatThrownBy(() -> Hex.decode("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("odd-length hex string (3 characters)");
        assertThatThrownBy(() -> Hex.decode("0g")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a hex digit at position 1");
        assertThatThrownBy(() -> Hex.decode("zz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a hex digit at position 0");
        assertThatThrownBy(() -> Hex.decode("0x12")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("12 4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("-1")).isInstanceOf(IllegalArgumentException.class);
        // Unicode digits other than ASCII are not hex digits
        assertThatThrownBy(() -> Hex.decode("\u0663\u0663")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("\uff21\uff22")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("\uff10\uff10")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hexRoundTrip() {
        assertThat(Hex.decode("")).isEmpty();
        assertThat(Hex.decode("00ff7F80aB")).containsExactly(0, 0xff, 0x7f, 0x80, 0xab);
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String hex = Hex.encode(all);
        assertThat(hex).hasSize(512).isLowerCase().startsWith("000102").endsWith("fdfeff");
        assertThat(Hex.decode(hex)).isEqualTo(all);
        assertThat(Hex.decode(hex.toUpperCase())).isEqualTo(all);
        assertThat(Hex.encode(all, 254, 2)).isEqualTo("feff");
    }

    @Test
    void hexDecodeKeyErrors() {
        assertThatThrownBy(() -> Hex.decodeKey(null, "sighex")).isInstanceOf(CryptoException.class)
                .hasMessage("sighex must be 64 hex characters");
        assertThatThrownBy(() -> Hex.decodeKey("ab", "pubhex")).isInstanceOf(CryptoException.class)
                .hasMessage("pubhex must be 64 hex characters");
        assertThatThrownBy(() -> Hex.decodeKey("0".repeat(66), "verhex")).isInstanceOf(CryptoException.class)
                .hasMessage("verhex must be 64 hex characters");
        assertThatThrownBy(() -> Hex.decodeKey("0".repeat(63) + "x", "prihex")).isInstanceOf(CryptoException.class)
                .hasMessage("prihex: not a hex digit at position 63")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decodeKey("\uff10".repeat(64), "pubhex")).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> SigningKey.fromHex("zz".repeat(32))).isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("sighex: ");
        assertThatThrownBy(() -> VerifyKey.fromHex("")).isInstanceOf(CryptoException.class)
                .hasMessage("verhex must be 64 hex characters");
        assertThatThrownBy(() -> BoxKeyPair.fromHex("1234")).isInstanceOf(CryptoException.class)
                .hasMessage("prihex must be 64 hex characters");
        assertThatThrownBy(() -> PublicKey.fromHex("g".repeat(64))).isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("pubhex: ");
        assertThat(Hex.decodeKey("AB".repeat(32), "pubhex")).hasSize(32).containsOnly(0xab);
    }

    @Test
    void publicKeyFromSlice() {
        byte[] buf = new byte[40];
        buf[5] = 9;
        assertThat(PublicKey.of(buf, 5).bytes()[0]).isEqualTo((byte) 9);
        assertThat(PublicKey.of(buf, 8).bytes()).hasSize(32);
        assertThatThrownBy(() -> PublicKey.of(buf, 9)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> PublicKey.of(buf, -1)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> PublicKey.of(null, 0)).isInstanceOf(CryptoException.class);
    }

    @Test
    void keyAccessorsReturnCopies() {
        BoxKeyPair kp = BoxKeyPair.generate();
        kp.secret()[0] ^= 1;
        kp.publicKey().bytes()[0] ^= 1;
        assertThat(BoxKeyPair.fromSecret(kp.secret())).isEqualTo(kp);
        assertThat(BoxKeyPair.fromSecret(kp.secret()).publicKey()).isEqualTo(kp.publicKey());
        SigningKey sk = SigningKey.generate();
        sk.seed()[0] ^= 1;
        sk.verifyKey().bytes()[0] ^= 1;
        assertThat(SigningKey.fromSeed(sk.seed()).verifyKey()).isEqualTo(sk.verifyKey());
        byte[] seed = sk.seed();
        SigningKey fromArray = SigningKey.fromSeed(seed);
        seed[0] ^= 1;
        assertThat(fromArray).isEqualTo(sk);
        assertThat(kp.toString()).doesNotContain(kp.hex());
        assertThat(sk.toString()).doesNotContain(sk.hex());
    }
}
