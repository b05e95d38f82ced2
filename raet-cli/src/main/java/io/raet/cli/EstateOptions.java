package io.raet.cli;

import io.raet.codec.BodyKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.RoadStack;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that run an estate. */
final class EstateOptions {
    @Option(names = "--name", description = "estate name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "UDP port, 0 for any free port")
    int port;

    @Option(names = "--keep", description = "keep directory: keys and remotes persist there")
    Path keep;

    @Option(names = "--auto", defaultValue = "once", description = "key acceptance: never, once, always")
    String auto;

    @Option(names = "--msgpack", description = "send msgpack bodies instead of JSON")
    boolean msgpack;

    @Option(names = "--sighex", description = "Ed25519 seed (64 hex); generated when absent")
    String sighex;

    @Option(names = "--prihex", description = "Curve25519 secret (64 hex); generated when absent")
    String prihex;

    @Option(names = "--new-identity", description = "start with a new identity when the keep holds remotes but"
            + " lost the local one (role/local/role.json or local/estate.json); refused otherwise")
    boolean newIdentity;

    RoadStack.Builder builder(String defaultName, boolean main) {
        AutoMode mode = switch (auto.toLowerCase(java.util.Locale.ROOT)) {
            case "never" -> AutoMode.NEVER;
            case "once" -> AutoMode.ONCE;
            case "always" -> AutoMode.ALWAYS;
            default -> throw new IllegalArgumentException("--auto must be never, once or always, not " + auto);
        };
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, not " + port);
        }
        RoadStack.Builder b = RoadStack.builder().name(name != null ? name : defaultName).main(main).host(host)
                .port(port).auto(mode).bodyKind(msgpack ? BodyKind.MSGPACK : BodyKind.JSON);
        if (keep != null) {
            b.keep(keep);
        }
        b.newIdentity(newIdentity);
        if (sighex != null || prihex != null) {
            if (sighex == null || prihex == null) {
                throw new IllegalArgumentException("--sighex and --prihex go together");
            }
            b.keys(SigningKey.fromHex(sighex), BoxKeyPair.fromHex(prihex));
        }
        return b;
    }
}
