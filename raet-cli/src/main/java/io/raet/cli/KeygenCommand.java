package io.raet.cli;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints a new long-term key set as the reference writes it (hex). */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate long-term keys: Ed25519 (sighex/verhex) and Curve25519 (prihex/pubhex).")
final class KeygenCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        SigningKey s = SigningKey.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        Json.line(System.out, Json.obj("sighex", s.hex(), "verhex", s.verifyKey().hex(), "prihex", b.hex(), "pubhex",
                b.publicKey().hex()));
        return 0;
    }
}
