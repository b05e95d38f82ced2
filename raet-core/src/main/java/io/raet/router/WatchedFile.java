package io.raet.router;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * A settings file a router reads at start and re-reads whenever its content changes (the policy file, the alias
 * file). A file that is being replaced (missing for a moment) or unreadable keeps what is in force; a new content
 * that does not parse is reported and the previous value stays. Write such files atomically (a temporary file,
 * then a rename). A file is read up to {@value #MAX_BYTES} bytes: a larger one is refused.
 *
 * @param <T> what the file holds
 */
final class WatchedFile<T> {
    /** Largest file read. */
    static final int MAX_BYTES = 1 << 20;

    /** A new content: its value, or why it was refused ({@code value} null). */
    record Change<T>(T value, String error) {}

    private final Path file;
    private final String what;
    private final Function<String, T> parse;
    private byte[] bytes;

    /**
     * @param what the file's role in messages ({@code "policy file"})
     * @param parse reads the text; an {@link IllegalArgumentException} says why it is not valid
     */
    WatchedFile(Path file, String what, Function<String, T> parse) {
        this.file = Objects.requireNonNull(file, "file");
        this.what = what;
        this.parse = parse;
    }

    Path file() {
        return file;
    }

    /**
     * Reads the file now.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable, too large or invalid
     */
    T load() {
        byte[] now;
        try {
            now = read();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e, e);
        }
        try {
            T value = parse.apply(new String(now, StandardCharsets.UTF_8));
            bytes = now;
            return value;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the file again: null when its content is what was last read (or it cannot be read now). */
    Change<T> poll() {
        byte[] now;
        try {
            now = read();
        } catch (NoSuchFileException e) {
            return null; // being replaced: keep what is in force
        } catch (IOException e) {
            if (bytes != null && e.getMessage() != null && e.getMessage().startsWith("larger than")) {
                bytes = null;
                return new Change<>(null, e.getMessage());
            }
            return null;
        }
        if (Arrays.equals(now, bytes)) {
            return null;
        }
        bytes = now;
        try {
            return new Change<>(parse.apply(new String(now, StandardCharsets.UTF_8)), null);
        } catch (IllegalArgumentException e) {
            return new Change<>(null, e.getMessage());
        }
    }

    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            if (b.length > MAX_BYTES) {
                throw new IOException("larger than " + MAX_BYTES + " bytes");
            }
            return b;
        }
    }
}
