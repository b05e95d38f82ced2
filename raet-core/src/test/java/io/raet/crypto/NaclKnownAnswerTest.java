package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The classic NaCl {@code tests/box.c} / {@code tests/box2.c} vectors (Alice and Bob of RFC 7748), checked
 * against libsodium through our binding and against the Bouncy Castle oracle.
 */
class NaclKnownAnswerTest {
    static final String ALICE_SECRET = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    static final String ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    static final String BOB_SECRET = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    static final String BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    /** Raw X25519 shared secret (RFC 7748 section 6.1). */
    static final String X25519_SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    /** {@code crypto_box_beforenm}: HSalsa20 of the X25519 secret. */
    static final String BOX_SHARED = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
    static final String NONCE = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
    static final String MESSAGE = "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
            + "5e0705";
    /** tag(16) ‖ ciphertext(131): the easy layout, i.e. box.c's output without its 16 leading zero bytes. */
    static final String BOX = "f3ffc7703f9400e52a7dfb4b3d3305d9"
            + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
            + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
            + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
            + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74"
            + "e355a5";

    @Test
    void vectorLengths() {
        assertThat(Hex.decode(MESSAGE)).hasSize(131);
        assertThat(Hex.decode(BOX)).hasSize(131 + 16);
    }

    @Test
    void publicKeysOfSecrets() {
        assertThat(BoxKeyPair.fromHex(ALICE_SECRET).publicKey().hex()).isEqualTo(ALICE_PUBLIC);
        assertThat(BoxKeyPair.fromHex(BOB_SECRET).publicKey().hex()).isEqualTo(BOB_PUBLIC);
        assertThat(Hex.encode(BcNacl.publicKey(Hex.decode(ALICE_SECRET)))).isEqualTo(ALICE_PUBLIC);
        assertThat(Hex.encode(BcNacl.publicKey(Hex.decode(BOB_SECRET)))).isEqualTo(BOB_PUBLIC);
    }

    @Test
    void sharedKeyBothWays() {
        assertThat(Hex.encode(Sodium.beforenm(Hex.decode(BOB_PUBLIC), Hex.decode(ALICE_SECRET)))).isEqualTo(BOX_SHARED);
        assertThat(Hex.encode(Sodium.beforenm(Hex.decode(ALICE_PUBLIC), Hex.decode(BOB_SECRET)))).isEqualTo(BOX_SHARED);
        assertThat(Hex.encode(BcNacl.beforenm(Hex.decode(BOB_PUBLIC), Hex.decode(ALICE_SECRET)))).isEqualTo(BOX_SHARED);
        assertThat(Hex.encode(BcNacl.beforenm(Hex.decode(ALICE_PUBLIC), Hex.decode(BOB_SECRET)))).isEqualTo(BOX_SHARED);
    }

    @Test
    void hsalsa20OfTheX25519Secret() {
        assertThat(Hex.encode(BcNacl.hsalsa20(Hex.decode(X25519_SHARED), new byte[16]))).isEqualTo(BOX_SHARED);
    }

    @Test
    void libsodiumSealsTheKnownBox() {
        SharedKey alice = BoxKeyPair.fromHex(ALICE_SECRET).sharedKey(PublicKey.fromHex(BOB_PUBLIC));
        assertThat(Hex.encode(alice.seal(Hex.decode(MESSAGE), Hex.decode(NONCE)))).isEqualTo(BOX);
    }

    @Test
    void libsodiumOpensTheKnownBoxAsBob() {
        SharedKey bob = BoxKeyPair.fromHex(BOB_SECRET).sharedKey(PublicKey.fromHex(ALICE_PUBLIC));
        assertThat(Hex.encode(bob.open(Hex.decode(BOX), Hex.decode(NONCE)))).isEqualTo(MESSAGE);
    }

    @Test
    void bouncyCastleSealsAndOpensTheKnownBox() {
        byte[] box = BcNacl.box(Hex.decode(MESSAGE), Hex.decode(NONCE), Hex.decode(BOB_PUBLIC), Hex.decode(ALICE_SECRET));
        assertThat(Hex.encode(box)).isEqualTo(BOX);
        byte[] plain = BcNacl.boxOpen(Hex.decode(BOX), Hex.decode(NONCE), Hex.decode(ALICE_PUBLIC), Hex.decode(BOB_SECRET));
        assertThat(Hex.encode(plain)).isEqualTo(MESSAGE);
    }

    @Test
    void coatLayoutOfTheKnownBox() {
        byte[] coat = Arrays.copyOf(Hex.decode(BOX), 147 + 24);
        System.arraycopy(Hex.decode(NONCE), 0, coat, 147, 24);
        SharedKey bob = BoxKeyPair.fromHex(BOB_SECRET).sharedKey(PublicKey.fromHex(ALICE_PUBLIC));
        assertThat(Hex.encode(bob.openWithNonce(coat, 0, coat.length))).isEqualTo(MESSAGE);
    }

    @Test
    void everyFlippedBitIsRejected() {
        SharedKey bob = BoxKeyPair.fromHex(BOB_SECRET).sharedKey(PublicKey.fromHex(ALICE_PUBLIC));
        byte[] nonce = Hex.decode(NONCE);
        byte[] key = Hex.decode(BOX_SHARED);
        for (int bit = 0; bit < 147 * 8; bit++) {
            byte[] box = Hex.decode(BOX);
            box[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] out = new byte[131];
            assertThat(Sodium.openAfternm(out, 0, box, 0, box.length, nonce, 0, key)).as("bit %d", bit).isFalse();
            assertThatThrownBy(() -> bob.open(box, nonce)).isInstanceOf(CryptoException.class);
            assertThat(BcNacl.secretboxOpen(box, nonce, key)).isNull();
        }
    }

    @Test
    void wrongNonceIsRejected() {
        SharedKey bob = BoxKeyPair.fromHex(BOB_SECRET).sharedKey(PublicKey.fromHex(ALICE_PUBLIC));
        byte[] nonce = Hex.decode(NONCE);
        nonce[23] ^= 1;
        assertThatThrownBy(() -> bob.open(Hex.decode(BOX), nonce)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("did not open");
    }
}
