package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact lengths around {@link Sodium#CRITICAL_LIMIT}, where calls switch from critical heap downcalls to copies
 * in native memory: seal, open and sign agree with the Bouncy Castle oracle on both sides of the switch, and
 * sealing in place (plain text already where the cipher text goes) works on both paths.
 */
class CriticalBoundaryTest {
    private static final int LIMIT = Sodium.CRITICAL_LIMIT;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, LIMIT - 17, LIMIT - 16, LIMIT - 15, LIMIT - 1, LIMIT, LIMIT + 1, 70000,
            1 << 20})
    void boxAndSignatureAtBoundary(int len) {
        SplittableRandom rnd = new SplittableRandom(len);
        byte[] secretA = new byte[32];
        byte[] secretB = new byte[32];
        byte[] nonce = new byte[24];
        byte[] plain = new byte[len];
        byte[] seed = new byte[32];
        rnd.nextBytes(secretA);
        rnd.nextBytes(secretB);
        rnd.nextBytes(nonce);
        rnd.nextBytes(plain);
        rnd.nextBytes(seed);

        BoxKeyPair a = BoxKeyPair.fromSecret(secretA);
        BoxKeyPair b = BoxKeyPair.fromSecret(secretB);
        byte[] box = a.sharedKey(b.publicKey()).seal(plain, nonce);
        assertThat(box).isEqualTo(BcNacl.box(plain, nonce, b.publicKey().bytes(), secretA));
        assertThat(b.sharedKey(a.publicKey()).open(box, nonce)).isEqualTo(plain);
        box[len / 2] ^= 4;
        byte[] out = new byte[len];
        Arrays.fill(out, (byte) 0x5a);
        assertThat(Sodium.openAfternm(out, 0, box, 0, box.length, nonce, 0,
                Sodium.beforenm(a.publicKey().bytes(), secretB))).isFalse();

        SigningKey signer = SigningKey.fromSeed(seed);
        byte[] sig = signer.sign(plain);
        assertThat(sig).isEqualTo(BcNacl.sign(seed, plain));
        assertThat(signer.verifyKey().verify(sig, plain)).isTrue();
        if (len > 0) {
            plain[len - 1] ^= 1;
            assertThat(signer.verifyKey().verify(sig, plain)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, LIMIT - 16, LIMIT, LIMIT + 1, 70000})
    void sealInPlace(int len) {
        SplittableRandom rnd = new SplittableRandom(~len);
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        byte[] plain = new byte[len];
        rnd.nextBytes(key);
        rnd.nextBytes(nonce);
        rnd.nextBytes(plain);
        byte[] expected = BcNacl.secretbox(plain, nonce, key);

        // buffer = [16 free bytes for the tag][plain]: the box overwrites the plain text
        byte[] buf = new byte[16 + len];
        System.arraycopy(plain, 0, buf, 16, len);
        Sodium.boxAfternm(buf, 0, buf, 16, len, nonce, 0, key);
        assertThat(buf).isEqualTo(expected);

        // and opened in place again: plain text back at the start of the buffer
        assertThat(Sodium.openAfternm(buf, 0, buf, 0, buf.length, nonce, 0, key)).isTrue();
        assertThat(Arrays.copyOf(buf, len)).isEqualTo(plain);
    }
}
