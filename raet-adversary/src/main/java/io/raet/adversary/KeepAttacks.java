package io.raet.adversary;

import io.raet.road.RoadStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keep (issue 10, finding 6): a target restarted with its local role file deleted while remote data is present,
 * with its key file readable by others, and with its key file a symbolic link. Each must refuse to start with a
 * clear message instead of starting with a new identity or with keys others can read or swap.
 */
final class KeepAttacks {
    enum Damage { DELETED, READABLE, SYMLINK }

    static final String KEY_FILE = "role/local/role.json";

    private KeepAttacks() {}

    /** One keep with a remote in it (a target that a peer joined), then one restart per kind of damage. */
    static List<Row> restarts(Context c) throws Exception {
        Path dir = c.dir("keep");
        Path keep = dir.resolve("keep");
        String verhex;
        try (ChildProcess first = c.listen(dir, "once", keep, false, 0);
                RoadStack legit = Context.estate("legit", "legit").build()) {
            String remote = Context.connect(legit, Context.address(first));
            legit.send(remote, Map.of("id", "before-restart")).get(5, TimeUnit.SECONDS);
            verhex = (String) first.ready().get("verhex");
            first.stop();
        }
        List<Row> rows = new java.util.ArrayList<>();
        for (Damage d : Damage.values()) {
            Path copy = dir.resolve("keep-" + d.name().toLowerCase(java.util.Locale.ROOT));
            copyTree(keep, copy);
            rows.add(restart(c, dir, copy, verhex, d));
        }
        return rows;
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                Files.copy(p, q, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static Row restart(Context c, Path dir, Path keep, String verhex, Damage damage) throws Exception {
        Row row = new Row(switch (damage) {
            case DELETED -> "6 local role file deleted, remotes kept";
            case READABLE -> "6 key file readable by group and others";
            case SYMLINK -> "6 key file is a symbolic link";
        }, "listen --keep");
        Path key = keep.resolve(KEY_FILE);
        switch (damage) {
            case DELETED -> Files.delete(key);
            case READABLE -> Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
            case SYMLINK -> {
                Path elsewhere = dir.resolve("elsewhere-role.json");
                Files.move(key, elsewhere);
                Files.createSymbolicLink(key, elsewhere);
            }
        }
        ChildProcess again = ChildProcess.raet("listen-again", dir, c.settings.heapMb(), List.of("listen", "--name",
                "target", "--port", "0", "--keep", keep.toString()));
        try {
            Integer exit = null;
            long end = System.nanoTime() + Context.START.toNanos();
            while (again.ready() == null && exit == null && System.nanoTime() < end) {
                exit = again.exit(Duration.ofMillis(50));
            }
            if (again.ready() != null) {
                String now = (String) again.ready().get("verhex");
                boolean changed = !now.equals(verhex);
                row.counters("started" + (changed ? " with a new identity" : " with the same identity")
                        + (damage == Damage.DELETED && Files.exists(key) ? ", role file written back" : ""));
                row.fail("the target started instead of refusing" + (changed ? " (new verhex " + now.substring(0, 8)
                        + "… replaces " + verhex.substring(0, 8) + "…)" : ""));
            } else if (exit == null) {
                row.counters("neither ready nor ended");
                row.fail("the target neither started nor refused within " + Context.START.toSeconds() + " s");
            } else {
                String why = again.stderrTail(300).replace('\n', ' ');
                row.counters("refused, exit " + exit + ": " + why);
                if (exit == 0) {
                    row.fail("the target ended with status 0 instead of refusing");
                }
                if (why.isBlank()) {
                    row.fail("the target refused without a message");
                }
            }
        } finally {
            again.close();
        }
        return row;
    }
}
