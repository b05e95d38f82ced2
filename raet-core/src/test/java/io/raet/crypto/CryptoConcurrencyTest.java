package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sealing, opening and signing from several threads at once, on shared keys, against the oracle. */
class CryptoConcurrencyTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 300;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void parallelSealOpenSign() throws Exception {
        BoxKeyPair alice = BoxKeyPair.generate();
        BoxKeyPair bob = BoxKeyPair.generate();
        SharedKey aliceToBob = alice.sharedKey(bob.publicKey());
        SharedKey bobToAlice = bob.sharedKey(alice.publicKey());
        byte[] rawKey = Sodium.beforenm(bob.publicKey().bytes(), alice.secret());
        assertThat(rawKey).isEqualTo(BcNacl.beforenm(bob.publicKey().bytes(), alice.secret()));
        SigningKey signer = SigningKey.generate();
        byte[] seed = signer.seed();

        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long taskSeed = t;
            tasks.add(() -> {
                SplittableRandom rnd = new SplittableRandom(taskSeed);
                start.await();
                int checks = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    // mostly packet sized, sometimes over the critical limit
                    int len = i % 50 == 0 ? Sodium.CRITICAL_LIMIT + rnd.nextInt(5000) : rnd.nextInt(1100);
                    byte[] plain = new byte[len];
                    rnd.nextBytes(plain);
                    byte[] nonce = Sodium.randomBytes(24);

                    byte[] box = aliceToBob.seal(plain, nonce);
                    assertThat(box).isEqualTo(BcNacl.secretbox(plain, nonce, rawKey));
                    assertThat(bobToAlice.open(box, nonce)).isEqualTo(plain);

                    byte[] coat = bobToAlice.sealWithNonce(plain, 0, len);
                    assertThat(aliceToBob.openWithNonce(coat, 0, coat.length)).isEqualTo(plain);

                    byte[] sig = signer.sign(plain);
                    assertThat(sig).isEqualTo(BcNacl.sign(seed, plain));
                    assertThat(signer.verifyKey().verify(sig, plain)).isTrue();
                    sig[i % 64] ^= 1;
                    assertThat(signer.verifyKey().verify(sig, plain)).isFalse();
                    checks++;
                }
                return checks;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                total += f.get();
            }
            assertThat(total).isEqualTo(THREADS * ROUNDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void parallelRandomNoncesAreDistinct() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    List<String> nonces = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        nonces.add(Hex.encode(Sodium.randomBytes(24)));
                    }
                    return nonces;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                all.addAll(f.get());
            }
            assertThat(all).hasSize(THREADS * 2000).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
