package io.raet.cli;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.LocalRoleData;
import io.raet.keep.RoadKeep;
import io.raet.route.Address;
import io.raet.route.FlowException;
import io.raet.route.Policy;
import io.raet.router.Yard;
import io.raet.trust.ChainFiles;
import io.raet.trust.Genesis;
import io.raet.trust.Governor;
import io.raet.trust.GovernorKey;
import io.raet.trust.KeyAcceptance;
import io.raet.trust.PolicyChain;
import io.raet.trust.PolicyVersion;
import io.raet.trust.SignedVersion;
import io.raet.trust.TrustMessage;
import io.raet.trust.TrustPlane;
import io.raet.trust.Verdict;
import io.raet.trust.VoteLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raet policy}: the governed policy on files (docs/security.md). Governors make a key ({@code keygen}), the
 * genesis names them ({@code genesis}); a proposal is written from a policy table and the current chain
 * ({@code propose}), each governor adds its signature ({@code sign}, one per version, recorded in its vote ledger),
 * and a chain takes it once it carries the threshold ({@code apply}), or a running router does ({@code submit}, over
 * its lane, and the router passes it on over the control channel); {@code show} and {@code log} print a chain.
 * Thin over {@link io.raet.trust}.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Policy governed by M-of-N governor signatures: keys, genesis, proposals, signatures, the chain.",
        subcommands = {PolicyCommand.Keygen.class, PolicyCommand.MakeGenesis.class, PolicyCommand.Propose.class,
            PolicyCommand.Sign.class, PolicyCommand.Apply.class, PolicyCommand.Submit.class, PolicyCommand.Show.class,
            PolicyCommand.Log.class})
final class PolicyCommand extends GroupCommand {
    /** Exit status when a version is refused by the chain. */
    static final int REFUSED = 3;

    static void register(CommandLine raet) {
        raet.addSubcommand("policy", new CommandLine(new PolicyCommand()));
    }

    /** The chain directory, and the genesis file that starts one. */
    static final class ChainOptions {
        @Option(names = "--chain", required = true, paramLabel = "DIR",
                description = "the policy chain directory (genesis.json, version.N.json)")
        Path dir;

        @Option(names = "--genesis", paramLabel = "FILE",
                description = "the genesis document; needed once, when DIR holds none yet")
        Path genesis;

        PolicyChain open() {
            return genesis == null ? ChainFiles.open(dir) : ChainFiles.open(dir, ChainFiles.readGenesis(genesis));
        }
    }

    static List<Object> accepts(List<KeyAcceptance> list) {
        List<Object> out = new ArrayList<>();
        list.forEach(a -> out.add(Json.obj("role", a.role(), "verhex", a.verhex(), "pubhex", a.pubhex())));
        return out;
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = {
        "Make a governor's key in a keep directory (sealed when a passphrase is given), or print the one it holds.",
        "The output line is the governor's entry for the genesis."})
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--keep", required = true, description = "the governor's keep directory")
        Path keep;

