package io.raet.cli;

import io.raet.crypto.Argon2id;
import io.raet.keep.KeepProblem;
import io.raet.keep.SealScope;
import io.raet.keep.SealedKeep;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code raet keep encrypt|decrypt|passphrase}: seal a keep's private keys (or every file) with a passphrase, open
 * it again, change the passphrase (docs/keep.md). Thin over {@link SealedKeep}; run them on a keep no running
 * estate uses.
 */
@Command(name = "keep", mixinStandardHelpOptions = true, description = "Operate on a keep directory.")
final class KeepCryptoCommand extends GroupCommand {
    /** Adds encrypt, decrypt and passphrase to the {@code keep} command of {@code raet}, which it makes if needed. */
    static void register(CommandLine raet) {
        CommandLine keep = raet.getSubcommands().get("keep");
        if (keep == null) {
            keep = new CommandLine(new KeepCryptoCommand());
            raet.addSubcommand("keep", keep);
        }
        keep.addSubcommand("init", new Init());
        keep.addSubcommand("encrypt", new Encrypt());
        keep.addSubcommand("decrypt", new Decrypt());
        keep.addSubcommand("passphrase", new Passphrase());
    }

    static Argon2id kdf(String preset) {
        return preset == null ? null : Argon2id.preset(preset);
    }

    static Map<String, Object> report(String event, Path keep, SealedKeep.Result r) {
        Map<String, Object> m = Json.obj("event", event, "keep", keep.toString(),
                "scope", r.scope().map(SealScope::wire).orElse("plain"));
        r.kdf().ifPresent(k -> {
            m.put("opslimit", k.opslimit());
            m.put("memlimit", k.memlimit());
        });
        m.put("sealed", r.sealed());
        m.put("opened", r.opened());
        if (!r.skipped().isEmpty()) {
            m.put("skipped", r.skipped().stream().map(KeepProblem::toString).toList());
        }
        return m;
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = {
        "Make the local identity of a new keep ahead of its first run (sealed when a passphrase is given) and print",
        "its public part: the line is a member key file for a control channel (docs/routing.md)."})
    static final class Init implements Callable<Integer> {
        @Option(names = "--keep", required = true, description = "the keep directory (required)")
        Path keep;

        @Option(names = "--name", required = true, description = "the estate name (required)")
        String name;

        @Option(names = "--role", description = "the road role (default: the name)")
        String role;

        @Option(names = "--key-file", paramLabel = "FILE",
                description = "the keys, as raet keygen --out writes them (default: new keys)")
        Path keyFile;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        public Integer call() {
            io.raet.keep.RoadKeep k = new io.raet.keep.RoadKeep(keep, passphrase.source());
            io.raet.crypto.SigningKey s;
            io.raet.crypto.BoxKeyPair b;
            if (keyFile != null) {
                io.raet.keep.KeyFile.Keys keys = io.raet.keep.KeyFile.read(keyFile);
                s = keys.signingKey();
                b = keys.boxKeys();
            } else {
                s = io.raet.crypto.SigningKey.generate();
                b = io.raet.crypto.BoxKeyPair.generate();
            }
            String r = role != null ? role : name;
            try {
                k.initLocal(name, r, s, b);
                Json.line(System.out, Json.obj("kind", "local", "name", name, "role", r, "verhex",
                        s.verifyKey().hex(), "pubhex", b.publicKey().hex()));
            } finally {
                s.destroy();
                b.destroy();
                k.relock();
            }
            return 0;
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, description = {
        "Seal the keep's private keys (and with --all every keep file) under a passphrase: secretbox, the key",
        "derived with Argon2id. Also completes an interrupted run, or changes the scope of a sealed keep."})
    static final class Encrypt implements Callable<Integer> {
        @Option(names = "--keep", required = true, description = "the keep directory")
        Path keep;

        @Option(names = "--all", description = "seal every keep file, not only the private keys")
        boolean all;

        @Option(names = "--kdf", paramLabel = "PRESET", description = "Argon2id cost: interactive (the default for"
                + " a new seal), moderate or sensitive; a sealed keep keeps its own unless given")
        String kdf;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        public Integer call() {
            SealedKeep.Result r = SealedKeep.encrypt(keep, passphrase.required("keep encrypt needs the passphrase"),
                    kdf(kdf), all ? SealScope.ALL : SealScope.KEYS);
            Json.line(System.out, report("keep_sealed", keep, r));
            return 0;
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = "Write a sealed keep back in the reference's plain layout (private keys in the clear).")
    static final class Decrypt implements Callable<Integer> {
        @Option(names = "--keep", required = true, description = "the keep directory")
        Path keep;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        public Integer call() {
            SealedKeep.Result r = SealedKeep.decrypt(keep, passphrase.required("keep decrypt needs the passphrase"));
            Json.line(System.out, report("keep_opened", keep, r));
            return 0;
        }
    }

    @Command(name = "passphrase", mixinStandardHelpOptions = true, description = {
        "Change the passphrase of a sealed keep: the key file is sealed again under the new one (new salt);",
        "the other files stay as they are. With both on standard input, the old one is the first line."})
    static final class Passphrase implements Callable<Integer> {
        @Option(names = "--keep", required = true, description = "the keep directory")
        Path keep;

        @Option(names = "--kdf", paramLabel = "PRESET", description = "a new Argon2id cost: interactive, moderate or"
                + " sensitive (default: the seal's own)")
        String kdf;

        @Mixin
        PassphraseOptions passphrase;

        @Mixin
        PassphraseOptions.New newPassphrase;

        @Override
        public Integer call() {
            SealedKeep.Result r = SealedKeep.changePassphrase(keep, passphrase.required("the current passphrase"),
                    newPassphrase.required(), kdf(kdf));
            Json.line(System.out, report("keep_passphrase_changed", keep, r));
            return 0;
        }
    }
}
