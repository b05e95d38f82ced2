package io.raet.cli;

import io.raet.codec.BodyKind;
import io.raet.keep.KeepException;
import io.raet.keep.KeyFile;
import io.raet.keep.PassphraseSource;
import io.raet.road.RoadConfig;
import io.raet.road.RoadStack;
import io.raet.router.RouterConfig;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that run an estate. */
final class EstateOptions {
    @Option(names = "--name",
            description = "estate name (default: main for listen, sender-<8 random hex digits> for send)")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "0",
            description = "UDP port; 0: the port kept in --keep from the last run, else any free port"
                    + " (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "keep directory: keys and remotes persist there (default: none, nothing is kept)")
    Path keep;

    @Option(names = "--auto", defaultValue = "once",
            description = "acceptance of joining roles: never (an operator accepts, see raet keep), once (the"
                    + " first keys of a role), always (default: ${DEFAULT-VALUE})")
    String auto;

    @Option(names = "--msgpack", description = "send msgpack bodies instead of JSON (default: JSON)")
    boolean msgpack;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "the long-term keys of a new identity: a JSON file with sighex and prihex, mode 0600, as"
                    + " raet keygen --out writes it; never given on the command line (default: from --keep, else"
                    + " new)")
    Path keyFile;

    @Mixin
    PassphraseOptions passphrase;

    @Option(names = "--new-identity", description = "start with a new identity when the keep holds remotes but"
            + " lost the local one (role/local/role.json or local/estate.json) (default: refused)")
    boolean newIdentity;

    RoadStack.Builder builder(String defaultName, boolean main) {
        return builder(defaultName, main, RoadConfig.defaults());
    }

    /** A stack builder from the options, on {@code config} (its acceptance and body kind set from the options). */
    RoadStack.Builder builder(String defaultName, boolean main, RoadConfig config) {
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port must be 0..65535, not " + port);
        }
        RoadStack.Builder b = RoadStack.builder().config(config).name(name != null ? name : defaultName).main(main)
                .host(host).port(port).auto(auto("--auto", auto)).bodyKind(bodyKind());
        PassphraseSource source = passphrase.source();
        if (keep != null) {
            b.keep(keep).passphrase(source);
        } else if (source != null) {
            throw CliException.usage("a passphrase opens a keep: give --keep DIR with it");
        }
        b.newIdentity(newIdentity);
        if (keyFile != null) {
            KeyFile.Keys keys;
            try {
                keys = KeyFile.read(keyFile);
            } catch (KeepException e) {
                throw CliException.usage("--key-file: " + e.getMessage(), e);
            }
            b.keys(keys.signingKey(), keys.boxKeys());
        }
        return b;
    }

    BodyKind bodyKind() {
        return msgpack ? BodyKind.MSGPACK : BodyKind.JSON;
    }

    static io.raet.keep.AutoMode auto(String option, String value) {
        try {
            return RouterConfig.parseAuto(value);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + " must be never, once or always, not '" + value + "'");
        }
    }

    /** Builds the stack; a socket that cannot be bound is one line naming the address and the option to change. */
    static RoadStack open(RoadStack.Builder b) {
        try {
            return b.build();
        } catch (UncheckedIOException e) {
            throw bindFailure(e);
        }
    }

    /** The library's words for a socket that cannot be opened, with the options of the command line. */
    static RuntimeException bindFailure(UncheckedIOException e) {
        if (!(e.getCause() instanceof BindException) && !(e.getCause() instanceof java.net.UnknownHostException)) {
            return e;
        }
        return CliException.usage(String.valueOf(e.getMessage())
                .replace("choose another port, or port 0 for any free one",
                        "choose another --port, or --port 0 for any free one")
                .replace("bind to one of its addresses", "give --host one of its addresses"), e);
    }

    /** A key given in hex: 64 hex digits, or a usage error naming the option. */
    static String hexKey(String option, String value) {
        if (value.length() != 64 || !value.matches("[0-9a-fA-F]*")) {
            String why = value.length() != 64 ? value.length() + " characters" : "not all hex digits";
            throw CliException.usage(option + " must be a key of 64 hex digits (as raet keygen prints them), not '"
                    + (value.length() > 80 ? value.substring(0, 77) + "..." : value) + "' (" + why + ")");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }
}