        @Option(names = "--name", required = true, description = "the governor's name")
        String name;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        public Integer call() {
            RoadKeep k = new RoadKeep(keep, passphrase.source());
            LocalRoleData role = k.loadLocalRole().orElse(null);
            if (role == null) {
                SigningKey s = SigningKey.generate();
                BoxKeyPair b = BoxKeyPair.generate();
                role = LocalRoleData.of(name, s, b);
                k.dumpLocalRole(role);
                s.destroy();
                b.destroy();
            } else if (!role.role().equals(name)) {
                throw new IllegalArgumentException("keep " + keep + " holds the key of " + role.role() + ", not "
                        + name);
            }
            k.relock();
            Json.line(System.out, Json.obj("event", "governor_key", "name", name, "verhex", role.verhex(),
                    "keep", keep.toString(), "sealed", k.sealing().isPresent()));
            return 0;
        }
    }

    @Command(name = "genesis", mixinStandardHelpOptions = true,
            description = "Write the genesis document every router and governor holds: the governors and M.")
    static final class MakeGenesis implements Callable<Integer> {
        @Option(names = "--id", required = true, description = "the trust domain's name")
        String id;

        @Option(names = "--threshold", required = true, paramLabel = "M",
                description = "signatures a version needs: more than half of the governors")
        int threshold;

        @Option(names = "--governor", required = true, paramLabel = "NAME=VERHEX",
                description = "a governor and its Ed25519 verify key (repeat for each)")
        List<String> governors;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write it")
        Path out;

        @Override
        public Integer call() {
            List<GovernorKey> keys = new ArrayList<>();
            for (String g : governors) {
                int eq = g.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--governor must be NAME=VERHEX, not " + g);
                }
                keys.add(new GovernorKey(g.substring(0, eq), VerifyKey.fromHex(g.substring(eq + 1))));
            }
            Genesis genesis = new Genesis(id, threshold, keys);
            ChainFiles.write(out, genesis.toMap());
            Json.line(System.out, Json.obj("event", "genesis", "id", id, "hash", genesis.hash(), "threshold",
                    threshold, "governors", keys.size(), "fork_tolerance", genesis.forkTolerance(),
                    "outage_tolerance", genesis.outageTolerance(), "out", out.toString()));
            return 0;
        }
    }

    @Command(name = "propose", mixinStandardHelpOptions = true, description = {
        "Write a proposal for the next version of the chain: a policy table (the router's policy.json format), and",
        "the accepted estate keys (the head's, with --accept added or replaced and --revoke removed)."})
    static final class Propose implements Callable<Integer> {
        @Mixin
        ChainOptions chain;

        @Option(names = "--policy", paramLabel = "FILE",
                description = "the policy table (JSON); default: the head's table")
        Path policy;

        @Option(names = "--accept", paramLabel = "ROLE=VERHEX:PUBHEX",
                description = "accept this role with these keys on every router (repeat)")
        List<String> accept = List.of();

        @Option(names = "--revoke", paramLabel = "ROLE", description = "no longer accept this role's keys (repeat)")
        List<String> revoke = List.of();

        @Option(names = "--note", defaultValue = "", description = "why: kept, signed, in the audit log")
        String note;

        @Option(names = "--restriction", paramLabel = "FILE",
                description = "make a restriction permanent: FILE ('-': standard input) holds a router's"
                        + " `restricted` event line; a rule denying that estate's role on its channel goes first")
        Path restriction;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the proposal file")
        Path out;

        @Override
        public Integer call() throws IOException {
            PolicyChain c = chain.open();
            Policy table;
            if (policy != null) {
                table = Policy.parseJson(Files.readString(policy, StandardCharsets.UTF_8));
            } else {
                table = c.policy().orElseThrow(() -> new IllegalArgumentException(
                        "the chain has no version yet: give the table with --policy"));
            }
            if (restriction != null) {
                Policy.Rule deny = restrictionRule(restriction);
                List<Policy.Rule> rules = new ArrayList<>();
                rules.add(deny);
                rules.addAll(table.rules());
                table = new Policy(rules, table.defaultEffect());
                if (note.isEmpty()) {
                    note = "restriction made permanent: role " + deny.role() + " denied on channel '"
                            + deny.channel() + "'";
                }
            }
            Map<String, KeyAcceptance> accepted = new TreeMap<>(c.acceptances());
            for (String a : accept) {
                int eq = a.indexOf('=');
                int colon = a.indexOf(':', eq + 1);
                if (eq <= 0 || colon < 0) {
                    throw new IllegalArgumentException("--accept must be ROLE=VERHEX:PUBHEX, not " + a);
                }
                KeyAcceptance k = new KeyAcceptance(a.substring(0, eq), a.substring(eq + 1, colon),
                        a.substring(colon + 1));
                accepted.put(k.role(), k);
            }
            revoke.forEach(accepted::remove);
            PolicyVersion body = c.propose(table, List.copyOf(accepted.values()), note);
            ChainFiles.write(out, SignedVersion.proposal(body).toMap());
            Json.line(System.out, Json.obj("event", "policy_proposed", "version", body.version(), "hash", body.hash(),
                    "prev", body.prev(), "rules", table.rules().size(), "accept", accepted.size(),
                    "out", out.toString()));
            return 0;
        }
    }

    /**
     * The deny rule a {@code restricted} event asks for: its estate's role, every destination, its channel. A yard's
     * restriction cannot be one (rules match roles, and every yard of a host has the role {@code local}).
     */
    static Policy.Rule restrictionRule(Path file) throws IOException {
        String text = file.toString().equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(file, StandardCharsets.UTF_8);
        Map<String, Object> e = null;
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                Map<String, Object> m = Json.parseObject(line.strip());
                if ("restricted".equals(m.get("event"))) {
                    e = m;
                }
            }
        }
        if (e == null) {
            throw new IllegalArgumentException("--restriction: " + file + " holds no `restricted` event line");
        }
        String source = String.valueOf(e.get("source"));
        if (!source.startsWith("estate:") || !(e.get("role") instanceof String role) || role.isEmpty()) {
            throw new IllegalArgumentException("--restriction: " + source + " is not an estate with a known role:"
                    + " rules match roles, and a yard's restriction stays on its host");
        }
        String channel = e.get("channel") instanceof String ch ? ch : "";
        return new Policy.Rule(role, "*", Policy.Effect.DENY).onChannel(channel);
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = {
        "Hand signed versions or proposals (oldest first) to a running governed router, as a yard of its host: one",
        "that carries the threshold is applied there and passed on to every router over the control channel; a",
        "proposal is gathered there (and passed on) until enough governors signed it. Exit status 3 when one is",
        "refused."})
    static final class Submit implements Callable<Integer> {
        @Option(names = "--to", required = true, paramLabel = "DIR", description = "the router's lane directory")
        Path dir;

        @Option(names = "--lane", defaultValue = io.raet.lane.LaneNames.DEFAULT_LANE,
                description = "the lane name (default: ${DEFAULT-VALUE})")
        String lane;

        @Option(names = "--timeout", defaultValue = "10",
                description = "seconds to wait for each answer (default: ${DEFAULT-VALUE})")
        int timeout;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "signed version or proposal files")
        List<Path> versions = List.of();

        @Override
        public Integer call() throws Exception {
            Path socket = io.raet.lane.LaneNames.ha(dir, lane, Address.ROUTER_YARD);
            if (!Files.exists(socket)) {
                throw CliException.usage("no router lane at " + socket + ": start `raet router --lane-dir " + dir
                        + "` first");
            }
            String name = "policy" + java.util.HexFormat.of().formatHex(io.raet.crypto.Sodium.randomBytes(4));
            int refused = 0;
            try (Yard y = Yard.builder(name).dir(dir).lane(lane).requestTimeout(Duration.ofSeconds(timeout))
                    .build()) {
                for (Path f : versions) {
                    SignedVersion v = ChainFiles.readDocument(f, SignedVersion::parse);
                    Map<String, Object> answer = Json.obj();
                    try {
                        Object data = y.request(Address.of("", Address.ROUTER_YARD, TrustPlane.SHARE),
                                new TrustMessage.Propose(v).toMap()).get(timeout + 1L, TimeUnit.SECONDS).data();
                        if (data instanceof Map<?, ?> m) {
                            m.forEach((k, val) -> answer.put(String.valueOf(k), val));
                        } else {
                            answer.put("outcome", "no_answer");
                        }
                    } catch (ExecutionException e) {
                        String why = e.getCause() instanceof FlowException fe ? fe.wireCode() + ": " + fe.getMessage()
                                : String.valueOf(e.getCause());
                        answer.put("outcome", "error");
                        answer.put("reason", why);
                    } catch (java.util.concurrent.TimeoutException e) {
                        answer.put("outcome", "error");
                        answer.put("reason", "no answer in " + timeout + " s");
                    }
                    Object outcome = answer.get("outcome");
                    if (!"applied".equals(outcome) && !"duplicate".equals(outcome)
                            && !TrustPlane.GATHERED.equals(outcome)) {
                        refused++;
                    }
                    Map<String, Object> line = Json.obj("event", "policy_submitted", "file", f.toString());
                    answer.remove("trust");
                    line.putAll(answer);
                    Json.line(System.out, line);
                }
            }
            return refused == 0 ? 0 : REFUSED;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = {
        "Add this governor's signature to a proposal. The vote is recorded in the governor's ledger first: a",
        "governor signs one proposal per version, and refuses one that does not extend its chain."})
    static final class Sign implements Callable<Integer> {
        @Mixin
        ChainOptions chain;

        @Option(names = "--proposal", required = true, paramLabel = "FILE", description = "the proposal to sign")
        Path proposal;

        @Option(names = "--keep", required = true, description = "the governor's keep (raet policy keygen)")
        Path keep;

        @Option(names = "--ledger", paramLabel = "FILE",
                description = "the governor's vote ledger (default: policy-votes.json in the keep directory)")
        Path ledger;

        @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default: the proposal file)")
        Path out;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        public Integer call() {
            PolicyChain c = chain.open();
            RoadKeep k = new RoadKeep(keep, passphrase.source());
            LocalRoleData role = k.loadLocalRole().orElseThrow(() -> new IllegalArgumentException(
                    "keep " + keep + " holds no governor key (raet policy keygen)"));
            k.relock();
            SigningKey key = role.signingKey();
            SignedVersion signed;
            try {
                Path votes = ledger != null ? ledger : keep.resolve("policy-votes.json");
                Governor g = new Governor(c.genesis(), role.role(), key,
                        VoteLedger.file(votes, role.role(), c.genesis().hash()));
                signed = g.sign(ChainFiles.readDocument(proposal, SignedVersion::parse), c);
            } finally {
                key.destroy();
            }
            Path target = out != null ? out : proposal;
            ChainFiles.write(target, signed.toMap());
            PolicyChain.Check check = c.check(signed);
            Json.line(System.out, Json.obj("event", "policy_signed", "governor", role.role(), "version",
                    signed.version(), "hash", signed.hash(), "signers", check.signers(), "passes", check.passes(),
                    "out", target.toString()));
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = {
        "Offer signed versions (oldest first) to a chain: each one is applied if it carries the threshold and",
        "extends the chain, and kept in the chain directory; exit status 3 when one is refused."})
    static final class Apply implements Callable<Integer> {
        @Mixin
        ChainOptions chain;

        @Parameters(arity = "0..*", paramLabel = "FILE", description = "signed version files")
        List<Path> versions = List.of();

        @Override
        public Integer call() {
            PolicyChain c = chain.open();
            int refused = 0;
            for (Path f : versions) {
                Verdict d = c.offerWire(ChainFiles.readDocument(f,
                        b -> io.raet.trust.CanonicalJson.parse(b, io.raet.trust.Limits.MAX_DOCUMENT_BYTES)));
                if (!d.applied() && d.outcome() != Verdict.Outcome.DUPLICATE) {
                    refused++;
                }
                Json.line(System.out, Json.obj("event", "policy_verdict", "file", f.toString(), "outcome",
                        d.outcome().name().toLowerCase(java.util.Locale.ROOT), "version", d.version(), "hash",
                        d.hash(), "reason", d.reason()));
            }
            ChainFiles.save(chain.dir, c);
            return refused == 0 ? 0 : REFUSED;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the chain's head (table, accepted keys, signers), or check a proposal against it.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ChainOptions chain;

        @Option(names = "--proposal", paramLabel = "FILE", description = "check this proposal or signed version")
        Path proposal;

        @Override
        public Integer call() {
            PolicyChain c = chain.open();
            Genesis g = c.genesis();
            if (proposal != null) {
                SignedVersion p = ChainFiles.readDocument(proposal, SignedVersion::parse);
                PolicyChain.Check check = c.check(p);
                boolean extendsChain = p.body().genesis().equals(g.hash()) && p.version() == c.version() + 1
                        && p.body().prev().equals(c.headHash());
                Json.line(System.out, Json.obj("event", "policy_proposal", "version", p.version(), "hash", p.hash(),
                        "extends", extendsChain, "signers", check.signers(), "needed", g.threshold(), "passes",
                        check.passes(), "problems", check.problems(), "note", p.body().note(), "table",
                        PolicyVersion.tableMap(p.body().table()), "accept", accepts(p.body().accept())));
                return 0;
            }
            List<Object> governors = new ArrayList<>();
            g.governors().forEach(k -> governors.add(Json.obj("name", k.name(), "verhex", k.verhex())));
            Map<String, Object> m = Json.obj("event", "policy_head", "genesis", g.id(), "genesis_hash", g.hash(),
                    "threshold", g.threshold(), "governors", governors, "version", c.version(), "hash", c.headHash());
            c.head().ifPresent(h -> {
                m.put("signers", h.signatures().stream().map(s -> s.governor()).toList());
                m.put("note", h.body().note());
                m.put("table", PolicyVersion.tableMap(h.body().table()));
                m.put("accept", accepts(h.body().accept()));
            });
            Json.line(System.out, m);
            return 0;
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = "Print the chain, one line per version, oldest first: the audit log.")
    static final class Log implements Callable<Integer> {
        @Mixin
        ChainOptions chain;

        @Override
        public Integer call() {
            PolicyChain c = chain.open();
            for (SignedVersion v : c.versions()) {
                Json.line(System.out, Json.obj("event", "policy_version", "version", v.version(), "hash", v.hash(),
                        "prev", v.body().prev(), "signers", v.signatures().stream().map(s -> s.governor()).toList(),
                        "rules", v.body().table().rules().size(), "accept", v.body().accept().size(), "note",
                        v.body().note()));
            }
            return 0;
        }
    }
}
