package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * The bindings used to seal data at rest (Argon2id, secretbox, BLAKE2b) agree with Bouncy Castle's independent
 * implementations, refuse bad input with a {@link CryptoException}, and key types can be wiped.
 */
class SealingCryptoTest {
    private static final byte[] PASS = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    private static byte[] bcArgon2id(int len, byte[] pass, byte[] salt, long ops, long mem) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations((int) ops).withMemoryAsKB((int) (mem / 1024)).withParallelism(1).withSalt(salt)
                .build());
        byte[] out = new byte[len];
        g.generateBytes(pass, out);
        return out;
    }

    @Test
    void argon2idAgreesWithAnIndependentImplementation() {
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) i;
        }
        Argon2id small = new Argon2id(1, 64 * 1024);
        assertThat(small.derive(32, PASS, salt)).isEqualTo(bcArgon2id(32, PASS, salt, 1, 64 * 1024));
        Argon2id twoPasses = new Argon2id(2, 256 * 1024);
        assertThat(twoPasses.derive(64, PASS, salt)).isEqualTo(bcArgon2id(64, PASS, salt, 2, 256 * 1024));
        assertThat(small.derive(32, new byte[0], salt)).isEqualTo(bcArgon2id(32, new byte[0], salt, 1, 64 * 1024));
        byte[] otherSalt = salt.clone();
        otherSalt[0] ^= 1;
        assertThat(small.derive(32, PASS, otherSalt)).isNotEqualTo(small.derive(32, PASS, salt));
    }

    @Test
    void argon2idParametersAreBounded() {
        assertThatThrownBy(() -> new Argon2id(0, 1 << 20)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("opslimit");
        assertThatThrownBy(() -> new Argon2id(2, 4096)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("memlimit");
        assertThatThrownBy(() -> new Argon2id(2, (1L << 30) + 1)).hasMessageContaining("memlimit");
        assertThatThrownBy(() -> new Argon2id(17, 1 << 20)).hasMessageContaining("opslimit");
        assertThat(Argon2id.preset("Moderate")).isEqualTo(Argon2id.MODERATE);
        assertThatThrownBy(() -> Argon2id.preset("paranoid")).hasMessageContaining("interactive, moderate");
        assertThatThrownBy(() -> new Argon2id(1, 8192).derive(32, PASS, new byte[15]))
                .isInstanceOf(CryptoException.class).hasMessageContaining("salt");
    }

    @Test
    void secretboxAgreesWithAnIndependentImplementation() {
        SecretBoxKey key = SecretBoxKey.generate();
        byte[] nonce = SecretBoxKey.newNonce();
        for (int len : new int[] {0, 1, 100, 70_000}) {
            byte[] plain = Sodium.randomBytes(len);
            byte[] box = key.seal(plain, nonce);
            assertThat(box).isEqualTo(BcNacl.secretbox(plain, nonce, key.bytes()));
            assertThat(key.open(box, nonce)).isEqualTo(plain);
            box[box.length - 1] ^= 1;
            assertThatThrownBy(() -> key.open(box, nonce)).isInstanceOf(CryptoException.class)
                    .hasMessageContaining("did not open");
        }
        assertThatThrownBy(() -> key.open(new byte[15], nonce)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> key.seal(new byte[1], new byte[23])).isInstanceOf(CryptoException.class);
        byte[] box = key.seal(PASS, nonce);
        assertThatThrownBy(() -> SecretBoxKey.generate().open(box, nonce)).isInstanceOf(CryptoException.class);
    }

    @Test
    void blake2bAgreesWithAnIndependentImplementation() {
        byte[] msg = "raet".getBytes(StandardCharsets.UTF_8);
        byte[] key = Sodium.randomBytes(32);
        for (byte[] k : new byte[][] {null, key}) {
            Blake2bDigest d = new Blake2bDigest(k, 32, null, null);
            d.update(msg, 0, msg.length);
            byte[] expected = new byte[32];
            d.doFinal(expected, 0);
            assertThat(Sodium.genericHash(32, msg, k)).isEqualTo(expected);
        }
        assertThatThrownBy(() -> Sodium.genericHash(8, msg, null)).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> Sodium.genericHash(32, msg, new byte[65])).isInstanceOf(CryptoException.class);
    }

    @Test
    void destroyedKeysAreZeroedAndRefuseUse() {
        SigningKey s = SigningKey.generate();
        VerifyKey v = s.verifyKey();
        s.destroy();
        assertThat(s.isDestroyed()).isTrue();
        assertThatThrownBy(() -> s.sign(PASS)).isInstanceOf(CryptoException.class).hasMessageContaining("destroyed");
        assertThatThrownBy(s::hex).isInstanceOf(CryptoException.class);
        assertThat(v.hex()).hasSize(64); // the public half stays usable

        BoxKeyPair a = BoxKeyPair.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        SharedKey shared = a.sharedKey(b.publicKey());
        byte[] coat = shared.sealWithNonce(PASS, 0, PASS.length);
        a.destroy();
        a.destroy(); // idempotent
        assertThatThrownBy(() -> a.sharedKey(b.publicKey())).isInstanceOf(CryptoException.class);
        assertThat(a.publicKey().hex()).hasSize(64);
        assertThat(shared.openWithNonce(coat, 0, coat.length)).isEqualTo(PASS); // the session key outlives it
        shared.destroy();
        assertThatThrownBy(() -> shared.openWithNonce(coat, 0, coat.length)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("destroyed");

        SecretBoxKey k = SecretBoxKey.generate();
        k.destroy();
        assertThatThrownBy(k::bytes).isInstanceOf(CryptoException.class);
        assertThatThrownBy(() -> k.seal(PASS, SecretBoxKey.newNonce())).isInstanceOf(CryptoException.class);
    }
}
