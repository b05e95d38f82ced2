package io.raet.adversary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process from {@code /proc/<pid>/status}: {@code VmRSS} now and {@code VmHWM} (its peak). */
final class Memory {
    private Memory() {}

    /** The value in KiB of {@code field} ({@code VmRSS}, {@code VmHWM}) of process {@code pid}, or -1. */
    static long statusKb(long pid, String field) {
        try {
            return parseStatus(Files.readString(Path.of("/proc", Long.toString(pid), "status")), field);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value in KiB of {@code field} in the text of a {@code /proc/<pid>/status} file, or -1. */
    static long parseStatus(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String v = line.substring(field.length() + 1).trim();
                int sp = v.indexOf(' ');
                return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
            }
        }
        return -1;
    }

    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS");
    }

    static long peakKb(long pid) {
        return statusKb(pid, "VmHWM");
    }
}
