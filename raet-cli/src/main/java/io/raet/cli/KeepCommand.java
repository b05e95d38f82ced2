package io.raet.cli;

import io.raet.keep.Acceptance;
import io.raet.keep.HostPort;
import io.raet.keep.KeepOperator;
import io.raet.keep.KeepProblem;
import io.raet.keep.LocalEstateData;
import io.raet.keep.RemoteEstateData;
import io.raet.keep.RemoteRoleData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raet keep list|show|accept|reject|prune}: an operator's look at and changes to an estate's keep. */
@Command(name = "keep", mixinStandardHelpOptions = true,
        description = {"Look at and change the keep of an estate (the directory it runs with --keep), one JSON"
                + " line per item. Private keys are printed only by `show --secrets`.",
            "An estate running on the keep reads a role's acceptance at the next join: `accept` lets a waiting"
                    + " joiner (a join_pending event) in at its next try."},
        subcommands = {KeepCommand.ListKeep.class, KeepCommand.Show.class, KeepCommand.Accept.class,
            KeepCommand.Reject.class, KeepCommand.Prune.class})
final class KeepCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: list, show, accept, reject or prune");
    }

    /** {@code --keep DIR}, opened only when it is an existing keep. */
    static final class KeepDir {
        @Option(names = "--keep", required = true, paramLabel = "DIR",
                description = "the estate's keep directory (required)")
        Path dir;

        KeepOperator open() {
            // Problems with keep files are printed by the command, not logged a second time.
            System.setProperty("RAET_LOG_KEEP", "ERROR");
            return KeepOperator.open(dir);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The local identity (public keys), every remote (role, address, acceptance, when its"
                    + " file was last written), every role and every file that could not be read.")
    static final class ListKeep implements Callable<Integer> {
        @Mixin
        KeepDir keep;

        @Override
        public Integer call() {
            KeepOperator op = keep.open();
            KeepOperator.Local local = op.local();
            if (local.estate() != null || local.role() != null) {
                Json.line(System.out, local(local, false));
            }
            KeepOperator.Listing l = op.list();
            for (KeepOperator.RemoteEntry r : l.remotes()) {
                Json.line(System.out, remote(r, false));
            }
            for (RemoteRoleData r : l.roles().values().stream().sorted(
                    java.util.Comparator.comparing(RemoteRoleData::role)).toList()) {
                long n = l.remotes().stream().filter(e -> e.estate().role().equals(r.role())).count();
                Map<String, Object> m = role(r);
                m.put("remotes", n);
                Json.line(System.out, m);
            }
            for (KeepProblem p : l.problems()) {
                Json.line(System.out, Json.obj("kind", "problem", "file", p.file().toString(), "reason", p.reason(),
                        "moved_to", p.movedTo() == null ? null : p.movedTo().toString()));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One remote estate with its role's keys and acceptance; without NAME the local identity"
                    + " (its private keys only with --secrets); with --role one role.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeepDir keep;

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "a remote estate's name (default: the local"
                + " identity)")
        String name;

        @Option(names = "--role", description = "show this role instead of an estate (default: none)")
        String role;

        @Option(names = "--secrets", description = "print the local private keys too (sighex, prihex)"
                + " (default: public keys only)")
        boolean secrets;

        @Override
        public Integer call() {
            KeepOperator op = keep.open();
            if (role != null) {
                if (name != null) {
                    throw CliException.usage("give a NAME or --role, not both");
                }
                RemoteRoleData r = op.role(role).orElseThrow(() -> CliException.usage("the keep " + keep.dir
                        + " has no role '" + role + "' (raet keep list shows the roles)"));
                Json.line(System.out, role(r));
            } else if (name != null) {
                KeepOperator.RemoteEntry r = op.remote(name).orElseThrow(() -> CliException.usage("the keep "
                        + keep.dir + " has no remote '" + name + "' (raet keep list shows the remotes)"));
                Json.line(System.out, remote(r, true));
            } else {
                KeepOperator.Local local = op.local();
                if (local.estate() == null && local.role() == null) {
                    throw CliException.usage("the keep " + keep.dir + " has no local identity yet: an estate"
                            + " writes it when it first runs with --keep");
                }
                Json.line(System.out, local(local, secrets));
            }
            return 0;
        }
    }

    /** {@code ROLE [--verhex H --pubhex H]} of accept and reject. */
    static final class RoleKeys {
        @Parameters(index = "0", paramLabel = "ROLE", description = "the role (a join_pending event names it)")
        String role;

        @Option(names = "--verhex", description = "the role's verify key, 64 hex digits (default: the keys on"
                + " file)")
        String verhex;

        @Option(names = "--pubhex", description = "the role's public encryption key, 64 hex digits (default: the"
                + " keys on file)")
        String pubhex;

        void check() {
            if (verhex != null) {
                verhex = EstateOptions.hexKey("--verhex", verhex);
            }
            if (pubhex != null) {
                pubhex = EstateOptions.hexKey("--pubhex", pubhex);
            }
            if ((verhex == null) != (pubhex == null)) {
                throw CliException.usage("--verhex and --pubhex go together: give both, or neither to use the keys"
                        + " on file");
            }
        }
    }

    /** Accept or reject: {@code ROLE [--verhex H --pubhex H] --keep DIR}, prints the role as it is now. */
    abstract static class RoleDecision implements Callable<Integer> {
        @Mixin
        KeepDir keep;

        @Mixin
        RoleKeys keys;

        abstract RemoteRoleData decide(KeepOperator op, String role, String verhex, String pubhex);

        @Override
        public Integer call() {
            keys.check();
            Json.line(System.out, role(decide(keep.open(), keys.role, keys.verhex, keys.pubhex)));
            return 0;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = "Accept a role: with --verhex/--pubhex exactly those keys (also ahead of the first join,"
                    + " or replacing other keys), else the keys on file.")
    static final class Accept extends RoleDecision {
        @Override
        RemoteRoleData decide(KeepOperator op, String role, String verhex, String pubhex) {
            return op.accept(role, verhex, pubhex);
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a role: with --verhex/--pubhex those keys (also ahead of the first join), else the"
                    + " keys on file. The role file stays, so the rejection holds.")
    static final class Reject extends RoleDecision {
        @Override
        RemoteRoleData decide(KeepOperator op, String role, String verhex, String pubhex) {
            return op.reject(role, verhex, pubhex);
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Remove remote estates: those whose file was not written for --unseen-for (it is written"
                    + " when the remote joins), and with --rejected those whose role is rejected. Role files stay.",
                "Run it while the estate is stopped: a running one writes back the remotes it holds."})
    static final class Prune implements Callable<Integer> {
        @Mixin
        KeepDir keep;

        @Option(names = "--unseen-for", paramLabel = "AGE",
                description = "remove remotes whose file is older than this: 30d, 12h, 90m, 45s or ISO-8601 (PT1H)"
                        + " (default: no age limit)")
        String unseenFor;

        @Option(names = "--rejected", description = "remove remotes whose role is rejected (default: keep them)")
        boolean rejected;

        @Option(names = "--dry-run", description = "only print what would be removed (default: remove)")
        boolean dryRun;

        @Override
        public Integer call() {
            Duration age = unseenFor == null ? null : duration("--unseen-for", unseenFor);
            if (age == null && !rejected) {
                throw CliException.usage("say what to prune: --unseen-for AGE, --rejected, or both");
            }
            List<KeepOperator.RemoteEntry> gone = keep.open().prune(age, rejected, dryRun, Instant.now());
            for (KeepOperator.RemoteEntry r : gone) {
                Map<String, Object> m = remote(r, false);
                m.put("kind", dryRun ? "would_prune" : "pruned");
                Json.line(System.out, m);
            }
            Json.line(System.out, Json.obj("kind", "prune", "removed", dryRun ? 0 : gone.size(), "dry_run", dryRun));
            return 0;
        }
    }

    private static final Pattern AGE = Pattern.compile("(\\d+)([smhdw])");

    /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 2w}, or ISO-8601 ({@code PT1H}); positive. */
    static Duration duration(String option, String s) {
        Matcher m = AGE.matcher(s.strip().toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                d = Duration.parse(s.strip());
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw CliException.usage(option + " must be a positive age such as 30d, 12h, 90m or 45s, not '" + s + "'");
        }
        return d;
    }

    static Map<String, Object> local(KeepOperator.Local l, boolean secrets) {
        LocalEstateData e = l.estate();
        Map<String, Object> m = Json.obj("kind", "local", "name", e == null ? null : e.name(), "role",
                l.role() != null ? l.role().role() : e.role(), "address", e == null ? null : address(e.ha()),
                "verhex", l.verhex(), "pubhex", l.pubhex());
        if (secrets && l.role() != null) {
            m.put("sighex", l.role().sighex());
            m.put("prihex", l.role().prihex());
        }
        return m;
    }

    static Map<String, Object> remote(KeepOperator.RemoteEntry r, boolean keys) {
        RemoteEstateData e = r.estate();
        Map<String, Object> m = Json.obj("kind", "remote", "name", e.name(), "role", e.role(), "address",
                address(e.ha()), "acceptance", acceptance(r.acceptance()), "joined", e.joined(), "main", e.main(),
                "written", r.written() == null ? null : r.written().toString());
        if (keys && r.role() != null) {
            m.put("verhex", r.role().verhex());
            m.put("pubhex", r.role().pubhex());
        }
        return m;
    }

    static Map<String, Object> role(RemoteRoleData r) {
        return Json.obj("kind", "role", "role", r.role(), "acceptance", acceptance(r.acceptance()), "verhex",
                r.verhex(), "pubhex", r.pubhex());
    }

    private static String acceptance(Acceptance a) {
        return a == null ? null : a.name().toLowerCase(Locale.ROOT);
    }

    private static String address(HostPort h) {
        return h == null ? null : h.host() + ":" + h.port();
    }
}
