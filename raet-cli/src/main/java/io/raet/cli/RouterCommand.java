package io.raet.cli;

import io.raet.metrics.RouterMetrics;
import io.raet.road.RoadEvent;
import io.raet.router.Router;
import io.raet.router.RouterConfig;
import io.raet.router.RouterEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs a router: a road estate, the main lane yard {@code router} and the flow router (docs/routing.md). */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = {"Run a router: road estate + main lane yard 'router' + flow router. Events as JSON lines.",
            "Channels (other roads), the control channel, the governed policy (genesis, chain) and the restriction"
                    + " are set in the --config file (docs/routing.md)."})
final class RouterCommand implements Callable<Integer> {
    @Option(names = "--config", description = "JSON configuration file (see docs/routing.md); the flags below"
            + " override it (default: none)")
    Path config;

    @Option(names = "--name", description = "estate name (required here or in the file)")
    String name;

    @Option(names = "--role", description = "road role (default: router)")
    String role;

    @Option(names = "--host", description = "address to bind (default: 127.0.0.1)")
    String host;

    @Option(names = "--port", description = "UDP port; 0: the kept port, else any free one (default: 7530)")
    Integer port;

    @Option(names = "--keep", description = "keep directory: keys and remotes persist there (default: none,"
            + " nothing is kept)")
    Path keep;

    @Option(names = "--auto", description = "acceptance of joining roles: never, once, always (default: once)")
    String auto;

    @Option(names = "--lane", description = "lane name (default: lane)")
    String lane;

    @Option(names = "--lane-dir", description = "socket directory of the lane (default: /var/cache/raet when"
            + " writable, else ~/.raet/uxd)")
    Path laneDir;

    @Option(names = "--yard", description = "admit only this yard (repeat for more) (default: every yard of the"
            + " lane)")
    List<String> yards = List.of();

    @Option(names = "--join", description = "host:port of an estate to join at start (repeatable) (default:"
            + " none)")
    List<String> join = List.of();

    @Option(names = "--policy", description = "policy file (JSON table), re-read when it changes (default: allow"
            + " everything)")
    Path policy;

    @Option(names = "--aliases", description = "alias file (JSON: aliases and taps, docs/routing.md), re-read when"
            + " it changes (default: none)")
    Path aliases;

    @Option(names = "--share", description = "a share of the router yard, NAME=queue|best|topic|pool (repeatable;"
            + " pool: served by worker yards) (default: none)")
    List<String> shares = List.of();

