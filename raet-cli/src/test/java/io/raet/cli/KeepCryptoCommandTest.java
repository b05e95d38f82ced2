package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.LocalRoleData;
import io.raet.keep.PassphraseSource;
import io.raet.keep.RoadKeep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepCryptoCommandTest {
    @TempDir
    Path tmp;

    private Path passFile(String name, String passphrase) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, passphrase + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void encryptDecryptAndChangeThePassphraseFromTheCommandLine() throws Exception {
        Path keep = tmp.resolve("keep");
        LocalRoleData role = LocalRoleData.of("alpha", SigningKey.generate(), BoxKeyPair.generate());
        new RoadKeep(keep).dumpLocalRole(role);
        Path pass = passFile("pass", "first passphrase");

        CliRun enc = CliRun.run("keep", "encrypt", "--keep", keep.toString(), "--all", "--passphrase-file",
                pass.toString());
        assertThat(enc.code()).as(enc.err()).isZero();
        Map<String, Object> line = Json.parseObject(enc.out().strip());
        assertThat(line).containsEntry("event", "keep_sealed").containsEntry("scope", "all")
                .containsEntry("opslimit", 2).containsEntry("memlimit", 64 << 20);
        assertThat(Files.readString(keep.resolve("role/local/role.json"))).doesNotContain(role.sighex());

        CliRun wrong = CliRun.withInput("not it\n", "keep", "decrypt", "--keep", keep.toString(),
                "--passphrase-stdin");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("wrong passphrase: it does not unlock");

        // old on the first line of standard input, new on the second
        CliRun change = CliRun.withInput("first passphrase\nsecond passphrase\n", "keep", "passphrase", "--keep",
                keep.toString(), "--passphrase-stdin", "--new-passphrase-stdin");
        assertThat(change.code()).as(change.err()).isZero();
        assertThat(change.out()).contains("\"event\":\"keep_passphrase_changed\"");
        assertThat(new RoadKeep(keep, PassphraseSource.of("second passphrase".getBytes(), "t")).loadLocalRole())
                .contains(role);

        CliRun dec = CliRun.run("keep", "decrypt", "--keep", keep.toString(), "--passphrase-file",
                passFile("pass2", "second passphrase").toString());
        assertThat(dec.code()).as(dec.err()).isZero();
        assertThat(Json.parseObject(dec.out().strip())).containsEntry("scope", "plain");
        assertThat(new RoadKeep(keep).loadLocalRole()).contains(role);
    }

    @Test
    void thereIsNoWayToGiveThePassphraseOnTheCommandLine() {
        CliRun none = CliRun.run("keep", "encrypt", "--keep", tmp.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--passphrase-file, --passphrase-env, --passphrase-stdin or"
                + " --passphrase-credential");
        CliRun inline = CliRun.run("keep", "encrypt", "--keep", tmp.toString(), "--passphrase", "secret");
        assertThat(inline.code()).isEqualTo(2);
        assertThat(inline.err()).contains("Unknown option");
        CliRun two = CliRun.run("keep", "encrypt", "--keep", tmp.toString(), "--passphrase-env", "A",
                "--passphrase-stdin");
        assertThat(two.err()).contains("give one of");
        for (String group : new String[] {"keep", "policy"}) {
            CliRun alone = CliRun.run(group);
            assertThat(alone.code()).isEqualTo(2);
            assertThat(alone.err()).contains("a subcommand is required");
        }
    }
}
