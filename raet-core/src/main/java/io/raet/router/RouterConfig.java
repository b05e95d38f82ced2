package io.raet.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.keep.AutoMode;
import io.raet.lane.LaneNames;
import io.raet.route.Policy;
import io.raet.route.Shares;
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
 * <p>Only {@code name} is required. Unknown keys are an error, so a misspelt setting is never silently ignored.
 */
public final class RouterConfig {
    /** The kinds of share a router may hold itself ({@code POOL}: load-balanced over worker yards). */
    public enum ShareKind { QUEUE, BEST, TOPIC, POOL }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("name", "role", "host", "port", "main", "keep", "auto", "lane",
            "laneDir", "yards", "join", "policy", "policyFile", "shares", "policyPollMillis", "joinRetryMillis",
            "laneQueue", "laneQueuePerSource", "laneInboxPerSource", "roadInFlight", "aliasFile");
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
    }

    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /** A builder with the settings of this configuration. */
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
        return b;
    }

    /**
     * Reads a configuration file (JSON object, keys as in the class description); relative paths in it are taken
     * from the file's directory.
     *
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

    /** Parses configuration JSON; relative paths are resolved against {@code base} (null: as they are). */
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
        return b;
    }

    /** {@code never}, {@code once} or {@code always}. */
    public static AutoMode parseAuto(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "never" -> AutoMode.NEVER;
            case "once" -> AutoMode.ONCE;
            case "always" -> AutoMode.ALWAYS;
            default -> throw new IllegalArgumentException("auto must be never, once or always, not '" + s + "'");
        };
    }

    /** {@code queue}, {@code best}, {@code topic} or {@code pool}. */
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

    /** {@code host:port} (an IPv6 host in brackets). */
    public static InetSocketAddress parseHostPort(String s) {
        return parseHostPort("address", s);
    }

    /**
     * {@code host:port} (an IPv6 host in brackets); errors name the setting {@code what} (e.g. {@code --to}).
     *
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

    public String name() {
        return name;
    }

    public String role() {
        return role;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean main() {
        return main;
    }

    /** The keep directory, or null for a router that keeps nothing on disk. */
    public Path keep() {
        return keep;
    }

    public AutoMode auto() {
        return auto;
    }

    public String lane() {
        return lane;
    }

    /** The lane's socket directory, or null for the lane's default. */
    public Path laneDir() {
        return laneDir;
    }

    /** The yards admitted on the lane; empty: any yard whose socket is in the lane directory. */
    public List<String> yards() {
        return yards;
    }

    /** Estates joined (and allowed) at start, retried until they answer. */
    public List<InetSocketAddress> join() {
        return join;
    }

    /** The table used when there is no policy file (or before it is first read). */
    public Policy policy() {
        return policy;
    }

    /** A policy file re-read whenever it changes, or null. */
    public Path policyFile() {
        return policyFile;
    }

    /** An alias table file ({@link io.raet.route.Aliases}) re-read whenever it changes, or null. */
    public Path aliasFile() {
        return aliasFile;
    }

    public Map<String, ShareKind> shares() {
        return shares;
    }

    public Duration policyPoll() {
        return policyPoll;
    }

    public Duration joinRetry() {
        return joinRetry;
    }

    /** Most messages queued for one yard. */
    public int laneQueue() {
        return laneQueue;
    }

    /** Most messages of one source queued for one yard. */
    public int laneQueuePerSource() {
        return laneQueuePerSource;
    }

    /** Most received messages of one yard waiting to be routed. */
    public int laneInboxPerSource() {
        return laneInboxPerSource;
    }

    /** Most messages forwarded to one estate and not yet acknowledged by it. */
    public int roadInFlight() {
        return roadInFlight;
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

        private Builder() {}

        /** The estate name on the road. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The road role other estates see (and authorize by); default {@code router}. */
        public Builder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** UDP port; 0 reuses the kept port or picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /** Whether other estates may join this one (default true: routers join each other). */
        public Builder main(boolean main) {
            this.main = main;
            return this;
        }

        public Builder keep(Path keep) {
            this.keep = keep;
            return this;
        }

        public Builder auto(AutoMode auto) {
            this.auto = Objects.requireNonNull(auto, "auto");
            return this;
        }

        public Builder lane(String lane) {
            this.lane = LaneNames.checkLane(lane);
            return this;
        }

        public Builder laneDir(Path dir) {
            this.laneDir = dir;
            return this;
        }

        /** Admits only the named yards (call once per yard); without any, every yard of the lane directory. */
        public Builder yard(String name) {
            yards.add(LaneNames.checkYard(name));
            return this;
        }

        public Builder join(InetSocketAddress estate) {
            join.add(Objects.requireNonNull(estate, "estate"));
            return this;
        }

        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder policyFile(Path file) {
            this.policyFile = file;
            return this;
        }

        /** The alias table file, read at start and re-read when it changes (as the policy file). */
        public Builder aliasFile(Path file) {
            this.aliasFile = file;
            return this;
        }

        /** A share of the router's own yard ({@code [estate, "router", name]}). */
        public Builder share(String name, ShareKind kind) {
            if (!Shares.isValidName(name)) {
                throw new IllegalArgumentException("invalid share name '" + name + "'");
            }
            shares.put(name, Objects.requireNonNull(kind, "kind"));
            return this;
        }

        /** How often the policy file is checked for changes (default 500 ms). */
        public Builder policyPoll(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("policy poll interval must be positive");
            }
            this.policyPoll = every;
            return this;
        }

        /** Pause between attempts to join an estate that does not answer (default 2 s). */
        public Builder joinRetry(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("join retry interval must be positive");
            }
            this.joinRetry = every;
            return this;
        }

        /** Most messages queued for one yard (default {@value RouterConfig#DEFAULT_LANE_QUEUE}). */
        public Builder laneQueue(int n) {
            this.laneQueue = atLeastOne("laneQueue", n);
            return this;
        }

        /**
         * Most messages of one source queued for one yard (default
         * {@value RouterConfig#DEFAULT_LANE_QUEUE_PER_SOURCE}); beyond it the source is answered {@code err}.
         */
        public Builder laneQueuePerSource(int n) {
            this.laneQueuePerSource = atLeastOne("laneQueuePerSource", n);
            return this;
        }

        /**
         * Most received messages of one yard waiting to be routed (default: no share, the lane's whole inbox); beyond
         * it they are dropped and counted ({@code lane_inbox_source_full}).
         */
        public Builder laneInboxPerSource(int n) {
            this.laneInboxPerSource = atLeastOne("laneInboxPerSource", n);
            return this;
        }

        /**
         * Most messages forwarded to one estate and not yet acknowledged (default
         * {@value RouterConfig#DEFAULT_ROAD_IN_FLIGHT}); beyond it the source is answered {@code err}.
         */
        public Builder roadInFlight(int n) {
            this.roadInFlight = atLeastOne("roadInFlight", n);
            return this;
        }

        private static int atLeastOne(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException("'" + what + "' must be at least 1, not " + n);
            }
            return n;
        }

        public RouterConfig build() {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a router needs a name");
            }
            return new RouterConfig(this);
        }
    }
}