    @Option(names = "--stats", description = "print the counters every this many seconds, 0: only at exit"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int statsEvery;

    @Mixin
    PassphraseOptions passphrase;

    @Mixin
    MetricsOptions metricsOptions;

    @Override
    public Integer call() throws Exception {
        RouterConfig.Builder b = config != null ? RouterConfig.load(config) : RouterConfig.parse("{}", null);
        if (name != null) {
            b.name(name);
        }
        if (role != null) {
            b.role(role);
        }
        if (host != null) {
            b.host(host);
        }
        if (port != null) {
            b.port(port);
        }
        if (keep != null) {
            b.keep(keep);
        }
        if (auto != null) {
            b.auto(RouterConfig.parseAuto(auto));
        }
        if (lane != null) {
            b.lane(lane);
        }
        if (laneDir != null) {
            b.laneDir(laneDir);
        }
        yards.forEach(b::yard);
        for (String j : join) {
            b.join(SendCommand.resolve("--join", j));
        }
        if (policy != null) {
            b.policyFile(policy);
        }
        if (aliases != null) {
            b.aliasFile(aliases);
        }
        for (String s : shares) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--share must be NAME=queue|best|topic|pool, not '" + s + "'");
            }
            b.share(s.substring(0, eq), RouterConfig.parseShareKind(s.substring(eq + 1)));
        }
        if (statsEvery < 0) {
            throw new IllegalArgumentException("--stats must be 0 or more seconds");
        }
        if (passphrase.source() != null) {
            b.passphrase(passphrase.source());
        }
        RouterConfig cfg = b.build();
        EventPrinter printer = EventPrinter.started(System.out);
        Router router;
        try {
            router = Router.start(cfg, e -> {
                // Progress of large forwarded messages is for senders that show it, not for the router's log.
                if (!(e instanceof RouterEvent.Road r && r.event() instanceof RoadEvent.Progress)) {
                    printer.print(toJson(e));
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw EstateOptions.bindFailure(e);
        }
        MetricsServer metrics = metricsOptions.start(new RouterMetrics(router), router);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (metrics != null) {
                metrics.close();
            }
            try {
                Json.line(System.out, Json.obj("event", "stats", "stats", router.stats()));
            } catch (RuntimeException e) {
                System.err.println("raet router: counters not printed: " + e);
            }
            router.close();
            printer.close();
        }));
        Json.statsEvery(statsEvery, router::stats);
        router.awaitClose();
        if (router.failure() != null) {
            // The router closed by itself (it logged why): end the process instead of staying up deaf.
            Json.line(System.out, Json.obj("event", "failed", "error", router.failure().toString()));
            return 1;
        }
        return 0;
    }

    static Map<String, Object> toJson(RouterEvent e) {
        return switch (e) {
            case RouterEvent.Ready r -> Json.obj("event", "ready", "name", r.name(), "host",
                    r.address().getAddress().getHostAddress(), "port", r.address().getPort(), "lane",
                    r.lanePath().toString());
            case RouterEvent.ChannelReady c -> Json.obj("event", "channel_ready", "channel", c.channel(), "name",
                    c.name(), "host", c.address().getAddress().getHostAddress(), "port", c.address().getPort(),
                    "control", c.control());
            case RouterEvent.Road r -> {
                Map<String, Object> m = r.event() instanceof RoadEvent.Message ? Json.obj("event", "message")
                        : Events.toJson(r.event());
                if (!r.channel().isEmpty()) {
                    m.put("channel", r.channel());
                }
                yield m;
            }
            case RouterEvent.Connected c -> Json.obj("event", "connected", "estate", c.estate(), "address",
                    c.address().getHostString() + ":" + c.address().getPort());
            case RouterEvent.JoinRetry j -> Json.obj("event", "join_retry", "address",
                    j.address().getHostString() + ":" + j.address().getPort(), "reason", j.reason());
            case RouterEvent.PolicyLoaded p -> Json.obj("event", "policy", "file",
                    p.file() == null ? null : p.file().toString(), "rules", p.rules(), "default", p.defaultEffect());
            case RouterEvent.PolicyRejected p -> Json.obj("event", "policy_rejected", "file", p.file().toString(),
                    "error", p.error());
            case RouterEvent.AliasesLoaded a -> Json.obj("event", "aliases", "file", a.file().toString(), "aliases",
                    a.aliases(), "taps", a.taps());
            case RouterEvent.AliasesRejected a -> Json.obj("event", "aliases_rejected", "file", a.file().toString(),
                    "error", a.error());
            case RouterEvent.YardChanged y -> Json.obj("event", "yard", "yard", y.yard(), "state", y.event());
            case RouterEvent.ForwardFailed f -> Json.obj("event", "forward_failed", "via", f.via(), "to", f.to(),
                    "code", f.code(), "reason", f.reason());
            case RouterEvent.ControlRefused c -> Json.obj("event", "control_refused", "channel", c.channel(), "name",
                    c.name(), "address", c.address() == null ? null
                            : c.address().getHostString() + ":" + c.address().getPort(), "reason", c.reason());
            case RouterEvent.PolicyApplied p -> Json.obj("event", "policy_applied", "version", p.version(), "hash",
                    p.hash(), "signers", p.signers(), "rules", p.rules(), "default", p.defaultEffect(), "from",
                    p.from());
            case RouterEvent.PolicyRefused p -> Json.obj("event", "policy_refused", "version", p.version(),
                    "outcome", p.outcome(), "reason", p.reason(), "from", p.from());
            case RouterEvent.ProposalGathered p -> Json.obj("event", "policy_gathered", "version", p.version(),
                    "hash", p.hash(), "signers", p.signers(), "needed", p.needed(), "from", p.from());
            case RouterEvent.Restricted r -> Json.obj("event", "restricted", "source", r.source(), "level",
                    r.level(), "score", r.score(), "reason", r.reason(), "cooling_ms", r.coolingMillis(), "role",
                    r.role(), "channel", r.channel());
            case RouterEvent.RestrictionLifted l -> Json.obj("event", "restriction_lifted", "source", l.source(),
                    "from", l.from(), "now", l.now());
        };
    }
}
