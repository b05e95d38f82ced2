package io.raet.keep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Checks on the files that hold keys: the local role file (secret keys) must be a regular file that only its owner
 * may read or write; remote role files (the keys and acceptance of peers) must be regular files. Symbolic links
 * are refused: a key file is replaced atomically by renaming over it, which a link would silently defeat, and a
 * link can point anywhere.
 */
final class KeyFiles {
    static final String SYMLINK = "is a symbolic link; keep files must be regular files: replace the link with"
            + " the file itself";
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFiles() {}

    /**
     * Refuses {@code file} when it is a symbolic link, or when {@code secret} and group or others have any access to
     * it. A missing file passes (the caller decides what a missing file means).
     *
     * @throws KeepException naming the file and the fix
     */
    static void check(Path file, boolean secret) {
        check(file, secret, "secret keys");
    }

    /** As {@link #check(Path, boolean)}, the message saying the file holds {@code holds}. */
    static void check(Path file, boolean secret, String holds) {
        if (Files.isSymbolicLink(file)) {
            throw new KeepException(file + " " + SYMLINK + (secret ? ", then run: chmod 600 " + file : ""));
        }
        if (!secret || !AtomicFiles.posix(file)) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new KeepException("cannot read the permissions of " + file + ": " + e, e);
        }
        if (perms.stream().anyMatch(SHARED::contains)) {
            throw new KeepException(file + " holds " + holds + " but is readable or writable by group or others (mode "
                    + PosixFilePermissions.toString(perms) + "); it must be private to its owner: run chmod 600 "
                    + file);
        }
    }
}
