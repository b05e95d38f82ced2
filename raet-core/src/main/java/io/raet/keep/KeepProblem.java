package io.raet.keep;

import java.nio.file.Path;

/**
 * A keep file that was skipped while loading.
 *
 * @param file    the file as found
 * @param reason  why it was skipped
 * @param movedTo where the file was moved aside ({@code <file>.corrupt}), or null if it was left in place
 */
public record KeepProblem(Path file, String reason, Path movedTo) {
    /**
     * Checks that the file and the reason are not null.
     *
     * @throws KeepException when one is
     */
    public KeepProblem {
        Checks.notNull("file", file);
        Checks.notNull("reason", reason);
    }

    @Override
    public String toString() {
        return file + ": " + reason + (movedTo != null ? " (moved to " + movedTo.getFileName() + ")" : "");
    }
}
