package io.raet.adversary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The adversarial suite: every class of attack of issue 10 against live targets ({@code raet listen} processes, a
 * {@code raet router} process with yards, the Java API) while a legitimate peer measures its own rate; prints one
 * table row per attack and exits with 1 when any verdict is FAILED.
 *
 * <pre>
 * java -jar raet-adversary.jar [--quick] [--only key,key] [--list] [--keep-files]
 * </pre>
 */
public final class Adversary {
    /**
     * One attack of the suite; one that measures no rate ({@code measured} false) runs alongside the other such
     * attacks, after the measured ones, which run one at a time.
     */
    record Attack(String key, boolean measured, Runner runner) {}

    interface Runner {
        List<Row> run(Context c) throws Exception;
    }

    interface OneRow {
        Row run(Context c) throws Exception;
    }

    static Attack one(String key, OneRow r) {
        return new Attack(key, true, c -> List.of(r.run(c)));
    }

    static Attack unmeasured(String key, Runner r) {
        return new Attack(key, false, r);
    }

    static final List<Attack> ATTACKS = List.of(
            one("sc-max", SegmentAttacks::maxSegmentCount),
            one("amplify", SegmentAttacks::amplification),
            one("open-messages", SegmentAttacks::openMessages),
            one("unread-inbox", StateAttacks::neverReading),
            one("router-flood", c -> RouterAttacks.laneFlood(c, false)),
            one("router-flood-shared", c -> RouterAttacks.laneFlood(c, true)),
            one("joins-half-open", c -> JoinAttacks.flood(c, false)),
            one("joins-completed", c -> JoinAttacks.flood(c, true)),
            one("role-never", c -> IdentityAttacks.otherRole(c, "never")),
            one("role-once", c -> IdentityAttacks.otherRole(c, "once")),
            one("role-always", c -> IdentityAttacks.otherRole(c, "always")),
            one("copied-keys", IdentityAttacks::copiedKeys),
            unmeasured("own-name", c -> List.of(IdentityAttacks.ownName(c))),
            unmeasured("replay", c -> List.of(IdentityAttacks.forgedJoinReplay(c))),
            unmeasured("keep", KeepAttacks::restarts),
            unmeasured("allow-finishing", c -> List.of(AllowAttack.allowWhileFinishing(c))));

