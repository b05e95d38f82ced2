package io.raet.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.keep.AutoMode;
import io.raet.keep.PassphraseSource;
import io.raet.lane.LaneNames;
import io.raet.road.SessionRenewal;
import io.raet.route.Policy;
import io.raet.route.Shares;
import io.raet.trust.Restrictions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of a {@link Router}: the road estate, the lane, the estates to join, the authorization table and the
 * router's own shares. Built in code with {@link #builder(String)} or read from a JSON file with {@link #load(Path)}:
 *
 * <pre>{@code
 * {"name": "alpha", "role": "router", "host": "127.0.0.1", "port": 7530, "keep": "/var/lib/raet/alpha",
 *  "auto": "once", "lane": "lane", "laneDir": "/var/cache/raet", "yards": ["worker1", "worker2"],
 *  "join": ["10.0.0.2:7530"], "policyFile": "/etc/raet/policy.json", "aliasFile": "/etc/raet/aliases.json",
 *  "policy": {"default": "allow", "rules": [{"role": "*", "dst": "alpha/router/admin.*", "action": "deny"}]},
 *  "shares": {"status": "best", "events": "topic", "inbox": "queue", "jobs": "pool"},
 *  "laneQueue": 4096, "laneQueuePerSource": 256, "roadInFlight": 4096}
 * }</pre>
 *
 * <p>The last three bound what one source can make the router hold (see {@link Router}): messages queued for one
 * yard in all and from one source (a yard, an estate, the router itself), and messages forwarded to one estate and
 * not yet acknowledged. {@code "laneInboxPerSource"} (off by default) also gives each yard a share of the lane's
 * inbox beyond which its messages are dropped before they are read (counted), instead of holding every yard back
 * when the inbox is full; a yard that answers many others, a service, then loses answers too.
 *
 * <p><b>Channels</b> (docs/routing.md): the settings above make the default channel, named {@code ""}; each entry of
 * {@code "channels"} is another road of the router with its own port, keys, keep and acceptance, picked by the channel
 * level of an address. At most one is the <b>control channel</b> ({@code "control": true}): its members are
 * provisioned ahead from key files ({@code "members"}: files with {@code role}, {@code verhex} and {@code pubhex}, as
 * {@code raet keep show} prints an estate's identity), its acceptance is {@code never}, and it alone carries the
 * governed policy:
 *
 * <pre>{@code
 * "channels": {"ctl": {"port": 7600, "keep": "ctl-keep", "control": true, "members": ["keys/beta.json"],
 *                      "join": ["10.0.0.2:7600"]},
 *              "bulk": {"port": 7601, "auto": "always"}},
 * "genesis": "genesis.json", "chain": "chain",
 * "passphrase": {"credential": "raet-keep"},
 * "restrict": {"throttleAt": 20, "denyAt": 60, "halfLifeMillis": 10000, "coolingMillis": 30000,
 *              "throttleRate": 20, "rate": 10000, "rateBurst": 5000, "openRequests": 500},
 * "refusalErrorRate": 50,
 * "renew": {"maxAgeSeconds": 3600, "maxBytes": 1073741824}
 * }</pre>
 *
 * <p>A channel's {@code name}, {@code role}, {@code host} and {@code main} default to the router's, but the control
 * channel's role defaults to the estate name (members are provisioned by role, one each). {@code genesis}
 * and {@code chain} make the router governed: its table is the head of the chain kept in {@code chain} (the inline
 * {@code policy} serves until the first version; a {@code policyFile} is refused). {@code passphrase} ({@code file},
 * {@code env} or {@code credential}) unlocks sealed keeps. {@code restrict} sets the behaviour-driven restriction
 * ({@code false} turns it off); {@code refusalErrorRate} bounds the {@code err} answers a second to one source for
 * messages refused at a bound. {@code renew} says when the sessions of every channel's road are renewed by a new
 * allow (forward secrecy; the defaults shown, a bound left out or 0 never renews by it, {@code false} never renews).
 *
 * <p>Only {@code name} is required. Unknown keys are an error, so a misspelt setting is never silently ignored.
 */
public final class RouterConfig {
    /** The kinds of share a router may hold itself ({@code POOL}: load-balanced over worker yards). */
    public enum ShareKind {
        /** Every message, in order ({@link io.raet.route.QueueShare}). */
        QUEUE,
        /** Only the latest message ({@link io.raet.route.BestValueShare}). */
        BEST,
        /** Published messages copied to every subscriber ({@link io.raet.route.TopicShare}). */
        TOPIC,
        /** Requests handed to worker yards in turn ({@link io.raet.route.PoolShare}). */
        POOL
    }

    /** The name of the default channel: the road of the top-level settings. */
    public static final String DEFAULT_CHANNEL = "";
    private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> CHANNEL_KEYS = Set.of("name", "role", "host", "port", "main", "keep", "auto",
            "join", "control", "members");
    private static final Set<String> RESTRICT_KEYS = Set.of("enabled", "throttleAt", "denyAt", "halfLifeMillis",
            "coolingMillis", "throttleRate", "rate", "rateBurst", "openRequests", "maxSources");
    /** Longest session age {@code "renew"} accepts, in seconds (a year). */
    static final long MAX_RENEW_AGE_SECONDS = 365L * 24 * 3600;
    /** Default most {@code err} answers a second to one source for its messages refused at a bound. */
    public static final double DEFAULT_REFUSAL_ERROR_RATE = 50;

    /**
     * One road of the router (docs/routing.md, channels).
     *
     * @param name    the channel's name ({@code ""} for the default channel)
     * @param estate  the router's estate name on this road
     * @param role    its road role there
     * @param host    the address to bind
     * @param port    the UDP port (0: the kept one, else any free one)
     * @param main    whether other estates may join it there
     * @param keep    the keep directory of this road, or null
     * @param auto    the acceptance of joining roles ({@code never} on the control channel)
     * @param join    estates joined at start on this road
     * @param control whether this is the control channel
     * @param members key files of the control channel's provisioned members
     */
    public record Channel(String name, String estate, String role, String host, int port, boolean main, Path keep,
            AutoMode auto, List<InetSocketAddress> join, boolean control, List<Path> members) {
        /** Checks the name; copies the lists. */
        public Channel {
            Objects.requireNonNull(name, "name");
            join = List.copyOf(join);
            members = List.copyOf(members);
        }

        /**
         * A builder for the channel {@code name}; what it leaves unset comes from the router's settings.
         *
         * @param name the channel's name
         * @return the builder
         */
        public static ChannelBuilder builder(String name) {
            return new ChannelBuilder(name);
        }
    }

    /**
     * Builds a {@link Channel}; estate, role, host and main default to the router's (the control channel's role to
     * the estate name), the port to 0.
     */
    public static final class ChannelBuilder {
        private final String name;
        private String estate;
        private String role;
        private String host;
        private int port;
        private Boolean main;
        private Path keep;
        private AutoMode auto;
        private final List<InetSocketAddress> join = new ArrayList<>();
        private boolean control;
        private final List<Path> members = new ArrayList<>();

        private ChannelBuilder(String name) {
            if (name == null || !CHANNEL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a channel name is 1..64 letters, digits, '.', '_' or '-', not '"
                        + name + "'");
            }
            this.name = name;
        }

        /**
         * The router's estate name on this road.
         *
         * @param estate the name
         * @return this builder
         */
        public ChannelBuilder estate(String estate) {
            this.estate = Objects.requireNonNull(estate, "estate");
            return this;
        }

        /**
         * The road role other estates see there.
         *
         * @param role the role
         * @return this builder
         */
        public ChannelBuilder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /**
         * The address to bind.
         *
         * @param host the host
         * @return this builder
         */
        public ChannelBuilder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The UDP port (0: the kept one, else any free one).
         *
         * @param port the port
         * @return this builder
         */
        public ChannelBuilder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * Whether other estates may join the router there.
         *
         * @param main whether they may
         * @return this builder
         */
        public ChannelBuilder main(boolean main) {
            this.main = main;
            return this;
        }

        /**
         * The keep directory of this road.
         *
         * @param keep the directory, or null for none
         * @return this builder
         */
        public ChannelBuilder keep(Path keep) {
            this.keep = keep;
            return this;
        }

        /**
         * The acceptance of joining roles.
         *
         * @param auto the auto mode
         * @return this builder
         */
        public ChannelBuilder auto(AutoMode auto) {
            this.auto = Objects.requireNonNull(auto, "auto");
            return this;
        }

        /**
         * An estate joined (and allowed) at start on this road, retried until it answers; call once per estate.
         *
         * @param estate its address
         * @return this builder
         */
        public ChannelBuilder join(InetSocketAddress estate) {
            join.add(Objects.requireNonNull(estate, "estate"));
            return this;
        }

        /**
         * Makes this the control channel: acceptance {@code never}, members provisioned from key files.
         *
         * @param control whether this is the control channel
         * @return this builder
         */
        public ChannelBuilder control(boolean control) {
            this.control = control;
            return this;
        }

        /**
         * A key file of a provisioned member of the control channel (call once per member).
         *
         * @param keyFile the member's key file
         * @return this builder
         */
        public ChannelBuilder member(Path keyFile) {
            members.add(Objects.requireNonNull(keyFile, "keyFile"));
            return this;
        }

        Channel build(Builder router) {
            if (!members.isEmpty() && !control) {
                throw new IllegalArgumentException("channel '" + name + "': members are provisioned on the control"
                        + " channel only (\"control\": true)");
            }
            if (control && keep == null) {
                throw new IllegalArgumentException("channel '" + name + "': the control channel needs a keep, where"
                        + " its members' keys are accepted");
            }
            if (control && auto != null && auto != AutoMode.NEVER) {
                throw new IllegalArgumentException("channel '" + name + "': the control channel accepts only its"
                        + " provisioned members (auto never), not auto " + auto.name().toLowerCase(Locale.ROOT));
            }
            AutoMode a = auto != null ? auto : control ? AutoMode.NEVER : router.auto;
            String e = estate != null ? estate : router.name;
            // a control member is provisioned by its role: each router's own, its estate name unless set
            String r = role != null ? role : control ? e : router.role;
            return new Channel(name, e, r, host != null ? host : router.host, port, main != null ? main : router.main,
                    keep, a, join, control, members);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("name", "role", "host", "port", "main", "keep", "auto", "lane",
            "laneDir", "yards", "join", "policy", "policyFile", "shares", "policyPollMillis", "joinRetryMillis",
            "laneQueue", "laneQueuePerSource", "laneInboxPerSource", "roadInFlight", "aliasFile", "channels", "genesis",
            "chain", "passphrase", "restrict", "refusalErrorRate", "renew");
    /** Default most messages queued for one yard. */
    public static final int DEFAULT_LANE_QUEUE = 4096;
    /** Default most messages of one source (yard, estate, the router) queued for one yard. */
    public static final int DEFAULT_LANE_QUEUE_PER_SOURCE = 256;
    /** Default most received messages of one yard waiting to be routed: no share of its own (the whole inbox). */
    public static final int DEFAULT_LANE_INBOX_PER_SOURCE = Integer.MAX_VALUE;
    /** Default most messages forwarded to one estate and not yet acknowledged by it. */
    public static final int DEFAULT_ROAD_IN_FLIGHT = 4096;

    private final String name;
    private final String role;
    private final String host;
    private final int port;
    private final boolean main;
    private final Path keep;
    private final AutoMode auto;
    private final String lane;
    private final Path laneDir;
    private final List<String> yards;
    private final List<InetSocketAddress> join;
    private final Policy policy;
    private final Path policyFile;
    private final Path aliasFile;
    private final Map<String, ShareKind> shares;
    private final Duration policyPoll;
    private final Duration joinRetry;
    private final int laneQueue;
    private final int laneQueuePerSource;
    private final int laneInboxPerSource;
    private final int roadInFlight;
    private final Map<String, Channel> channels;
    private final Path genesis;
    private final Path chain;
    private final PassphraseSource passphrase;
    private final Restrictions.Settings restrictions;
    private final double refusalErrorRate;
    private final SessionRenewal sessionRenewal;

    private RouterConfig(Builder b) {
        this.name = b.name;
        this.role = b.role;
        this.host = b.host;
        this.port = b.port;
        this.main = b.main;
        this.keep = b.keep;
        this.auto = b.auto;
        this.lane = b.lane;
        this.laneDir = b.laneDir;
        this.yards = List.copyOf(b.yards);
        this.join = List.copyOf(b.join);
        this.policy = b.policy;
        this.policyFile = b.policyFile;
        this.aliasFile = b.aliasFile;
        this.shares = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.shares));
        this.policyPoll = b.policyPoll;
        this.joinRetry = b.joinRetry;
        this.laneQueue = b.laneQueue;
        this.laneQueuePerSource = b.laneQueuePerSource;
        this.laneInboxPerSource = b.laneInboxPerSource;
        this.roadInFlight = b.roadInFlight;
        Map<String, Channel> cs = new LinkedHashMap<>();
        cs.put(DEFAULT_CHANNEL, new Channel(DEFAULT_CHANNEL, name, role, host, port, main, keep, auto, join, false,
                List.of()));
        for (ChannelBuilder c : b.channels.values()) {
            cs.put(c.name, c.build(b));
        }
        this.channels = java.util.Collections.unmodifiableMap(cs);
        this.genesis = b.genesis;
        this.chain = b.chain;
        this.passphrase = b.passphrase;
        this.restrictions = b.restrictions;
        this.refusalErrorRate = b.refusalErrorRate;
        this.sessionRenewal = b.sessionRenewal;
    }

    /**
     * {@return a builder for a router named {@code name}}
     *
     * @param name the router's estate name
     */
    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /**
     * A builder with the settings of this configuration.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.role = role;
        b.host = host;
        b.port = port;
        b.main = main;
        b.keep = keep;
        b.auto = auto;
        b.lane = lane;
        b.laneDir = laneDir;
        b.yards.addAll(yards);
        b.join.addAll(join);
        b.policy = policy;
        b.policyFile = policyFile;
        b.aliasFile = aliasFile;
        b.shares.putAll(shares);
        b.policyPoll = policyPoll;
        b.joinRetry = joinRetry;
        b.laneQueue = laneQueue;
        b.laneQueuePerSource = laneQueuePerSource;
        b.laneInboxPerSource = laneInboxPerSource;
        b.roadInFlight = roadInFlight;
        for (Channel c : channels.values()) {
            if (!c.name().isEmpty()) {
                ChannelBuilder cb = Channel.builder(c.name()).estate(c.estate()).role(c.role()).host(c.host())
                        .port(c.port()).main(c.main()).keep(c.keep()).auto(c.auto()).control(c.control());
                c.join().forEach(cb::join);
                c.members().forEach(cb::member);
                b.channels.put(c.name(), cb);
            }
        }
        b.genesis = genesis;
        b.chain = chain;
        b.passphrase = passphrase;
        b.restrictions = restrictions;
        b.refusalErrorRate = refusalErrorRate;
        b.sessionRenewal = sessionRenewal;
        return b;
    }

    /**
     * Reads a configuration file (JSON object, keys as in the class description); relative paths in it are taken
     * from the file's directory.
     *
     * @param file the configuration file
     * @return a builder with its settings
     * @throws IllegalArgumentException naming the file and the setting that is wrong
     */
    public static Builder load(Path file) {
        ConfigFile c = ConfigFile.load(file, KEYS, "router configuration");
        try {
            return from(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses configuration JSON; relative paths are resolved against {@code base} (null: as they are).
     *
     * @param json the JSON text
     * @param base the directory relative paths are taken from, or null
     * @return a builder with its settings
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static Builder parse(String json, Path base) {
        return from(ConfigFile.parse(json, base, KEYS));
    }

    private static Builder from(ConfigFile m) {
        Builder b = new Builder();
        if (m.has("name")) {
            b.name(m.string("name"));
        }
        if (m.has("role")) {
            b.role(m.string("role"));
        }
        if (m.has("host")) {
            b.host(m.string("host"));
        }
        if (m.has("port")) {
            b.port(m.integer("port"));
        }
        if (m.has("main")) {
            b.main(m.bool("main"));
        }
        if (m.has("keep")) {
            b.keep(m.path("keep"));
        }
        if (m.has("auto")) {
            b.auto(parseAuto(m.string("auto")));
        }
        if (m.has("lane")) {
            b.lane(m.string("lane"));
        }
        if (m.has("laneDir")) {
            b.laneDir(m.path("laneDir"));
        }
        m.strings("yards", "yard names").forEach(b::yard);
        for (String j : m.strings("join", "\"host:port\" strings")) {
            b.join(parseHostPort(j));
        }
        if (m.has("policy")) {
            try {
                b.policy(Policy.parseJson(JSON.writeValueAsString(m.get("policy"))));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("'policy': " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'policy': " + e.getMessage(), e);
            }
        }
        if (m.has("policyFile")) {
            b.policyFile(m.path("policyFile"));
        }
        if (m.has("aliasFile")) {
            b.aliasFile(m.path("aliasFile"));
        }
        if (m.has("shares")) {
            if (!(m.get("shares") instanceof Map<?, ?> sm)) {
                throw new IllegalArgumentException("'shares' must map share names to queue, best, topic or pool");
            }
            for (Map.Entry<?, ?> e : sm.entrySet()) {
                if (!(e.getValue() instanceof String kind)) {
                    throw new IllegalArgumentException("share '" + e.getKey()
                            + "': kind must be queue, best, topic or pool");
                }
                b.share(String.valueOf(e.getKey()), parseShareKind(kind));
            }
        }
        if (m.has("policyPollMillis")) {
            b.policyPoll(Duration.ofMillis(m.integer("policyPollMillis")));
        }
        if (m.has("joinRetryMillis")) {
            b.joinRetry(Duration.ofMillis(m.integer("joinRetryMillis")));
        }
        if (m.has("laneQueue")) {
            b.laneQueue(m.integer("laneQueue"));
        }
        if (m.has("laneQueuePerSource")) {
            b.laneQueuePerSource(m.integer("laneQueuePerSource"));
        }
        if (m.has("laneInboxPerSource")) {
            b.laneInboxPerSource(m.integer("laneInboxPerSource"));
        }
        if (m.has("roadInFlight")) {
            b.roadInFlight(m.integer("roadInFlight"));
        }
        if (m.has("channels")) {
            if (!(m.get("channels") instanceof Map<?, ?> cm)) {
                throw new IllegalArgumentException("'channels' must map channel names to their settings");
            }
            ConfigFile all = m.section("channels", cm.keySet().stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.toSet()));
            for (String name : all.keys()) {
                try {
                    b.channel(channel(name, all.section(name, CHANNEL_KEYS)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("channel '" + name + "': " + e.getMessage(), e);
                }
            }
        }
        if (m.has("genesis")) {
            b.genesis(m.path("genesis"));
        }
        if (m.has("chain")) {
            b.chain(m.path("chain"));
        }
        if (m.has("passphrase")) {
            b.passphrase(passphrase(m.section("passphrase", Set.of("file", "env", "credential"))));
        }
        if (m.has("restrict")) {
            if (m.get("restrict") instanceof Boolean on) {
                b.restrictions(Restrictions.Settings.defaults().withEnabled(on));
            } else {
                b.restrictions(restrictions(m.section("restrict", RESTRICT_KEYS)));
            }
        }
        if (m.has("refusalErrorRate")) {
            b.refusalErrorRate(m.number("refusalErrorRate"));
        }
        if (m.has("renew")) {
            b.sessionRenewal(renewal(m));
        }
        return b;
    }

    private static ChannelBuilder channel(String name, ConfigFile c) {
        ChannelBuilder b = Channel.builder(name);
        if (c.has("name")) {
            b.estate(c.string("name"));
        }
        if (c.has("role")) {
            b.role(c.string("role"));
        }
        if (c.has("host")) {
            b.host(c.string("host"));
        }
        if (c.has("port")) {
            b.port(c.integer("port"));
        }
        if (c.has("main")) {
            b.main(c.bool("main"));
        }
        if (c.has("keep")) {
            b.keep(c.path("keep"));
        }
        if (c.has("auto")) {
            b.auto(parseAuto(c.string("auto")));
        }
        for (String j : c.strings("join", "\"host:port\" strings")) {
            b.join(parseHostPort(j));
        }
        if (c.has("control")) {
            b.control(c.bool("control"));
        }
        for (String f : c.strings("members", "key file paths")) {
            b.member(c.resolve(f));
        }
        return b;
    }

    /** {@code "renew": false}, or {@code {"maxAgeSeconds": s, "maxBytes": n}} (a missing one: never by it). */
    private static SessionRenewal renewal(ConfigFile m) {
        if (m.get("renew") instanceof Boolean on) {
            return on ? SessionRenewal.defaults() : SessionRenewal.OFF;
        }
        ConfigFile r = m.section("renew", Set.of("maxAgeSeconds", "maxBytes"));
        try {
            double age = r.has("maxAgeSeconds") ? r.number("maxAgeSeconds") : 0;
            if (!(age >= 0) || age > MAX_RENEW_AGE_SECONDS) {
                throw new IllegalArgumentException("maxAgeSeconds must be 0 (never) to " + MAX_RENEW_AGE_SECONDS
                        + ", not " + age);
            }
            return new SessionRenewal(Duration.ofNanos(Math.round(age * 1e9)),
                    r.has("maxBytes") ? r.longInteger("maxBytes") : 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'renew': " + e.getMessage(), e);
        }
    }

    private static PassphraseSource passphrase(ConfigFile p) {
        if (p.keys().size() != 1) {
            throw new IllegalArgumentException("'passphrase' names one source: {\"file\": path}, {\"env\": variable}"
                    + " or {\"credential\": name}");
        }
        if (p.has("file")) {
            return PassphraseSource.file(p.path("file"));
        }
        if (p.has("env")) {
            return PassphraseSource.environment(p.string("env"));
        }
        return PassphraseSource.credential(p.string("credential"));
    }

    private static Restrictions.Settings restrictions(ConfigFile r) {
        Restrictions.Settings d = Restrictions.Settings.defaults();
        try {
            Restrictions.Settings s = d.withEnabled(!r.has("enabled") || r.bool("enabled"))
                    .withLevels(r.has("throttleAt") ? r.number("throttleAt") : d.throttleAt(),
                            r.has("denyAt") ? r.number("denyAt") : d.denyAt())
                    .withTimes(r.has("halfLifeMillis") ? Duration.ofMillis(r.integer("halfLifeMillis")) : d.halfLife(),
                            r.has("coolingMillis") ? Duration.ofMillis(r.integer("coolingMillis")) : d.cooling())
                    .withRates(r.has("throttleRate") ? r.number("throttleRate") : d.throttleRate(),
                            r.has("rate") ? r.number("rate") : d.rate(),
                            r.has("rateBurst") ? r.number("rateBurst") : d.rateBurst());
            if (r.has("openRequests")) {
                s = s.withOpenRequests(r.number("openRequests"));
            }
            return r.has("maxSources") ? s.withMaxSources(r.integer("maxSources")) : s;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'restrict': " + e.getMessage(), e);
        }
    }

    /**
     * {@code never}, {@code once} or {@code always}.
     *
     * @param s the mode, in any case
     * @return the auto mode
     * @throws IllegalArgumentException for any other text
     */
    public static AutoMode parseAuto(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "never" -> AutoMode.NEVER;
            case "once" -> AutoMode.ONCE;
            case "always" -> AutoMode.ALWAYS;
            default -> throw new IllegalArgumentException("auto must be never, once or always, not '" + s + "'");
        };
    }

    /**
     * {@code queue}, {@code best}, {@code topic} or {@code pool}.
     *
     * @param s the kind, in any case
     * @return the share kind
     * @throws IllegalArgumentException for any other text
     */
    public static ShareKind parseShareKind(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "queue" -> ShareKind.QUEUE;
            case "best" -> ShareKind.BEST;
            case "topic" -> ShareKind.TOPIC;
            case "pool" -> ShareKind.POOL;
            default -> throw new IllegalArgumentException("share kind must be queue, best, topic or pool, not '" + s
                    + "'");
        };
    }

    /**
     * {@code host:port} (an IPv6 host in brackets).
     *
     * @param s the text
     * @return the address
     * @throws IllegalArgumentException when it is not host:port with a port 1..65535
     */
    public static InetSocketAddress parseHostPort(String s) {
        return parseHostPort("address", s);
    }

    /**
     * {@code host:port} (an IPv6 host in brackets); errors name the setting {@code what} (e.g. {@code --to}).
     *
     * @param what the setting's name
     * @param s the text
     * @return the address
     * @throws IllegalArgumentException when it is not host:port with a port 1..65535
     */
    public static InetSocketAddress parseHostPort(String what, String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException(what + " must be host:port, not '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be host:port, not '" + s + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + ": port must be 1..65535 in '" + s + "'");
        }
        return new InetSocketAddress(host, port);
    }

    /** {@return the estate name on the road} */
    public String name() {
        return name;
    }

    /** {@return the road role other estates see} */
    public String role() {
        return role;
    }

    /** {@return the address bound} */
    public String host() {
        return host;
    }

    /** {@return the UDP port (0: the kept one, else any free one)} */
    public int port() {
        return port;
    }

    /** {@return whether other estates may join this one} */
    public boolean main() {
        return main;
    }

    /** {@return the keep directory, or null for a router that keeps nothing on disk} */
    public Path keep() {
        return keep;
    }

    /** {@return the acceptance of joining roles} */
    public AutoMode auto() {
        return auto;
    }

    /** {@return the lane's name} */
    public String lane() {
        return lane;
    }

    /** {@return the lane's socket directory, or null for the lane's default} */
    public Path laneDir() {
        return laneDir;
    }

    /** {@return the yards admitted on the lane; empty: any yard whose socket is in the lane directory} */
    public List<String> yards() {
        return yards;
    }

    /**
     * Estates joined (and allowed) at start, retried until they answer.
     *
     * @return their addresses
     */
    public List<InetSocketAddress> join() {
        return join;
    }

    /** {@return the table used when there is no policy file (or before it is first read)} */
    public Policy policy() {
        return policy;
    }

    /** {@return a policy file re-read whenever it changes, or null} */
    public Path policyFile() {
        return policyFile;
    }

    /** {@return an alias table file ({@link io.raet.route.Aliases}) re-read whenever it changes, or null} */
    public Path aliasFile() {
        return aliasFile;
    }

    /** {@return the router's own shares, by name} */
    public Map<String, ShareKind> shares() {
        return shares;
    }

    /** {@return how often the policy file is checked for changes} */
    public Duration policyPoll() {
        return policyPoll;
    }

    /** {@return the pause between attempts to join an estate that does not answer} */
    public Duration joinRetry() {
        return joinRetry;
    }

    /** {@return most messages queued for one yard} */
    public int laneQueue() {
        return laneQueue;
    }

    /** {@return most messages of one source queued for one yard} */
    public int laneQueuePerSource() {
        return laneQueuePerSource;
    }

    /** {@return most received messages of one yard waiting to be routed} */
    public int laneInboxPerSource() {
        return laneInboxPerSource;
    }

    /** {@return most messages forwarded to one estate and not yet acknowledged by it} */
    public int roadInFlight() {
        return roadInFlight;
    }

    /** {@return every road of the router by channel name, the default channel ({@code ""}) first} */
    public Map<String, Channel> channels() {
        return channels;
    }

    /** {@return the control channel, if one is configured} */
    public java.util.Optional<Channel> control() {
        return channels.values().stream().filter(Channel::control).findFirst();
    }

    /** {@return the genesis document of the governed policy, or null for a router with its own policy} */
    public Path genesis() {
        return genesis;
    }

    /** {@return the directory of the router's policy chain (its audit log), or null} */
    public Path chain() {
        return chain;
    }

    /** {@return where the passphrase of sealed keeps comes from, or null} */
    public PassphraseSource passphrase() {
        return passphrase;
    }

    /** {@return the behaviour-driven restriction} */
    public Restrictions.Settings restrictions() {
        return restrictions;
    }

    /** {@return most {@code err} answers a second to one source for its messages refused at a bound} */
    public double refusalErrorRate() {
        return refusalErrorRate;
    }

    /** {@return when the sessions of every channel's road are renewed (forward secrecy)} */
    public SessionRenewal sessionRenewal() {
        return sessionRenewal;
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        return port;
    }

    @Override
    public String toString() {
        return "RouterConfig[" + name + " role=" + role + " " + host + ":" + port + " lane=" + lane + " dir=" + laneDir
                + " join=" + join + " policyFile=" + policyFile + "]";
    }

    /** Builds a {@link RouterConfig}; defaults: role {@code router}, 127.0.0.1:7530, main, auto {@code once}. */
    public static final class Builder {
        private String name;
        private String role = "router";
        private String host = "127.0.0.1";
        private int port = 7530;
        private boolean main = true;
        private Path keep;
        private AutoMode auto = AutoMode.ONCE;
        private String lane = LaneNames.DEFAULT_LANE;
        private Path laneDir;
        private final Set<String> yards = new LinkedHashSet<>();
        private final List<InetSocketAddress> join = new ArrayList<>();
        private Policy policy = Policy.allowAll();
        private Path policyFile;
        private Path aliasFile;
        private final Map<String, ShareKind> shares = new LinkedHashMap<>();
        private Duration policyPoll = Duration.ofMillis(500);
        private Duration joinRetry = Duration.ofSeconds(2);
        private int laneQueue = DEFAULT_LANE_QUEUE;
        private int laneQueuePerSource = DEFAULT_LANE_QUEUE_PER_SOURCE;
        private int laneInboxPerSource = DEFAULT_LANE_INBOX_PER_SOURCE;
        private int roadInFlight = DEFAULT_ROAD_IN_FLIGHT;
        private final Map<String, ChannelBuilder> channels = new LinkedHashMap<>();
        private Path genesis;
        private Path chain;
        private PassphraseSource passphrase;
        private Restrictions.Settings restrictions = Restrictions.Settings.defaults();
        private double refusalErrorRate = DEFAULT_REFUSAL_ERROR_RATE;
        private SessionRenewal sessionRenewal = SessionRenewal.defaults();

        private Builder() {}

        /**
         * The estate name on the road.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The road role other estates see (and authorize by); default {@code router}.
         *
         * @param role the role
         * @return this builder
         */
        public Builder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /**
         * The address to bind (default all interfaces).
         *
         * @param host the host
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * UDP port; 0 reuses the kept port or picks a free one.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * Whether other estates may join this one (default true: routers join each other).
         *
         * @param main whether they may
         * @return this builder
         */
        public Builder main(boolean main) {
            this.main = main;
            return this;
        }

        /**
         * The keep directory of the default road.
         *
         * @param keep the directory, or null for none
         * @return this builder
         */
        public Builder keep(Path keep) {
            this.keep = keep;
            return this;
        }

        /**
         * The acceptance of joining roles.
         *
         * @param auto the auto mode
         * @return this builder
         */
        public Builder auto(AutoMode auto) {
            this.auto = Objects.requireNonNull(auto, "auto");
            return this;
        }

        /**
         * The lane's name (default {@code lane}).
         *
         * @param lane the name
         * @return this builder
         */
        public Builder lane(String lane) {
            this.lane = LaneNames.checkLane(lane);
            return this;
        }

        /**
         * The lane's socket directory.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder laneDir(Path dir) {
            this.laneDir = dir;
            return this;
        }

        /**
         * Admits only the named yards (call once per yard); without any, every yard of the lane directory.
         *
         * @param name the yard's name
         * @return this builder
         */
        public Builder yard(String name) {
            yards.add(LaneNames.checkYard(name));
            return this;
        }

        /**
         * An estate joined (and allowed) at start, retried until it answers; call once per estate.
         *
         * @param estate its address
         * @return this builder
         */
        public Builder join(InetSocketAddress estate) {
            join.add(Objects.requireNonNull(estate, "estate"));
            return this;
        }

        /**
         * The table used when there is no policy file (or before it is first read).
         *
         * @param policy the table
         * @return this builder
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * A policy file, read at start and re-read whenever it changes.
         *
         * @param file the file, or null for none
         * @return this builder
         */
        public Builder policyFile(Path file) {
            this.policyFile = file;
            return this;
        }

        /**
         * The alias table file, read at start and re-read when it changes (as the policy file).
         *
         * @param file the file
         * @return this builder
         */
        public Builder aliasFile(Path file) {
            this.aliasFile = file;
            return this;
        }

        /**
         * A share of the router's own yard ({@code [estate, "router", name]}).
         *
         * @param name the share's name
         * @param kind its kind
         * @return this builder
         */
        public Builder share(String name, ShareKind kind) {
            if (!Shares.isValidName(name)) {
                throw new IllegalArgumentException("invalid share name '" + name + "'");
            }
            shares.put(name, Objects.requireNonNull(kind, "kind"));
            return this;
        }

        /**
         * How often the policy file is checked for changes (default 500 ms).
         *
         * @param every the period
         * @return this builder
         */
        public Builder policyPoll(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("policy poll interval must be positive");
            }
            this.policyPoll = every;
            return this;
        }

        /**
         * Pause between attempts to join an estate that does not answer (default 2 s).
         *
         * @param every the pause
         * @return this builder
         */
        public Builder joinRetry(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("join retry interval must be positive");
            }
            this.joinRetry = every;
            return this;
        }

        /**
         * Most messages queued for one yard (default {@value RouterConfig#DEFAULT_LANE_QUEUE}).
         *
         * @param n the bound
         * @return this builder
         */
        public Builder laneQueue(int n) {
            this.laneQueue = atLeastOne("laneQueue", n);
            return this;
        }

        /**
         * Most messages of one source queued for one yard (default
         * {@value RouterConfig#DEFAULT_LANE_QUEUE_PER_SOURCE}); beyond it the source is answered {@code err}.
         *
         * @param n the bound
         * @return this builder
         */
        public Builder laneQueuePerSource(int n) {
            this.laneQueuePerSource = atLeastOne("laneQueuePerSource", n);
            return this;
        }

        /**
         * Most received messages of one yard waiting to be routed (default: no share, the lane's whole inbox); beyond
         * it they are dropped and counted ({@code lane_inbox_source_full}).
         *
         * @param n the bound
         * @return this builder
         */
        public Builder laneInboxPerSource(int n) {
            this.laneInboxPerSource = atLeastOne("laneInboxPerSource", n);
            return this;
        }

        /**
         * Most messages forwarded to one estate and not yet acknowledged (default
         * {@value RouterConfig#DEFAULT_ROAD_IN_FLIGHT}); beyond it the source is answered {@code err}.
         *
         * @param n the bound
         * @return this builder
         */
        public Builder roadInFlight(int n) {
            this.roadInFlight = atLeastOne("roadInFlight", n);
            return this;
        }

        /**
         * Another road of the router (a channel other than the default one); replaces one of the same name.
         *
         * @param channel the channel
         * @return this builder
         */
        public Builder channel(ChannelBuilder channel) {
            channels.put(channel.name, channel);
            return this;
        }

        /**
         * The genesis document: the router's table is then governed by the chain kept in {@link #chain}.
         *
         * @param file the genesis document
         * @return this builder
         */
        public Builder genesis(Path file) {
            this.genesis = file;
            return this;
        }

        /**
         * The directory of the router's policy chain (created with the genesis when missing).
         *
         * @param dir the chain directory
         * @return this builder
         */
        public Builder chain(Path dir) {
            this.chain = dir;
            return this;
        }

        /**
         * Where the passphrase of the router's sealed keeps comes from (read once, at start).
         *
         * @param source where the passphrase comes from
         * @return this builder
         */
        public Builder passphrase(PassphraseSource source) {
            this.passphrase = source;
            return this;
        }

        /**
         * The behaviour-driven restriction ({@link Restrictions.Settings#off()} turns it off).
         *
         * @param settings the thresholds
         * @return this builder
         */
        public Builder restrictions(Restrictions.Settings settings) {
            this.restrictions = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Most {@code err} answers a second to one source for its messages refused at a bound (default
         * {@value RouterConfig#DEFAULT_REFUSAL_ERROR_RATE}); the others are counted, not answered.
         *
         * @param perSecond the rate
         * @return this builder
         */
        public Builder refusalErrorRate(double perSecond) {
            if (!(perSecond > 0)) {
                throw new IllegalArgumentException("'refusalErrorRate' must be positive, not " + perSecond);
            }
            this.refusalErrorRate = perSecond;
            return this;
        }

        /**
         * When the sessions of every channel's road are renewed by a new allow (forward secrecy; default
         * {@link SessionRenewal#defaults()}, {@link SessionRenewal#OFF} for never).
         *
         * @param renewal the age and byte count at which a session is renewed
         * @return this builder
         */
        public Builder sessionRenewal(SessionRenewal renewal) {
            this.sessionRenewal = Objects.requireNonNull(renewal, "renewal (SessionRenewal.OFF for none)");
            return this;
        }

        private static int atLeastOne(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException("'" + what + "' must be at least 1, not " + n);
            }
            return n;
        }

        /**
         * {@return the configuration}
         *
         * @throws IllegalArgumentException when a setting is missing or they contradict each other
         */
        public RouterConfig build() {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a router needs a name");
            }
            if (channels.values().stream().filter(c -> c.control).count() > 1) {
                throw new IllegalArgumentException("a router has at most one control channel");
            }
            if (genesis != null && chain == null) {
                throw new IllegalArgumentException("a governed router (genesis) needs the directory of its policy"
                        + " chain: set 'chain'");
            }
            if (genesis == null && chain != null) {
                throw new IllegalArgumentException("'chain' is the chain of a governed router: set 'genesis' too");
            }
            if (genesis != null && policyFile != null) {
                throw new IllegalArgumentException("a governed router takes its table from its policy chain; remove"
                        + " 'policyFile' (the inline 'policy' serves until the first version)");
            }
            return new RouterConfig(this);
        }
    }
}
