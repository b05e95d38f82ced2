package io.raet.crypto;

import static io.raet.Quick.qt;
import static io.raet.Quick.seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * libsodium (through {@link Sodium}) against the independent Bouncy Castle oracle {@link BcNacl}, byte for byte,
 * on random keys, nonces and messages. Lengths cross the 64 KiB boundary where {@link Sodium} switches from
 * critical heap downcalls to copies in native memory (for opening, the boundary is on the box length, i.e.
 * 16 bytes earlier in plain text length).
 */
class CryptoOracleProperties {
    private static final int LIMIT = Sodium.CRITICAL_LIMIT;

    static Gen<Integer> lengths() {
        Gen<Integer> boundaries = Generate.pick(List.of(0, 1, 15, 16, 17, 63, 64, 65, 1024,
                LIMIT - Sodium.BOX_MAC_BYTES - 1, LIMIT - Sodium.BOX_MAC_BYTES, LIMIT - Sodium.BOX_MAC_BYTES + 1,
                LIMIT - 1, LIMIT, LIMIT + 1, 70000));
        return Generate.frequency(
                Pair.of(2, boundaries),
                Pair.of(3, SourceDSL.integers().between(0, 2048)),
                Pair.of(1, SourceDSL.integers().between(0, 70000)));
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    @Test
    void boxIsByteIdenticalAndOpensBothWays() {
        qt(300).forAll(lengths(), seeds()).checkAssert(this::boxIsByteIdenticalAndOpensBothWays);
    }

    private void boxIsByteIdenticalAndOpensBothWays(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] aliceSecret = bytes(rnd, 32);
        byte[] bobSecret = bytes(rnd, 32);
        byte[] nonce = bytes(rnd, 24);
        byte[] plain = bytes(rnd, len);

        BoxKeyPair alice = BoxKeyPair.fromSecret(aliceSecret);
        BoxKeyPair bob = BoxKeyPair.fromSecret(bobSecret);
        assertThat(alice.publicKey().bytes()).isEqualTo(BcNacl.publicKey(aliceSecret));
        assertThat(bob.publicKey().bytes()).isEqualTo(BcNacl.publicKey(bobSecret));

        SharedKey aliceToBob = alice.sharedKey(bob.publicKey());
        SharedKey bobToAlice = bob.sharedKey(alice.publicKey());
        byte[] sodiumBox = aliceToBob.seal(plain, nonce);
        byte[] bcBox = BcNacl.box(plain, nonce, bob.publicKey().bytes(), aliceSecret);
        assertThat(sodiumBox).hasSize(len + 16).isEqualTo(bcBox);

        assertThat(bobToAlice.open(bcBox, nonce)).isEqualTo(plain);
        assertThat(BcNacl.boxOpen(sodiumBox, nonce, alice.publicKey().bytes(), bobSecret)).isEqualTo(plain);
        // the precomputed key is symmetric: the sender can open its own box too
        assertThat(aliceToBob.open(sodiumBox, nonce)).isEqualTo(plain);
    }

    @Test
    void flippedBitNeverOpens() {
        qt(200).forAll(lengths(), seeds()).checkAssert(this::flippedBitNeverOpens);
    }

    private void flippedBitNeverOpens(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] key = bytes(rnd, 32);
        byte[] nonce = bytes(rnd, 24);
        byte[] plain = bytes(rnd, len);
        byte[] box = BcNacl.secretbox(plain, nonce, key);
        int bit = rnd.nextInt(box.length * 8);
        box[bit / 8] ^= (byte) (1 << (bit % 8));