    private Adversary() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.full();
        Set<String> only = new LinkedHashSet<>();
        boolean keepFiles = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = Settings.quick();
                case "--full" -> settings = Settings.full();
                case "--keep-files" -> keepFiles = true;
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                case "--list" -> {
                    ATTACKS.forEach(a -> System.out.println(a.key()));
                    return;
                }
                case "-h", "--help" -> {
                    System.out.println("usage: adversary [--quick|--full] [--only key,key] [--list] [--keep-files]");
                    return;
                }
                default -> {
                    System.err.println("adversary: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        for (String k : only) {
            if (ATTACKS.stream().noneMatch(a -> a.key().equals(k))) {
                System.err.println("adversary: no attack '" + k + "' (see --list)");
                System.exit(2);
            }
        }
        Path work = Files.createTempDirectory("raet-adversary-");
        Context c = new Context(settings, work);
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        warmUp(c);
        try {
            List<Attack> chosen = ATTACKS.stream().filter(a -> only.isEmpty() || only.contains(a.key())).toList();
            Map<Attack, java.util.concurrent.Future<List<Row>>> alongside = new java.util.LinkedHashMap<>();
            for (Attack a : chosen) {
                if (!a.measured()) {
                    continue;
                }
                long t = System.nanoTime();
                List<Row> done = attempt(a, c);
                if (done.size() == 1 && done.getFirst().failedOnRatesOnly()) {
                    // Rates alone can fail on a busy machine: the verdict stands only when a second run agrees.
                    Row first = done.getFirst();
                    done = attempt(a, c);
                    for (String f : first.failures) {
                        done.getFirst().note("first run: " + f);
                    }
                }
                rows.addAll(done);
                progress(done, t);
            }
            long t = System.nanoTime();
            try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
                    .newVirtualThreadPerTaskExecutor()) {
                for (Attack a : chosen) {
                    if (!a.measured()) {
                        alongside.put(a, pool.submit(() -> attempt(a, c)));
                    }
                }
                for (java.util.concurrent.Future<List<Row>> f : alongside.values()) {
                    List<Row> done = f.get();
                    rows.addAll(done);
                    progress(done, t);
                }
            }
        } finally {
            if (!keepFiles) {
                delete(work);
            } else {
                System.err.println("adversary: files kept in " + work);
            }
        }
        print(System.out, settings, rows, (System.nanoTime() - t0) / 1e9);
        System.exit(rows.stream().allMatch(Row::held) ? 0 : 1);
    }

    private static void progress(List<Row> done, long since) {
        for (Row row : done) {
            System.err.printf("adversary: %-50s %-6s (%.1f s)%n", row.attack, row.verdict(),
                    (System.nanoTime() - since) / 1e9);
        }
    }

    private static List<Row> attempt(Attack a, Context c) {
        try {
            return a.runner().run(c);
        } catch (Exception | AssertionError e) {
            String at = java.util.Arrays.stream(e.getStackTrace())
                    .filter(f -> f.getClassName().startsWith(Adversary.class.getPackageName()))
                    .findFirst().map(f -> " at " + f.getFileName() + ":" + f.getLineNumber()).orElse("");
            return List.of(new Row(a.key(), "?").fail("the attack could not run: " + e + at));
        }
    }

    /**
     * Runs the suite's own stacks (road and lane) for a while, so that its first measurements do not pay for its JIT
     * compiler.
     */
    static void warmUp(Context c) throws Exception {
        Path lane = c.dir("warm-lane");
        try (io.raet.router.Router r = io.raet.router.Router.start(io.raet.router.RouterConfig.builder("warm")
                .port(0).laneDir(lane).build());
                io.raet.router.Yard svc = io.raet.router.Yard.builder("svc").dir(lane).build();
                io.raet.router.Yard asker = io.raet.router.Yard.builder("asker").dir(lane).build()) {
            svc.serve("jobs", d -> d);
            io.raet.route.Address to = io.raet.route.Address.of("", "svc", "jobs");
            try (Meter m = new Meter("warm-lane", c.settings.window(), n -> asker.request(to, n))) {
                Meter.sleep(Duration.ofSeconds(2));
            }
        }
        try (io.raet.road.RoadStack a = Context.estate("warm-a", "warm").main(true).build();
                io.raet.road.RoadStack b = Context.estate("warm-b", "warm").build()) {
            String remote = Context.connect(b, a.address());
            Thread drain = Context.drain(a);
            try (Meter m = c.meter(b, remote, "warm")) {
                Meter.sleep(Duration.ofSeconds(2));
            }
            drain.interrupt();
        }
    }

    static void print(PrintStream out, Settings s, List<Row> rows, double seconds) {
        out.printf("%nadversarial suite (%s run, %.0f s): legit = the legitimate peer's msgs/s; RSS in MiB%n%n",
                s.name(), seconds);
        out.println("| attack | target | counters | legit before / during / after | RSS before / peak / after "
                + "| verdict |");
        out.println("|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.printf("| %s | %s | %s | %s / %s / %s | %s / %s / %s | %s |%n", r.attack, r.target,
                    r.counters.replace("|", "/"), Row.rate(r.before), Row.rate(r.during), Row.rate(r.after),
                    Row.mib(r.rssBeforeKb), Row.mib(r.rssPeakKb), Row.mib(r.rssAfterKb), r.verdict());
        }
        boolean any = false;
        for (Row r : rows) {
            if (!r.failures.isEmpty() || !r.notes.isEmpty()) {
                if (!any) {
                    out.println();
                    any = true;
                }
                out.println(r.attack + ": " + r.verdict());
                r.failures.forEach(f -> out.println("    - " + f));
                r.notes.forEach(n -> out.println("    . " + n));
            }
        }
        long failed = rows.stream().filter(r -> !r.held()).count();
        out.printf("%n%d of %d held%n", rows.size() - failed, rows.size());
    }

    static void delete(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("adversary: could not remove " + dir + ": " + e);
        }
    }
}
