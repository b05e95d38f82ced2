package io.raet.cli;

import io.raet.keep.PassphraseSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where a keep's passphrase comes from (docs/keep.md): a file, an environment variable, standard input or a systemd
 * credential. There is deliberately no option that takes the passphrase itself: every user of the host can read a
 * command line. Add with {@code @Mixin PassphraseOptions passphrase;} and call {@link #source()}.
 */
final class PassphraseOptions {
    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "read the keep passphrase from FILE (mode 0600 or 0400; one trailing line end is dropped)"
                    + " (default: none; a sealed keep needs one of these four options)")
    Path file;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "read the keep passphrase from variable VAR (default: none)")
    String env;

    @Option(names = "--passphrase-stdin",
            description = "read the keep passphrase from the terminal (no echo) or the first line of standard input"
                    + " (default: off)")
    boolean stdin;

    @Option(names = "--passphrase-credential", paramLabel = "NAME",
            description = "read the keep passphrase from the systemd credential NAME ($CREDENTIALS_DIRECTORY/NAME)"
                    + " (default: none)")
    String credential;

    /** The source asked for, or null when none was. */
    PassphraseSource source() {
        return source("--passphrase", file, env, stdin, credential);
    }

    /** The source asked for; {@link IllegalArgumentException} naming the options when none was. */
    PassphraseSource required(String why) {
        PassphraseSource s = source();
        if (s == null) {
            throw new IllegalArgumentException(why + ": give --passphrase-file, --passphrase-env, --passphrase-stdin"
                    + " or --passphrase-credential");
        }
        return s;
    }

    static PassphraseSource source(String prefix, Path file, String env, boolean stdin, String credential) {
        List<PassphraseSource> given = new ArrayList<>();
        if (file != null) {
            given.add(PassphraseSource.file(file));
        }
        if (env != null) {
            given.add(PassphraseSource.environment(env));
        }
        if (stdin) {
            given.add(PassphraseSource.stdin());
        }
        if (credential != null) {
            given.add(PassphraseSource.credential(credential));
        }
        if (given.size() > 1) {
            throw new IllegalArgumentException("give one of " + prefix + "-file, " + prefix + "-env, " + prefix
                    + "-stdin, " + prefix + "-credential");
        }
        return given.isEmpty() ? null : given.get(0);
    }

    /** The new passphrase of {@code raet keep passphrase}. */
    static final class New {
        @Option(names = "--new-passphrase-file", paramLabel = "FILE", description = "the new passphrase from FILE")
        Path file;

        @Option(names = "--new-passphrase-env", paramLabel = "VAR", description = "the new passphrase from VAR")
        String env;

        @Option(names = "--new-passphrase-stdin",
                description = "the new passphrase from the terminal, or the next line of standard input")
        boolean stdin;

        @Option(names = "--new-passphrase-credential", paramLabel = "NAME",
                description = "the new passphrase from the systemd credential NAME")
        String credential;

        PassphraseSource required() {
            PassphraseSource s = source("--new-passphrase", file, env, stdin, credential);
            if (s == null) {
                throw new IllegalArgumentException("the new passphrase: give --new-passphrase-file, "
                        + "--new-passphrase-env, --new-passphrase-stdin or --new-passphrase-credential");
            }
            return s;
        }
    }
}
