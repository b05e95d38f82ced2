package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseSourceTest {
    @TempDir
    Path dir;

    private static String read(PassphraseSource s) {
        return new String(s.read(), StandardCharsets.UTF_8);
    }

    private Path privateFile(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        return f;
    }

    @Test
    void aFileGivesItsContentLessOneLineEnd() throws IOException {
        assertThat(read(PassphraseSource.file(privateFile("p1", "sésame ouvre-toi\n")))).isEqualTo("sésame ouvre-toi");
        assertThat(read(PassphraseSource.file(privateFile("p2", "two\r\n")))).isEqualTo("two");
        assertThat(read(PassphraseSource.file(privateFile("p3", "no line end")))).isEqualTo("no line end");
        assertThat(read(PassphraseSource.file(privateFile("p4", " spaces count \n\n")))).isEqualTo(" spaces count \n");
    }

    @Test
    void aFileOthersCanReadAMissingOneOrAnEmptyOneIsRefused() throws IOException {
        Path shared = privateFile("shared", "secret\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PassphraseSource.file(shared).read()).isInstanceOf(KeepException.class)
                .hasMessageContaining("holds a passphrase but is readable or writable by group or others")
                .hasMessageContaining("chmod 600");
        assertThatThrownBy(() -> PassphraseSource.file(dir.resolve("none")).read())
                .hasMessage("cannot read the passphrase from file " + dir.resolve("none") + ": no such file");
        assertThatThrownBy(() -> PassphraseSource.file(privateFile("empty", "\n")).read())
                .hasMessage("the passphrase from file " + dir.resolve("empty") + " is empty");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, privateFile("target", "x"));
        assertThatThrownBy(() -> PassphraseSource.file(link).read()).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> PassphraseSource.file(privateFile("long", "x".repeat(5000))).read())
                .hasMessageContaining("longer than 4096 bytes");
    }

    @Test
    void theEnvironmentGivesTheVariableAsItIs() {
        var env = PassphraseSource.env(Map.of("RAET_KEEP_PASSPHRASE", "from the env\n"));
        assertThat(read(PassphraseSource.environment("RAET_KEEP_PASSPHRASE", env))).isEqualTo("from the env\n");
        assertThatThrownBy(() -> PassphraseSource.environment("UNSET", env).read())
                .hasMessage("cannot read the passphrase from environment variable UNSET: it is not set");
        assertThatThrownBy(() -> PassphraseSource.environment("E", PassphraseSource.env(Map.of("E", ""))).read())
                .hasMessageContaining("is empty");
    }

    @Test
    void aSystemdCredentialIsReadFromTheCredentialsDirectory() throws IOException {
        privateFile("raet-keep", "from systemd\n");
        var env = PassphraseSource.env(Map.of("CREDENTIALS_DIRECTORY", dir.toString()));
        PassphraseSource cred = PassphraseSource.credential("raet-keep", env);
        assertThat(cred.description()).isEqualTo("systemd credential raet-keep");
        assertThat(read(cred)).isEqualTo("from systemd");
        assertThatThrownBy(() -> PassphraseSource.credential("raet-keep", PassphraseSource.env(Map.of())).read())
                .hasMessageContaining("CREDENTIALS_DIRECTORY is not set").hasMessageContaining("LoadCredential=");
        assertThatThrownBy(() -> PassphraseSource.credential("../etc/passwd", env))
                .hasMessageContaining("plain file name");
        assertThatThrownBy(() -> PassphraseSource.credential("absent", env).read()).hasMessageContaining("no such file");
    }

    @Test
    void severalStreamSourcesReadConsecutiveLines() throws IOException {
        InputStream in = new ByteArrayInputStream("old one\r\nnew one\n".getBytes(StandardCharsets.UTF_8));
        PassphraseSource first = PassphraseSource.stream(in, "standard input");
        PassphraseSource second = PassphraseSource.stream(in, "standard input");
        assertThat(read(first)).isEqualTo("old one");
        assertThat(read(second)).isEqualTo("new one");
        assertThatThrownBy(second::read).hasMessage("the passphrase from standard input is empty");
        InputStream flood = new ByteArrayInputStream(new byte[1 << 20]);
        assertThatThrownBy(() -> PassphraseSource.stream(flood, "standard input").read())
                .hasMessageContaining("longer than 4096");
        assertThat(flood.available()).isGreaterThan(1000_000); // stopped reading at the bound
    }

    @Test
    void aHeldPassphraseIsCopiedAndNeverShown() {
        byte[] held = "open sesame".getBytes(StandardCharsets.UTF_8);
        PassphraseSource s = PassphraseSource.of(held, "the vault");
        java.util.Arrays.fill(held, (byte) 0);
        assertThat(read(s)).isEqualTo("open sesame");
        assertThat(s.toString()).isEqualTo("FixedSource[the vault]");
    }
}
