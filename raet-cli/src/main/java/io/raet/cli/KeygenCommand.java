package io.raet.cli;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.KeyFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Makes a new long-term key set: printed as the reference writes it (hex), or written to a private key file. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate long-term keys: Ed25519 (sighex/verhex) and Curve25519 (prihex/pubhex).")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", description = "write the keys to FILE (mode 0600, for --key-file)"
            + " and print only the public ones (default: print all four)")
    Path out;

    @Override
    public Integer call() {
        SigningKey s = SigningKey.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        try {
            if (out != null) {
                KeyFile.write(out, s, b);
                Json.line(System.out, Json.obj("verhex", s.verifyKey().hex(), "pubhex", b.publicKey().hex(), "out",
                        out.toString()));
            } else {
                Json.line(System.out, Json.obj("sighex", s.hex(), "verhex", s.verifyKey().hex(), "prihex", b.hex(),
                        "pubhex", b.publicKey().hex()));
            }
        } finally {
            s.destroy();
            b.destroy();
        }
        return 0;
    }
}
