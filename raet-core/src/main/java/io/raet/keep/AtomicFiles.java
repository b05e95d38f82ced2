package io.raet.keep;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Durable file operations: write to a temp file in the target's directory, fsync, atomic rename, fsync the
 * directory. Temp files are named {@code .<target name>.<16 hex>.tmp}. Public for the other stores that need the
 * same guarantees (the policy chain and the governors' vote ledgers of {@code io.raet.trust}).
 */
public final class AtomicFiles {
    static final String TEMP_SUFFIX = ".tmp";
    static final String CORRUPT_SUFFIX = ".corrupt";
    /** Largest keep file read; real files are a few hundred bytes. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    static boolean isTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
    }

    static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} and missing parents with mode 0700 (existing directories are left as they are).
     *
     * @param dir the directory
     * @throws IOException when a directory cannot be created
     */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Replaces {@code target} with {@code data} atomically and durably; the file gets mode 0600.
     *
     * @param target the file replaced
     * @param data its new content
     * @throws IOException when writing, syncing or renaming fails
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, data, null);
    }

    /**
     * Replaces {@code target} with {@code data} atomically and durably; the file gets mode 0600. {@code beforeRename}
     * (may be null) sees the fsynced temp file just before the rename.
     */
    static void write(Path target, byte[] data, Consumer<Path> beforeRename) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        byte[] rnd = new byte[8];
        RANDOM.nextBytes(rnd);
        Path tmp = dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(rnd) + TEMP_SUFFIX);
        boolean renamed = false;
        try {
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileAttribute<?>[] attrs = posix(dir)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMS)}
                    : new FileAttribute<?>[0];
            try (FileChannel ch = FileChannel.open(tmp, options, attrs)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (beforeRename != null) {
                beforeRename.accept(tmp);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
            syncDirectory(dir);
        } finally {
            if (!renamed) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Deletes {@code file} durably; returns whether it existed. */
    static boolean delete(Path file) throws IOException {
        boolean existed = Files.deleteIfExists(file);
        if (existed) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
        return existed;
    }

    /** Moves {@code file} aside to {@code <file>.corrupt} (or {@code .corrupt.N} if taken); returns the new path. */
    static Path moveAside(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String base = file.getFileName() + CORRUPT_SUFFIX;
        Path dest = dir.resolve(base);
        for (int n = 1; Files.exists(dest, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            dest = dir.resolve(base + "." + n);
        }
        Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        return dest;
    }

    /** Reads a keep file; null if it does not exist. */
    static byte[] read(Path file) throws IOException {
        return read(file, MAX_FILE_BYTES);
    }

    /**
     * Reads a file of at most {@code maxBytes} (a larger one is an {@link IOException}); null if it does not exist.
     *
     * @param file the file
     * @param maxBytes the largest size read
     * @return its content, or null
     * @throws IOException when it cannot be read or is larger
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > maxBytes) {
                throw new IOException("file is " + size + " bytes, more than " + maxBytes);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            buf.flip();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (posix(dir)) {
                throw e;
            }
            // file systems without POSIX semantics may refuse to open a directory; nothing more can be done there
        }
    }
}
