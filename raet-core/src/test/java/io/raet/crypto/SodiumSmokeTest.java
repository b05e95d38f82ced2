package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SodiumSmokeTest {
    @Test
    void rfc8032TestOne() {
        SigningKey key = SigningKey.fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assertThat(key.verifyKey().hex()).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = key.sign(new byte[0]);
        assertThat(Hex.encode(sig)).startsWith("e5564300c360ac72").endsWith("7a100b");
        assertThat(key.verifyKey().verify(sig, new byte[0])).isTrue();
        sig[0] ^= 1;
        assertThat(key.verifyKey().verify(sig, new byte[0])).isFalse();
    }

    @Test
    void boxRoundTrip() {
        BoxKeyPair a = BoxKeyPair.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        byte[] msg = "hello".getBytes();
        byte[] coat = a.sharedKey(b.publicKey()).sealWithNonce(msg, 0, msg.length);
        assertThat(coat).hasSize(msg.length + 40);
        assertThat(b.sharedKey(a.publicKey()).openWithNonce(coat, 0, coat.length)).isEqualTo(msg);
    }
}
