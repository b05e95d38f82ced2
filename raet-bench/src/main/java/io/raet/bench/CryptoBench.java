package io.raet.bench;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-packet crypto of the road: Ed25519 over a packet, NaCl box with a precomputed session key. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CryptoBench {
    @Param({"100", "1024"})
    int size;

    SigningKey signer;
    VerifyKey verifier;
    SharedKey shared;
    byte[] packet;
    byte[] signature;
    byte[] coat;

    @Setup
    public void setup() {
        signer = SigningKey.generate();
        verifier = signer.verifyKey();
        BoxKeyPair a = BoxKeyPair.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        shared = a.sharedKey(b.publicKey());
        packet = new byte[size];
        signature = signer.sign(packet);
        coat = shared.sealWithNonce(packet, 0, packet.length);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(packet);
    }

    @Benchmark
    public boolean verify() {
        return verifier.verify(signature, packet);
    }

    @Benchmark
    public byte[] seal() {
        return shared.sealWithNonce(packet, 0, packet.length);
    }

    @Benchmark
    public byte[] open() {
        return shared.openWithNonce(coat, 0, coat.length);
    }
}