        byte[] out = new byte[len];
        assertThat(Sodium.openAfternm(out, 0, box, 0, box.length, nonce, 0, key)).isFalse();
        SharedKey shared = new SharedKey(key.clone());
        assertThatThrownBy(() -> shared.open(box, nonce)).isInstanceOf(CryptoException.class);
        assertThat(BcNacl.secretboxOpen(box, nonce, key)).isNull();
    }

    @Test
    void slicedSealAndOpenMatchTheOracle() {
        qt(200).forAll(lengths(), seeds()).checkAssert(this::slicedSealAndOpenMatchTheOracle);
    }

    private void slicedSealAndOpenMatchTheOracle(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] key = bytes(rnd, 32);
        int plainOff = rnd.nextInt(40);
        int nonceOff = rnd.nextInt(40);
        int outOff = rnd.nextInt(40);
        byte[] plainBuf = bytes(rnd, plainOff + len + rnd.nextInt(40));
        byte[] nonceBuf = bytes(rnd, nonceOff + 24 + rnd.nextInt(40));
        byte[] plain = Arrays.copyOfRange(plainBuf, plainOff, plainOff + len);
        byte[] nonce = Arrays.copyOfRange(nonceBuf, nonceOff, nonceOff + 24);
        byte[] expected = BcNacl.secretbox(plain, nonce, key);

        byte[] out = bytes(rnd, outOff + len + 16 + rnd.nextInt(40));
        byte[] before = out.clone();
        Sodium.boxAfternm(out, outOff, plainBuf, plainOff, len, nonceBuf, nonceOff, key);
        assertThat(Arrays.copyOfRange(out, outOff, outOff + len + 16)).isEqualTo(expected);
        // bytes outside the written range are untouched
        assertThat(Arrays.copyOf(out, outOff)).isEqualTo(Arrays.copyOf(before, outOff));
        assertThat(Arrays.copyOfRange(out, outOff + len + 16, out.length))
                .isEqualTo(Arrays.copyOfRange(before, outOff + len + 16, before.length));

        byte[] opened = bytes(rnd, 3 + len + 5);
        byte[] openedBefore = opened.clone();
        assertThat(Sodium.openAfternm(opened, 3, out, outOff, len + 16, nonceBuf, nonceOff, key)).isTrue();
        assertThat(Arrays.copyOfRange(opened, 3, 3 + len)).isEqualTo(plain);
        assertThat(Arrays.copyOf(opened, 3)).isEqualTo(Arrays.copyOf(openedBefore, 3));
        assertThat(Arrays.copyOfRange(opened, 3 + len, opened.length))
                .isEqualTo(Arrays.copyOfRange(openedBefore, 3 + len, openedBefore.length));
    }

    @Test
    void coatLayoutRoundTrip() {
        qt(100).forAll(lengths(), seeds()).checkAssert(this::coatLayoutRoundTrip);
    }

    private void coatLayoutRoundTrip(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BoxKeyPair a = BoxKeyPair.fromSecret(bytes(rnd, 32));
        BoxKeyPair b = BoxKeyPair.fromSecret(bytes(rnd, 32));
        byte[] plain = bytes(rnd, len);
        byte[] coat = a.sharedKey(b.publicKey()).sealWithNonce(plain, 0, len);
        assertThat(coat).hasSize(len + 16 + 24);
        byte[] nonce = Arrays.copyOfRange(coat, len + 16, coat.length);
        byte[] box = Arrays.copyOf(coat, len + 16);
        assertThat(BcNacl.boxOpen(box, nonce, a.publicKey().bytes(), b.secret())).isEqualTo(plain);
        assertThat(b.sharedKey(a.publicKey()).openWithNonce(coat, 0, coat.length)).isEqualTo(plain);
    }

    @Test
    void signaturesAreIdenticalAndCrossVerify() {
        qt(300).forAll(lengths(), seeds()).checkAssert(this::signaturesAreIdenticalAndCrossVerify);
    }

    private void signaturesAreIdenticalAndCrossVerify(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] seedBytes = bytes(rnd, 32);
        byte[] msg = bytes(rnd, len);

        SigningKey key = SigningKey.fromSeed(seedBytes);
        byte[] verifyKey = key.verifyKey().bytes();
        assertThat(verifyKey).isEqualTo(BcNacl.verifyKey(seedBytes));

        byte[] sig = key.sign(msg);
        assertThat(sig).isEqualTo(BcNacl.sign(seedBytes, msg));
        assertThat(key.verifyKey().verify(sig, msg)).isTrue();
        assertThat(BcNacl.verify(verifyKey, msg, sig)).isTrue();

        byte[] badSig = sig.clone();
        int bit = rnd.nextInt(64 * 8);
        badSig[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(key.verifyKey().verify(badSig, msg)).isFalse();
        assertThat(BcNacl.verify(verifyKey, msg, badSig)).isFalse();

        byte[] badMsg;
        if (len == 0) {
            badMsg = new byte[] {0};
        } else {
            badMsg = msg.clone();
            int mbit = rnd.nextInt(len * 8);
            badMsg[mbit / 8] ^= (byte) (1 << (mbit % 8));
        }
        assertThat(key.verifyKey().verify(sig, badMsg)).isFalse();
        assertThat(BcNacl.verify(verifyKey, badMsg, sig)).isFalse();

        VerifyKey otherKey = SigningKey.fromSeed(bytes(rnd, 32)).verifyKey();
        assertThat(otherKey.verify(sig, msg)).isFalse();
    }

    @Test
    void slicedSignAndVerify() {
        qt(100).forAll(lengths(), seeds()).checkAssert(this::slicedSignAndVerify);
    }

    private void slicedSignAndVerify(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] seedBytes = bytes(rnd, 32);
        int off = rnd.nextInt(50);
        int sigOff = rnd.nextInt(50);
        byte[] buf = bytes(rnd, off + len + rnd.nextInt(50));
        byte[] msg = Arrays.copyOfRange(buf, off, off + len);
        byte[] sigBuf = new byte[sigOff + 64 + 3];

        SigningKey key = SigningKey.fromSeed(seedBytes);
        key.sign(buf, off, len, sigBuf, sigOff);
        assertThat(Arrays.copyOfRange(sigBuf, sigOff, sigOff + 64)).isEqualTo(BcNacl.sign(seedBytes, msg));
        assertThat(key.verifyKey().verify(sigBuf, sigOff, buf, off, len)).isTrue();
    }
}
