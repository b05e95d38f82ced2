package io.raet.adversary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a target's keep holds, read from outside: file counts and sizes, and remote estate files. */
final class KeepFiles {
    private KeepFiles() {}

    /** Regular files under {@code keep} (temp files included: they are on disk too). */
    static long count(Path keep) throws IOException {
        if (!Files.isDirectory(keep)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(keep)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** Bytes in the regular files under {@code keep}. */
    static long bytes(Path keep) throws IOException {
        if (!Files.isDirectory(keep)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(keep)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    /** The JSON object in {@code keep/rel}, or an empty map when the file is missing or unreadable. */
    static Map<String, Object> read(Path keep, String rel) {
        Path f = keep.resolve(rel);
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = ChildProcess.JSON.readValue(Files.readAllBytes(f), Map.class);
            return new TreeMap<>(m);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The fields of a remote estate file that only an accepted join of that remote may change. */
    static Map<String, Object> identity(Path keep, String name) {
        Map<String, Object> m = new TreeMap<>(read(keep, "remote/estate." + name + ".json"));
        m.keySet().retainAll(java.util.Set.of("name", "role", "ha", "fuid", "main", "kind"));
        Map<String, Object> role = read(keep, "role/remote/role." + m.getOrDefault("role", "") + ".json");
        if (role.get("verhex") != null) {
            m.put("verhex", role.get("verhex"));
        }
        return m;
    }
}
