package io.raet.keep;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/** The {@link PassphraseSource} implementations. */
final class Passphrases {
    private Passphrases() {}

    /** Checks a passphrase read from {@code source} and returns it without one trailing line end. */
    static byte[] finish(byte[] raw, int len, boolean stripLineEnd, PassphraseSource source) {
        int n = len;
        if (stripLineEnd && n > 0 && raw[n - 1] == '\n') {
            n--;
            if (n > 0 && raw[n - 1] == '\r') {
                n--;
            }
        }
        if (n > KeepLock.MAX_PASSPHRASE_BYTES) {
            Arrays.fill(raw, (byte) 0);
            throw new KeepException("the passphrase from " + source.description() + " is longer than "
                    + KeepLock.MAX_PASSPHRASE_BYTES + " bytes");
        }
        if (n == 0) {
            Arrays.fill(raw, (byte) 0);
            throw new KeepException("the passphrase from " + source.description() + " is empty");
        }
        byte[] out = Arrays.copyOf(raw, n);
        Arrays.fill(raw, (byte) 0);
        return out;
    }

    /** A whole small file: at most the longest passphrase and a line end. */
    static byte[] readFile(Path file, PassphraseSource source) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeepException("cannot read the passphrase from " + source.description() + ": "
                    + (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "not a regular file" : "no such file"));
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] raw = in.readNBytes(KeepLock.MAX_PASSPHRASE_BYTES + 3);
            if (raw.length > KeepLock.MAX_PASSPHRASE_BYTES + 2) {
                Arrays.fill(raw, (byte) 0);
                throw new KeepException("the passphrase from " + source.description() + " is longer than "
                        + KeepLock.MAX_PASSPHRASE_BYTES + " bytes");
            }
            return finish(raw, raw.length, true, source);
        } catch (IOException e) {
            throw new KeepException("cannot read the passphrase from " + source.description() + ": " + e, e);
        }
    }

    record FileSource(Path file) implements PassphraseSource {
        FileSource {
            Checks.notNull("passphrase file", file);
        }

        @Override
        public byte[] read() {
            KeyFiles.check(file, true, "a passphrase");
            return readFile(file, this);
        }

        @Override
        public String description() {
            return "file " + file;
        }
    }

    record EnvironmentSource(String variable, Function<String, String> env) implements PassphraseSource {
        EnvironmentSource {
            Checks.text("environment variable name", variable);
            Checks.notNull("environment", env);
        }

        @Override
        public byte[] read() {
            String value = env.apply(variable);
            if (value == null) {
                throw new KeepException("cannot read the passphrase from " + description() + ": it is not set");
            }
            byte[] raw = value.getBytes(StandardCharsets.UTF_8);
            return finish(raw, raw.length, false, this);
        }

        @Override
        public String description() {
            return "environment variable " + variable;
        }
    }

    record CredentialSource(String name, Function<String, String> env) implements PassphraseSource {
        CredentialSource {
            Checks.text("credential name", name);
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                throw new KeepException("credential name must be a plain file name, not " + KeepNames.quote(name));
            }
            Checks.notNull("environment", env);
        }

        @Override
        public byte[] read() {
            String dir = env.apply("CREDENTIALS_DIRECTORY");
            if (dir == null || dir.isEmpty()) {
                throw new KeepException("cannot read the passphrase from " + description()
                        + ": CREDENTIALS_DIRECTORY is not set (start the service with LoadCredential=" + name
                        + ":<file>, or use another passphrase source)");
            }
            return readFile(Path.of(dir, name), this);
        }

        @Override
        public String description() {
            return "systemd credential " + name;
        }
    }

    record StreamSource(InputStream in, String description) implements PassphraseSource {
        StreamSource {
            Checks.notNull("input stream", in);
            Checks.notNull("description", description);
        }

        @Override
        public byte[] read() {
            return readLine(in, this);
        }
    }

    static byte[] readLine(InputStream in, PassphraseSource source) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        try {
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
                if (line.size() > KeepLock.MAX_PASSPHRASE_BYTES + 2) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new KeepException("cannot read the passphrase from " + source.description() + ": " + e, e);
        }
        byte[] raw = line.toByteArray();
        line.reset();
        return finish(raw, raw.length, true, source);
    }

    record StdinSource() implements PassphraseSource {
        @Override
        public byte[] read() {
            Console console = System.console();
            if (console != null && console.isTerminal()) {
                char[] chars = console.readPassword("keep passphrase: ");
                if (chars == null) {
                    throw new KeepException("cannot read the passphrase from " + description() + ": end of input");
                }
                try {
                    ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(chars));
                    byte[] raw = new byte[bytes.remaining()];
                    bytes.get(raw);
                    if (bytes.hasArray()) {
                        Arrays.fill(bytes.array(), (byte) 0);
                    }
                    return finish(raw, raw.length, false, this);
                } catch (CharacterCodingException e) {
                    throw new KeepException("cannot read the passphrase from " + description() + ": " + e, e);
                } finally {
                    Arrays.fill(chars, '\0');
                }
            }
            return readLine(System.in, this);
        }

        @Override
        public String description() {
            return "standard input";
        }
    }

    record FixedSource(byte[] passphrase, String description) implements PassphraseSource {
        @Override
        public byte[] read() {
            return finish(passphrase.clone(), passphrase.length, false, this);
        }

        @Override
        public String toString() {
            return "FixedSource[" + description + "]";
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
