package io.raet.router;

import io.raet.agent.Agent;
import io.raet.agent.AgentRunner;
import io.raet.agent.Deadlines;
import io.raet.agent.ParkingIdleStrategy;
import io.raet.keep.KeepException;
import io.raet.keep.PassphraseSource;
import io.raet.keep.RemoteRoleData;
import io.raet.keep.RoadKeep;
import io.raet.lane.LaneException;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneNames;
import io.raet.lane.LaneStack;
import io.raet.lane.UxdException;
import io.raet.road.DeliveryException;
import io.raet.road.DeliveryFailure;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import io.raet.road.SessionRenewal;
import io.raet.route.Address;
import io.raet.route.Aliases;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.FlowRouter;
import io.raet.route.Kind;
import io.raet.route.Policy;
import io.raet.route.PresenceShare;
import io.raet.route.RouteAction;
import io.raet.route.Shares;
import io.raet.route.Stamp;
import io.raet.route.Topology;
import io.raet.trust.ChainFiles;
import io.raet.trust.Genesis;
import io.raet.trust.KeyAcceptance;
import io.raet.trust.PolicyChain;
import io.raet.trust.Restrictions;
import io.raet.trust.SignedVersion;
import io.raet.trust.TrustException;
import io.raet.trust.TrustMessage;
import io.raet.trust.TrustPlane;
import io.raet.util.TokenBucket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of one host: road estates (one per channel), the main lane yard {@value Address#ROUTER_YARD} and a
 * {@link FlowRouter} between them (docs/routing.md). Programs on the host are yards of the lane (the Python SDK,
 * {@link Yard}, or any program that speaks lane pages); other hosts are estates on the roads.
 *
 * <p><b>Channels.</b> Each channel is a road of its own (port, keys, keep, acceptance); the default channel {@code ""}
 * is the road of the top-level settings. The channel level of a destination picks the road a message leaves on, and a
 * message that arrives on a road carries that channel in its {@code src}. The control channel's members are
 * provisioned ahead (key files, acceptance {@code never}; any other join is refused) and only it carries the governed
 * policy: {@link TrustMessage}s to the share {@value TrustPlane#SHARE} of the router yard.
 *
 * <p><b>Governed policy.</b> With a genesis the router keeps a {@link PolicyChain} in its chain directory (the audit
 * log) and takes its table from the chain's head: versions and proposals from control members (or from a yard of the
 * host, {@code raet policy submit}) are verified by a {@link TrustPlane}, stored, applied (the table, and the key
 * acceptances into the keeps of the other channels), and passed on; a control peer that appears is asked for what
 * this router lacks, and asked questions are answered to control members only.
 *
 * <p><b>Restriction.</b> A {@link Restrictions} scores every estate and yard from what the router sees it do (denied,
 * malformed and misaddressed messages, refusals at its bounds, rates above a threshold, sessions reopened) and
 * throttles, then denies, a source that misbehaves, before its messages are routed; control-channel traffic is not
 * scored.
 *
 * <p><b>Threads.</b> One virtual thread per road takes what it delivers (authenticated, with the sender's role); an
 * agent (docs of {@code io.raet.agent}) takes what the lane delivers and serves the router's own work: presence
 * events, the restriction's reports and lifts, and every poll period the policy and alias files (re-read when they
 * change; an invalid file is reported and the table in force stays) and the lane directory (yards arriving and
 * leaving). Each asks the flow router and hands the results to a road or the lane without waiting. A message that
 * cannot be handed on is answered with an {@code err} to its source with the reason: {@code timeout} when the next
 * hop does not take it in time, {@code refused} when a bound was hit or the estate refused it, {@code
 * unknown_destination} when the yard is gone. The {@code err} answers to one source for refusals at a bound are
 * paced ({@link RouterConfig#refusalErrorRate()}; the others are counted, {@code errors_paced}). Every {@code err}
 * the router makes is stamped, and one for an estate goes back on the road of the channel the message came on.
 *
 * <p><b>Presence and pools.</b> Estate events of every road but the control channel's, and the yards arriving and
 * leaving, are published on the router's {@value PresenceShare#NAME} topic (unless the configuration gives that
 * share another kind); shares of kind {@code pool} are served by the worker yards that register with them
 * (docs/routing.md).
 *
 * <p>What one source can make the router hold is bounded ({@link RouterConfig}): the messages queued for a yard wait
 * per source and the sources take turns; a source beyond its share of a yard's queue, or a yard's queue beyond its
 * bound, is refused ({@code forward_refused_lane}); messages forwarded to an estate and not yet acknowledged are
 * bounded per estate ({@code forward_refused_road}). Refusals are reported as {@link RouterEvent.ForwardFailed} at most
 * once a second per destination. No exception from one message ends a thread of the router (counted
 * {@code loop_errors}); a {@link VirtualMachineError}, or the lane closing by itself, closes the router loudly
 * ({@link #failure()}).
 *
 * <pre>{@code
 * try (Router r = Router.start(RouterConfig.builder("alpha").port(7530).laneDir(dir).build(), System.out::println)) {
 *     r.awaitClose();
 * }
 * }</pre>
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final long ATTEMPT_SECONDS = 10;

    /** Counters of the router itself (the flow router and the stacks have their own). */
    private enum Count {
        FORWARD_FAILED_ROAD, FORWARD_FAILED_LANE, FORWARD_REFUSED_ROAD, FORWARD_REFUSED_LANE, DROPPED, ERRORS_UNSENT,
        /** {@code err} answers not sent: the source's budget of refusal errors was spent. */
        ERRORS_PACED,
        /** Messages refused because their source is restricted. */
        RESTRICTED_REFUSED,
        /** Joins and messages refused on the control channel (not provisioned, not the control plane's). */
        CONTROL_REFUSED,
        POLICY_RELOADS, POLICY_REJECTED, POLICY_STORE_FAILED, LOOP_ERRORS, ALIAS_RELOADS, ALIAS_REJECTED,
        PRESENCE_DROPPED
    }

    /** Most road events waiting to be published on the presence topic (beyond: dropped, counted). */
    private static final int PRESENCE_QUEUE = 1024;
    /** How often the restriction's changes are reported, and how often it lifts what is due. */
    private static final long RESTRICT_REPORT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RESTRICT_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The fairness source of what the router sends on its own behalf (its shares, its errors). */
    static final String ROUTER_SOURCE = "router";
    /** The role of a submission from a yard of this host, in events. */
    static final String LOCAL = "local";
    private static final long REFUSAL_EVENT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_ERROR_BUDGETS = 4096;
    private static final int MAX_MEMBER_FILE_BYTES = 64 * 1024;

    /** One road of the router. */
    static final class ChannelRoad {
        final RouterConfig.Channel config;
        final RoadStack road;
        final RoadKeep keep;
        /** Provisioned members of the control channel, by role. */
        final Map<String, KeyAcceptance> members;
        final Set<String> estates = ConcurrentHashMap.newKeySet();
        /** The road role of each estate heard from. */
        final Map<String, String> roles = new ConcurrentHashMap<>();
        /** Messages forwarded to each estate and not yet acknowledged. */
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

        ChannelRoad(RouterConfig.Channel config, RoadStack road, RoadKeep keep, Map<String, KeyAcceptance> members) {
            this.config = config;
            this.road = road;
            this.keep = keep;
            this.members = Map.copyOf(members);
        }

        String name() {
            return config.name();
        }

        boolean control() {
            return config.control();
        }
    }

    private final RouterConfig config;
    private final Map<String, ChannelRoad> channels;
    private final ChannelRoad main;
    private final ChannelRoad control;
    private final LaneStack lane;
    private final FlowRouter flows;
    private final TrustPlane trust;
    private final Restrictions restrictions;
    private final List<Consumer<RouterEvent>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final List<Thread> threads = new ArrayList<>();
    /** The router's agent: what the lane delivers, and the timers. */
    private final AgentRunner agent;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** When a refusal to each destination was last reported as an event. */
    private final Map<String, Long> refusalReported = new ConcurrentHashMap<>();
    /** Each source's budget of {@code err} answers for its refused messages. */
    private final Map<String, TokenBucket> errorBudgets = new ConcurrentHashMap<>();
    /** The key acceptances of the governed version in force, by role. */
    private Map<String, KeyAcceptance> governedAccept = Map.of();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private final WatchedFile<Policy> policyFile;
    private final WatchedFile<Aliases> aliasFile;
    private final YardWatch yardWatch;
    /** Road events for the presence topic, published by the lane agent (road listeners must stay quick). */
    private final BlockingQueue<Runnable> presence = new ArrayBlockingQueue<>(PRESENCE_QUEUE);

    private Router(RouterConfig config, Map<String, ChannelRoad> channels, LaneStack lane, Policy policy,
            WatchedFile<Policy> policyFile, WatchedFile<Aliases> aliasFile, Aliases aliases, PolicyChain chain,
            Consumer<RouterEvent> listener) {
        this.config = config;
        this.channels = channels;
        this.main = channels.get(RouterConfig.DEFAULT_CHANNEL);
        this.control = channels.values().stream().filter(ChannelRoad::control).findFirst().orElse(null);
        this.lane = lane;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        if (listener != null) {
            listeners.add(listener);
        }
        String self = main.road.name();
        Topology topology = new Topology() {
            @Override
            public boolean hasEstate(String estate) {
                return main.estates.contains(estate);
            }

            @Override
            public boolean hasEstate(String estate, String channel) {
                ChannelRoad c = channels.get(channel);
                return c != null && c.estates.contains(estate);
            }

            @Override
            public boolean hasChannel(String channel) {
                return channels.containsKey(channel);
            }

            @Override
            public boolean hasYard(String yard) {
                return !Address.ROUTER_YARD.equals(yard) && (lane.hasYard(yard) || discoverYard(yard));
            }

            @Override
            public String localEstate() {
                return self;
            }
        };
        Shares shares = new Shares(Address.of(self, Address.ROUTER_YARD));
        for (Map.Entry<String, RouterConfig.ShareKind> e : config.shares().entrySet()) {
            switch (e.getValue()) {
                case QUEUE -> shares.queue(e.getKey());
                case BEST -> shares.bestValue(e.getKey());
                case TOPIC -> shares.topic(e.getKey());
                case POOL -> shares.pool(e.getKey());
            }
        }
        if (!shares.has(PresenceShare.NAME)) {
            shares.presence();
        }
        this.flows = new FlowRouter(topology, shares, policy);
        flows.aliases(aliases);
        this.policyFile = policyFile;
        this.aliasFile = aliasFile;
        this.trust = chain == null ? null : new TrustPlane(chain);
        this.restrictions = new Restrictions(config.restrictions());
        this.yardWatch = new YardWatch(lane.ha().getParent(), lane.lane(), Address.ROUTER_YARD, config.yards());
        this.agent = new AgentRunner(new LaneSide(), new ParkingIdleStrategy(), 64);
    }

    /**
     * Starts a router with no listener.
     *
     * @param config the router's settings
     * @return the running router
     * @throws IOException when a road or the lane cannot be bound
     */
    public static Router start(RouterConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * Binds the roads and the lane, reads the policy file or opens the policy chain, reads the alias file, and starts
     * routing; {@code listener} (may be null) hears every {@link RouterEvent} from the first one on.
     *
     * @param config the router's settings
     * @param listener hears every event, or null
     * @return the running router
     * @throws IOException when a road or the lane cannot be bound
     * @throws IllegalArgumentException when the policy file, the alias file, the genesis, the chain or a member key
     *     file is missing or invalid
     * @throws KeepException when a keep cannot be opened (a sealed keep without its passphrase, a wrong passphrase)
     */
    public static Router start(RouterConfig config, Consumer<RouterEvent> listener) throws IOException {
        Objects.requireNonNull(config, "config");
        Policy policy = config.policy();
        WatchedFile<Policy> policyFile = null;
        if (config.policyFile() != null) {
            policyFile = new WatchedFile<>(config.policyFile(), "policy file", Policy::parseJson);
            policy = policyFile.load();
        }
        WatchedFile<Aliases> aliasFile = null;
        Aliases aliases = Aliases.none();
        if (config.aliasFile() != null) {
            aliasFile = new WatchedFile<>(config.aliasFile(), "alias file", Aliases::parseJson);
            aliases = aliasFile.load();
        }
        PolicyChain chain = null;
        if (config.genesis() != null) {
            try {
                chain = ChainFiles.open(config.chain(), ChainFiles.readGenesis(config.genesis()));
            } catch (TrustException e) {
                throw new IllegalArgumentException("governed policy: " + e.getMessage(), e);
            }
            policy = chain.policy().orElse(policy);
        }
        Map<String, Map<String, KeyAcceptance>> members = new LinkedHashMap<>();
        for (RouterConfig.Channel c : config.channels().values()) {
            members.put(c.name(), readMembers(c));
        }
        Map<String, ChannelRoad> channels = new LinkedHashMap<>();
        byte[] passphrase = null;
        try {
            if (config.passphrase() != null
                    && config.channels().values().stream().anyMatch(c -> c.keep() != null)) {
                passphrase = config.passphrase().read();
            }
            for (RouterConfig.Channel c : config.channels().values()) {
                channels.put(c.name(), openChannel(c, members.get(c.name()), passphrase, config.passphrase(),
                        config.sessionRenewal()));
            }
        } catch (RuntimeException e) {
            channels.values().forEach(c -> c.road.close());
            throw e;
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, (byte) 0);
            }
        }
        LaneStack lane;
        try {
            LaneStack.Builder lb = LaneStack.builder().lane(config.lane()).name(Address.ROUTER_YARD)
                    .maxQueued(config.laneQueue()).maxQueuedPerSource(config.laneQueuePerSource())
                    .inboxPerSource(config.laneInboxPerSource());
            if (config.laneDir() != null) {
                lb.dir(config.laneDir());
            }
            if (!config.yards().isEmpty()) {
                lb.allowOnly(config.yards().toArray(String[]::new));
            }
            lane = lb.build();
        } catch (UxdException e) {
            channels.values().forEach(c -> c.road.close());
            throw new IOException("lane: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            channels.values().forEach(c -> c.road.close());
            throw e;
        }
        Router r = new Router(config, java.util.Collections.unmodifiableMap(channels), lane, policy, policyFile,
                aliasFile, aliases, chain, listener);
        r.begin();
        return r;
    }

    /** Opens the keep and binds the road of one channel; the control channel's members are accepted in its keep. */
    private static ChannelRoad openChannel(RouterConfig.Channel c, Map<String, KeyAcceptance> members,
            byte[] passphrase, PassphraseSource source, SessionRenewal renewal) {
        RoadKeep keep = null;
        if (c.keep() != null) {
            keep = new RoadKeep(c.keep(), passphrase == null ? null
                    : PassphraseSource.of(passphrase, source.description()));
        }
        if (c.control()) {
            for (KeyAcceptance m : members.values()) {
                keep.acceptRole(m.role(), m.verhex(), m.pubhex());
            }
            for (RemoteRoleData r : keep.loadRemotes().roles().values()) {
                KeyAcceptance m = members.get(r.role());
                if (r.acceptance() == io.raet.keep.Acceptance.ACCEPTED
                        && (m == null || !m.verhex().equals(r.verhex()) || !m.pubhex().equals(r.pubhex()))) {
                    keep.rejectRemote(r.role()); // no longer a member: its joins are refused
                }
            }
        }
        RoadStack.Builder rb = RoadStack.builder().name(c.estate()).role(c.role()).main(c.main()).host(c.host())
                .port(c.port()).config(RoadConfig.defaults().withSessionRenewal(renewal)).auto(c.auto());
        if (keep != null) {
            rb.keep(keep);
        }
        return new ChannelRoad(c, rb.build(), keep, members);
    }

    /**
     * The provisioned members of a control channel from their key files: JSON with {@code role} (or {@code name}),
     * {@code verhex} and {@code pubhex}, as {@code raet keep show} prints an estate's identity.
     */
    static Map<String, KeyAcceptance> readMembers(RouterConfig.Channel c) {
        Map<String, KeyAcceptance> out = new LinkedHashMap<>();
        Set<String> known = Set.of("kind", "name", "role", "address", "verhex", "pubhex");
        for (Path f : c.members()) {
            try {
                byte[] bytes = io.raet.keep.AtomicFiles.read(f, MAX_MEMBER_FILE_BYTES);
                if (bytes == null) {
                    throw new IllegalArgumentException("no such file");
                }
                ConfigFile m = ConfigFile.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), null,
                        known);
                String role = m.has("role") ? m.string("role") : m.string("name");
                KeyAcceptance k = new KeyAcceptance(role, m.string("verhex"), m.string("pubhex"));
                if (out.put(k.role(), k) != null) {
                    throw new IllegalArgumentException("role '" + k.role() + "' is provisioned twice");
                }
            } catch (IOException | IllegalArgumentException | TrustException e) {
                throw new IllegalArgumentException("channel '" + c.name() + "': member key file " + f + ": "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The cause a failed future carries (unwrapped from {@link CompletionException}). */
    static Throwable cause(Throwable ex) {
        return ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    }

    private void begin() {
        for (ChannelRoad c : channels.values()) {
            c.road.onEvent(e -> onRoadEvent(c, e));
            try {
                for (String name : c.road.remotes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS).stream()
                        .filter(RemoteInfo::joined).map(RemoteInfo::name).toList()) {
                    c.estates.add(name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("could not list the kept remotes of channel '{}': {}", c.name(), e.toString());
            }
        }
        emit(new RouterEvent.Ready(main.road.name(), main.road.address(), lane.ha()));
        for (ChannelRoad c : channels.values()) {
            if (c != main) {
                emit(new RouterEvent.ChannelReady(c.name(), c.road.name(), c.road.address(), c.control()));
            }
        }
        Policy p = flows.policy();
        Path from = config.policyFile();
        if (trust != null) {
            PolicyChain chain = trust.chain();
            if (chain.version() > 0) {
                from = ChainFiles.versionFile(config.chain(), chain.version());
                applyAcceptances(chain.head().orElseThrow());
            }
        }
        emit(new RouterEvent.PolicyLoaded(from, p.rules().size(), p.defaultEffect().wire()));
        if (aliasFile != null) {
            Aliases a = flows.aliases();
            emit(new RouterEvent.AliasesLoaded(aliasFile.file(), a.aliases().size(), a.taps().size()));
        }
        for (ChannelRoad c : channels.values()) {
            threads.add(Thread.ofVirtual().name("router-road-" + c.road.name() + "-" + c.name())
                    .start(() -> roadLoop(c)));
        }
        lane.onReceivable(agent::wake);
        agent.start(Thread.ofVirtual());
        for (ChannelRoad c : channels.values()) {
            for (InetSocketAddress a : c.config.join()) {
                threads.add(Thread.ofVirtual().name("router-join-" + a).start(() -> joinLoop(c, a)));
            }
        }
    }

    // ------------------------------------------------------------------ application API

    /** {@return the router's settings} */
    public RouterConfig config() {
        return config;
    }

    /** {@return the router's estate name on the default channel} */
    public String name() {
        return main.road.name();
    }

    /** {@return the router's road address on the default channel} */
    public InetSocketAddress address() {
        return main.road.address();
    }

    /**
     * {@return the router's road address on {@code channel}}
     *
     * @param channel the channel's name ({@code ""}: the default one)
     */
    public InetSocketAddress address(String channel) {
        return channel(channel).road.address();
    }

    /** {@return the path of the router yard's socket} */
    public Path lanePath() {
        return lane.ha();
    }

    /** {@return the road of the default channel} */
    public RoadStack road() {
        return main.road;
    }

    /**
     * {@return the road of {@code channel}}
     *
     * @param channel the channel's name ({@code ""}: the default one)
     */
    public RoadStack road(String channel) {
        return channel(channel).road;
    }

    /** {@return the names of the router's channels, the default one ({@code ""}) first} */
    public Set<String> channels() {
        return channels.keySet();
    }

    private ChannelRoad channel(String name) {
        ChannelRoad c = channels.get(name == null ? "" : name);
        if (c == null) {
            throw new IllegalArgumentException("router " + name() + " has no channel '" + name + "'");
        }
        return c;
    }

    /** {@return the router's main lane yard} */
    public LaneStack lane() {
        return lane;
    }

    /** {@return the router's own shares ({@code [estate, "router", share]})} */
    public Shares shares() {
        return flows.shares();
    }

    /** {@return the authorization table in force} */
    public Policy policy() {
        return flows.policy();
    }

    /**
     * Replaces the authorization table now (a policy file, when configured, replaces it again when it changes; so
     * does the next governed version).
     *
     * @param next the new table
     */
    public void policy(Policy next) {
        flows.policy(next);
        emit(new RouterEvent.PolicyLoaded(null, next.rules().size(), next.defaultEffect().wire()));
    }

    /** {@return the governed version in force, 0 before the first or for a router that is not governed} */
    public long policyVersion() {
        return trust == null ? 0 : trust.version();
    }

    /** {@return the router's policy chain (its audit log), for a governed router} */
    public java.util.Optional<List<SignedVersion>> policyChain() {
        if (trust == null) {
            return java.util.Optional.empty();
        }
        synchronized (trust) {
            return java.util.Optional.of(trust.chain().versions());
        }
    }

    /** {@return the behaviour-driven restriction of this router's sources} */
    public Restrictions restrictions() {
        return restrictions;
    }

    /**
     * Submits a signed version or proposal as a yard of this host would ({@code raet policy submit}): a version that
     * carries the threshold is applied and announced, a proposal is gathered and passed on. Returns the verdict
     * ({@code {"trust": "verdict", "outcome": …, "reason": …}}).
     *
     * @param version the signed version or proposal
     * @return the verdict
     * @throws IllegalStateException when the router is not governed (no genesis)
     */
    public Map<String, Object> submit(SignedVersion version) {
        if (trust == null) {
            throw new IllegalStateException("router " + name() + " is not governed: it has no genesis");
        }
        boolean passes;
        synchronized (trust) {
            passes = trust.chain().check(version).passes();
        }
        TrustMessage m = passes ? new TrustMessage.Announce(version) : new TrustMessage.Propose(version);
        return trustReceive(null, m.toMap());
    }

    /**
     * Estates that messages can be routed to on the default channel (joined remotes).
     *
     * @return the estates' names
     */
    public Set<String> estates() {
        return Set.copyOf(main.estates);
    }

    /**
     * Estates that messages can be routed to on {@code channel}.
     *
     * @param channel the channel's name ({@code ""}: the default one)
     * @return the estates' names
     */
    public Set<String> estates(String channel) {
        return Set.copyOf(channel(channel).estates);
    }

    /**
     * Adds a listener for events from now on.
     *
     * @param listener the listener
     */
    public void onEvent(Consumer<RouterEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Routes a message from the router's own yard (an application inside the router process).
     *
     * @param message the message; its {@code src} is the router's own yard
     */
    public void send(FlowMessage message) {
        dispatch(flows.fromShares(message, Instant.now()), ROUTER_SOURCE);
    }

    /** {@return the alias table in force} */
    public Aliases aliases() {
        return flows.aliases();
    }

    /**
     * Every counter: the flow router's ({@code route_<outcome>}), the router's own ({@code forward_failed_road},
     * {@code errors_paced}, {@code restricted_refused}, …), the restriction's ({@code restrict_<name>}), the governed
     * policy's ({@code trust_<name>}), the default road's ({@code road_<name>}), another channel's road's
     * ({@code road_<channel>_<name>}) and the lane's ({@code lane_<name>}).
     *
     * @return the counters by name
     */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>();
        flows.stats().forEach((k, v) -> m.put("route_" + k.name().toLowerCase(Locale.ROOT), v));
        for (Count c : Count.values()) {
            m.put(c.name().toLowerCase(Locale.ROOT), counts[c.ordinal()].sum());
        }
        restrictions.stats().forEach((k, v) -> m.put("restrict_" + k, v));
        if (trust != null) {
            trust.stats().forEach((k, v) -> m.put("trust_" + k, v));
        }
        for (ChannelRoad c : channels.values()) {
            String prefix = c == main ? "road_" : "road_" + c.name() + "_";
            c.road.stats().forEach((k, v) -> m.put(prefix + k, v));
        }
        lane.stats().forEach((k, v) -> m.put("lane_" + k, v));
        return m;
    }

    /** {@return the error that closed the router by itself, or null} */
    public Throwable failure() {
        return failure;
    }

    /**
     * Waits until the router is closed.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        try {
            closed.get();
        } catch (ExecutionException e) {
            // never completed exceptionally
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        agent.close();
        lane.close();
        channels.values().forEach(c -> c.road.close());
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed.complete(null);
    }

    // ------------------------------------------------------------------ message paths

    private void roadLoop(ChannelRoad c) {
        while (running) {
            RoadEvent.Message m;
            try {
                m = c.road.receive();
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                return; // closed
            }
            if (!route(() -> fromRoad(c, m), "estate " + m.from())) {
                return;
            }
        }
    }

    /** The restriction source of an estate of channel {@code c}. */
    static String estateSource(String channel, String estate) {
        return channel.isEmpty() ? "estate:" + estate : "estate:" + estate + "@" + channel;
    }

    private void fromRoad(ChannelRoad c, RoadEvent.Message m) {
        String role = m.role() == null ? "" : m.role();
        if (!role.equals(c.roles.get(m.from()))) {
            c.roles.put(m.from(), role);
        }
        Map<String, Object> body = m.body();
        String source = estateSource(c.name(), m.from());
        if (!c.control()) {
            Restrictions.Admission a = restrictions.admit(source, System.nanoTime());
            if (!a.passes()) {
                refuseRestricted(source, a, body, c, m.from(), null);
                return;
            }
        }
        if (isTrustShare(body, c.road.name())) {
            trustFromRoad(c, m.from(), role, body);
            return;
        }
        List<RouteAction> actions = flows.fromRoad(m.from(), role, c.name(), body, Instant.now());
        offences(source, actions);
        dispatch(actions, source);
    }

    /**
     * The router's duty cycle: the messages the lane delivered (the yards take turns in its inbox), the presence
     * events queued by the roads' threads, the restriction's changes (reported every 100 ms, what is due lifted every
     * second), and every poll period the policy and alias files and the lane directory. A lane that closed by itself
     * closes the router.
     */
    private final class LaneSide implements Agent {
        /** Most lane messages routed in one cycle. */
        private static final int MESSAGES_PER_CYCLE = 256;
        /** When the policy and alias files and the lane directory are looked at next. */
        private long nextWatch = Deadlines.NONE;
        /** When the restriction's changes are reported next, and when it lifts what is due next. */
        private long nextReport = Deadlines.NONE;
        private long nextTick = Deadlines.NONE;

        @Override
        public String roleName() {
            return "router-lane-" + main.road.name();
        }

        @Override
        public void onStart() {
            long now = agent.now();
            nextWatch = now + config.policyPoll().toNanos();
            if (restrictions.enabled()) {
                nextReport = now + RESTRICT_REPORT_NANOS;
                nextTick = now + RESTRICT_TICK_NANOS;
            }
        }

        @Override
        public int doWork(long now) {
            int work = 0;
            LaneMessage m;
            while (work < MESSAGES_PER_CYCLE && running && (m = lane.poll()) != null) {
                work++;
                LaneMessage from = m;
                if (!route(() -> fromLane(from), "yard " + from.from())) {
                    return work;
                }
            }
            if (running && lane.isClosed() && lane.inboxSize() == 0) {
                Throwable f = lane.failure();
                fail("the lane closed by itself", f != null ? f : new IllegalStateException("lane stack closed"));
                return work;
            }
            Runnable event;
            while (running && work < 2 * MESSAGES_PER_CYCLE && (event = presence.poll()) != null) {
                work++;
                if (!route(event, "the router itself")) {
                    return work;
                }
            }
            if (running && Deadlines.due(nextTick, now)) {
                nextTick = now + RESTRICT_TICK_NANOS;
                work++;
                route(() -> restrictions.tick(now), "the router itself");
            }
            if (running && Deadlines.due(nextReport, now)) {
                nextReport = now + RESTRICT_REPORT_NANOS;
                work++;
                route(() -> reportRestrictions(now), "the router itself");
            }
            if (running && Deadlines.due(nextWatch, now)) {
                nextWatch = now + config.policyPoll().toNanos();
                work++;
                route(Router.this::watch, "the router itself");
            }
            return work;
        }

        @Override
        public long nextWakeup() {
            if (!presence.isEmpty()) {
                return agent.now();
            }
            return Deadlines.earliest(nextWatch, Deadlines.earliest(nextReport, nextTick));
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null && running) {
                fail("the router's lane side failed", cause);
            }
        }
    }

    private void fromLane(LaneMessage m) {
        Map<String, Object> body = m.body();
        String source = "yard:" + m.from();
        Restrictions.Admission a = restrictions.admit(source, System.nanoTime());
        if (!a.passes()) {
            refuseRestricted(source, a, body, null, null, m.from());
            return;
        }
        if (isTrustShare(body, main.road.name())) {
            trustFromLane(m.from(), body);
            return;
        }
        List<RouteAction> actions = flows.fromLane(m.from(), body, Instant.now());
        offences(source, actions);
        dispatch(actions, source);
    }

    /**
     * Routes one message: any exception is counted and the loop goes on; a {@link VirtualMachineError} closes the
     * router. Returns false when the loop must end.
     */
    private boolean route(Runnable routing, String from) {
        try {
            routing.run();
            return true;
        } catch (VirtualMachineError e) {
            fail("routing a message from " + from, e);
            return false;
        } catch (RuntimeException | Error e) {
            count(Count.DROPPED);
            count(Count.LOOP_ERRORS);
            LOG.warn("message from {} not routed: {}", from, e.toString());
            return true;
        }
    }

    /** Closes the router after a failure it cannot go on from, loudly. */
    private void fail(String what, Throwable e) {
        if (failure == null) {
            failure = e;
        }
        LOG.error("router {}: {}; closing the router", main.road.name(), what, e);
        close();
    }

    private void dispatch(List<RouteAction> actions, String source) {
        if (actions.isEmpty()) {
            return;
        }
        for (RouteAction a : flows.settle(actions, Instant.now())) {
            switch (a) {
                case RouteAction.ToRoad r -> {
                    pending(source, r.body(), () -> estateSource(r.channel(), r.estate()));
                    toRoad(r.channel(), r.estate(), r.body(), source);
                }
                case RouteAction.ToLane l -> {
                    pending(source, l.body(), () -> "yard:" + l.yard());
                    toLane(l.yard(), l.body(), source);
                }
                case RouteAction.Drop d -> {
                    count(Count.DROPPED);
                    LOG.debug("dropped: {}", d.reason());
                }
                case RouteAction.ToShare s -> throw new IllegalStateException("settle left a share delivery");
            }
        }
    }

    /**
     * Counts the requests each source has open: a request or an acknowledged message it sends opens one, an answer
     * (a response, an acknowledgement, an error) routed to it closes one ({@code to} names the source it goes to).
     */
    private void pending(String source, Map<String, Object> body, java.util.function.Supplier<String> to) {
        if (!restrictions.enabled()) {
            return;
        }
        Object kind = body.get("kind");
        if ("req".equals(kind) || "ackd".equals(kind)) {
            if (source != null && !ROUTER_SOURCE.equals(source) && !isControl(source)) {
                restrictions.requested(source, System.nanoTime());
            }
        } else if ("rsp".equals(kind) || "ack".equals(kind) || "err".equals(kind)) {
            restrictions.answered(to.get(), System.nanoTime());
        }
    }

    /** Whether {@code source} is an estate of the control channel. */
    private boolean isControl(String source) {
        return control != null && source.startsWith("estate:") && source.endsWith("@" + control.name());
    }

    /** The offences the flow router's answers to {@code source} show: its errors from the router's address. */
    private void offences(String source, List<RouteAction> actions) {
        if (!restrictions.enabled()) {
            return;
        }
        for (RouteAction a : actions) {
            Map<String, Object> body = switch (a) {
                case RouteAction.ToRoad r -> r.body();
                case RouteAction.ToLane l -> l.body();
                default -> null;
            };
            if (body == null || !"err".equals(body.get("kind")) || !fromRouter(body)) {
                continue;
            }
            Restrictions.Offence o = switch (String.valueOf(body.get("code"))) {
                case "denied" -> Restrictions.Offence.DENIED;
                case "bad_route" -> Restrictions.Offence.BAD_ROUTE;
                case "unknown_destination", "unknown_share", "unknown_channel" ->
                        Restrictions.Offence.UNKNOWN_DESTINATION;
                default -> null;
            };
            if (o != null) {
                offend(source, o);
            }
        }
    }

    /** Counts an offence of {@code source}; the router itself and the control channel's members are not scored. */
    private void offend(String source, Restrictions.Offence o) {
        if (source == null || ROUTER_SOURCE.equals(source) || isControl(source)) {
            return;
        }
        restrictions.offend(source, o, System.nanoTime());
    }

    /** Whether a body's {@code src} is this router's own address (an error the flow router made). */
    private boolean fromRouter(Map<String, Object> body) {
        return body.get("route") instanceof Map<?, ?> r && r.get("src") instanceof List<?> src && src.size() >= 2
                && Address.ROUTER_YARD.equals(src.get(1)) && main.road.name().equals(src.get(0));
    }

    /**
     * Whether {@code body} is addressed to the trust share of this router ({@code [estate or "", "router", "trust",
     * …]}), read without parsing the rest.
     */
    private boolean isTrustShare(Map<String, Object> body, String estate) {
        if (!(body.get("route") instanceof Map<?, ?> r) || !(r.get("dst") instanceof List<?> dst) || dst.size() < 3) {
            return false;
        }
        Object e = dst.get(0);
        return Address.ROUTER_YARD.equals(dst.get(1)) && TrustPlane.SHARE.equals(dst.get(2))
                && (e == null || "".equals(e) || estate.equals(e) || main.road.name().equals(e));
    }

    private void toRoad(String channel, String estate, Map<String, Object> body, String source) {
        ChannelRoad c = channels.get(channel);
        if (c == null) {
            count(Count.DROPPED); // the flow router checked the channel; a race with nothing to answer
            return;
        }
        AtomicInteger n = c.inFlight.computeIfAbsent(estate, k -> new AtomicInteger());
        if (n.incrementAndGet() > config.roadInFlight()) {
            n.decrementAndGet();
            count(Count.FORWARD_REFUSED_ROAD);
            offend(source, Restrictions.Offence.OVER_SHARE);
            failed("road", estate, body, ErrorCode.REFUSED, "estate '" + estate + "' has "
                    + config.roadInFlight() + " messages in flight: refused", true, source);
            return;
        }
        CompletableFuture<?> f;
        try {
            f = c.road.send(estate, body);
        } catch (IllegalStateException e) {
            n.decrementAndGet();
            return; // closing
        }
        f.whenComplete((d, ex) -> {
            n.decrementAndGet();
            if (ex != null && running) {
                Throwable cause = cause(ex);
                ErrorCode code = deliveryCode(cause);
                count(code == ErrorCode.REFUSED ? Count.FORWARD_REFUSED_ROAD : Count.FORWARD_FAILED_ROAD);
                failed("road", estate, body, code, "estate '" + estate + "' did not take the message: "
                        + cause.getMessage(), code == ErrorCode.REFUSED, source);
            }
        });
    }

    /**
     * The code of a road delivery failure, from the road's {@link DeliveryFailure}: {@code refused} when the estate
     * refused the message, asked for it again beyond the resend budget, or the stack's bound on outgoing messages was
     * hit; {@code timeout} when the estate did not answer; {@code bad_route} for a message the road cannot carry;
     * {@code unknown_destination} for an estate the road does not know (or removed); {@code failed} otherwise.
     */
    static ErrorCode deliveryCode(Throwable cause) {
        if (cause instanceof OutgoingLimitException) {
            return ErrorCode.REFUSED;
        }
        if (!(cause instanceof DeliveryException d)) {
            return ErrorCode.UNKNOWN_DESTINATION;
        }
        DeliveryFailure reason = d.reason();
        if (reason == null) {
            return ErrorCode.FAILED;
        }
        return switch (reason) {
            case REFUSED, RESEND_BUDGET, OUTGOING_LIMIT -> ErrorCode.REFUSED;
            case TIMEOUT, RETRIES_EXHAUSTED -> ErrorCode.TIMEOUT;
            case UNSENDABLE -> ErrorCode.BAD_ROUTE;
            case REMOTE_REMOVED -> ErrorCode.UNKNOWN_DESTINATION;
            case CLOSED, INTERNAL_ERROR -> ErrorCode.FAILED;
        };
    }

    private void toLane(String yard, Map<String, Object> body, String source) {
        CompletableFuture<Void> f;
        try {
            f = lane.send(yard, body, source);
        } catch (IllegalStateException e) {
            return; // closing
        }
        f.whenComplete((v, ex) -> {
            if (ex != null && running) {
                Throwable cause = cause(ex);
                LaneException.Kind kind = cause instanceof LaneException le ? le.kind() : null;
                if (kind == LaneException.Kind.CLOSED) {
                    return;
                }
                if (workersAnswered(yard, body, kind)) {
                    count(Count.FORWARD_FAILED_LANE);
                    emit(new RouterEvent.ForwardFailed("lane", yard, ErrorCode.FAILED.wire(), "worker yard '" + yard
                            + "' is gone: its requests were answered or handed to another worker"));
                    return;
                }
                if (kind == LaneException.Kind.QUEUE_FULL) {
                    count(Count.FORWARD_REFUSED_LANE);
                    offend(source, Restrictions.Offence.OVER_SHARE);
                    failed("lane", yard, body, ErrorCode.REFUSED, cause.getMessage(), true, source);
                    return;
                }
                ErrorCode code = kind == null ? ErrorCode.TIMEOUT : switch (kind) {
                    case PEER_GONE, UNKNOWN_YARD -> ErrorCode.UNKNOWN_DESTINATION;
                    case BAD_BODY, TOO_LARGE -> ErrorCode.BAD_ROUTE;
                    default -> ErrorCode.TIMEOUT;
                };
                count(Count.FORWARD_FAILED_LANE);
                failed("lane", yard, body, code, "yard '" + yard + "' did not take the message: " + cause.getMessage(),
                        false, source);
            }
        });
    }

    /**
     * Tells the pools that {@code body} did not reach {@code yard}; a yard that is gone leaves every pool at once.
     * True when the pools answered the message themselves (a request whose worker is gone).
     */
    private boolean workersAnswered(String yard, Map<String, Object> body, LaneException.Kind kind) {
        boolean gone = kind == LaneException.Kind.PEER_GONE || kind == LaneException.Kind.UNKNOWN_YARD;
        FlowRouter.LaneFailure f = flows.laneFailed(yard, body, gone, Instant.now());
        dispatch(f.actions(), ROUTER_SOURCE);
        return f.answered();
    }

    /**
     * Answers a message that could not be handed on with an {@code err} to its source; a {@code refusal} (a bound
     * hit) is reported as an event at most once a second per destination, and answered within the source's budget
     * of refusal errors.
     */
    private void failed(String via, String to, Map<String, Object> body, ErrorCode code, String text,
            boolean refusal, String source) {
        if (!refusal || report(via + ":" + to)) {
            emit(new RouterEvent.ForwardFailed(via, to, code.wire(), text));
        }
        if (refusal && !errorBudget(source)) {
            count(Count.ERRORS_PACED);
            return;
        }
        FlowMessage m = answerable(body);
        if (m == null) {
            return;
        }
        FlowMessage err = FlowMessage.errorTo(m.src(), flows.address(), m.id(), code, text).with("data", about(m));
        try {
            dispatch(flows.fromShares(err, Instant.now()), ROUTER_SOURCE);
        } catch (RuntimeException e) {
            count(Count.ERRORS_UNSENT);
            LOG.debug("error for {} not sent: {}", m.src(), e.toString());
        }
    }

    /** The message {@code body} is, when it may be answered with an error; else null (counted). */
    private FlowMessage answerable(Map<String, Object> body) {
        try {
            FlowMessage m = FlowMessage.parse(body);
            if (m.kind() != Kind.ERR) {
                return m;
            }
        } catch (FlowException e) {
            // not answered
        }
        count(Count.ERRORS_UNSENT);
        return null;
    }

    private static Map<String, Object> about(FlowMessage m) {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("kind", m.kind().wire());
        about.put("dst", m.dst().toList());
        return about;
    }

    /** Whether {@code source} may be sent one more {@code err} for a refused message now. */
    private boolean errorBudget(String source) {
        if (source == null || ROUTER_SOURCE.equals(source)) {
            return true;
        }
        if (errorBudgets.size() >= MAX_ERROR_BUDGETS && !errorBudgets.containsKey(source)) {
            errorBudgets.clear(); // bounded: every source starts again with a full budget
        }
        long now = System.nanoTime();
        double rate = config.refusalErrorRate();
        TokenBucket b = errorBudgets.computeIfAbsent(source, k -> new TokenBucket(rate, Math.max(1, 2 * rate), now));
        synchronized (b) {
            return b.take(now);
        }
    }

    /**
     * A message of a restricted source, refused before it is routed: answered {@code refused} within the source's
     * budget of refusal errors, straight back the way it came (road channel {@code c} and {@code estate}, or the lane
     * and {@code yard}).
     */
    private void refuseRestricted(String source, Restrictions.Admission a, Map<String, Object> body, ChannelRoad c,
            String estate, String yard) {
        count(Count.RESTRICTED_REFUSED);
        if (!errorBudget(source)) {
            count(Count.ERRORS_PACED);
            return;
        }
        answerError(body, c, estate, yard, ErrorCode.REFUSED, source + " is " + a.name().toLowerCase(Locale.ROOT)
                + " for its behaviour (docs/security.md, restriction)");
    }

    /**
     * Answers {@code body} with an {@code err} straight to its sender (the estate on the road of {@code c}, or the
     * yard), its {@code src} levels filled as the arrival proves them, stamped; an {@code err} or an unreadable body
     * is not answered.
     */
    private void answerError(Map<String, Object> body, ChannelRoad c, String estate, String yard, ErrorCode code,
            String text) {
        FlowMessage m = answerable(body);
        if (m == null) {
            return;
        }
        Address to = c != null ? m.src().withEstate(estate).withChannel(c.name())
                : m.src().resolve(main.road.name(), yard).withEstate(main.road.name()).withYard(yard);
        FlowMessage err = stamped(FlowMessage.errorTo(to, flows.address(), m.id(), code, text).with("data", about(m)));
        if (c != null) {
            toRoad(c.name(), estate, err.toBody(), ROUTER_SOURCE);
        } else {
            toLane(yard, err.toBody(), ROUTER_SOURCE);
        }
    }

    /** {@code m} stamped now, as the first router a message it makes passes (docs/routing.md, stamps). */
    private static FlowMessage stamped(FlowMessage m) {
        return m.stamp() == null ? m.with("stamp", Stamp.format(Instant.now())) : m;
    }

    /** Whether a refusal to {@code destination} is to be reported now (not reported in the last second). */
    private boolean report(String destination) {
        long now = System.nanoTime();
        Long last = refusalReported.get(destination);
        if (last != null && now - last < REFUSAL_EVENT_NANOS) {
            return false;
        }
        refusalReported.put(destination, now);
        return true;
    }

    /**
     * A yard the lane has not heard from yet is known when its socket is in the lane directory (and, with a list of
     * admitted yards, it is on the list): a service yard can be addressed before it has sent anything.
     */
    private boolean discoverYard(String yard) {
        if (!config.yards().isEmpty() && !config.yards().contains(yard)) {
            return false;
        }
        Path path;
        try {
            path = LaneNames.ha(lane.ha().getParent(), lane.lane(), yard);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
                return false; // not a socket
            }
        } catch (IOException e) {
            return false;
        }
        lane.addYard(yard, path);
        return true;
    }

    // ------------------------------------------------------------------ the governed policy

    /** The control peers reachable now: the joined estates of the control channel. */
    private List<String> controlPeers() {
        return control == null ? List.of() : List.copyOf(control.estates);
    }

    private void trustFromRoad(ChannelRoad c, String from, String role, Map<String, Object> body) {
        if (!c.control()) {
            count(Count.CONTROL_REFUSED);
            offend(estateSource(c.name(), from), Restrictions.Offence.DENIED);
            answerError(body, c, from, null, ErrorCode.DENIED, "the governed policy travels on the control channel"
                    + " only");
            return;
        }
        if (!c.members.containsKey(role)) {
            count(Count.CONTROL_REFUSED);
            emit(new RouterEvent.ControlRefused(c.name(), from, null, "role '" + role + "' is not a provisioned"
                    + " member of the control channel"));
            return;
        }
        if (trust == null) {
            answerError(body, c, from, null, ErrorCode.UNKNOWN_SHARE, "estate '" + c.road.name() + "' is not"
                    + " governed (it has no genesis)");
            return;
        }
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            count(Count.DROPPED);
            return;
        }
        trustReceive(from, m.data());
    }

    private void trustFromLane(String yard, Map<String, Object> body) {
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            answerError(body, null, null, yard, ErrorCode.BAD_ROUTE, e.getMessage());
            return;
        }
        if (trust == null) {
            answerError(body, null, null, yard, ErrorCode.UNKNOWN_SHARE, "estate '" + name() + "' is not governed"
                    + " (it has no genesis)");
            return;
        }
        Map<String, Object> answer = trustReceive(null, m.data());
        if (m.kind() == Kind.REQ && answer != null) {
            FlowMessage rsp = FlowMessage.builder(Kind.RSP, Address.of(name(), Address.ROUTER_YARD, TrustPlane.SHARE),
                    m.src().resolve(name(), yard).withEstate(name()).withYard(yard)).re(m.id()).data(answer).build();
            toLane(yard, stamped(rsp).toBody(), ROUTER_SOURCE);
        }
    }

    /** Hands a trust message to the plane, stores what it applied, applies the head, and sends what it asks. */
    private Map<String, Object> trustReceive(String from, Object message) {
        TrustPlane.Result r;
        synchronized (trust) {
            r = trust.receive(from, message, controlPeers(), System.nanoTime());
            store(r);
            applyHead(r);
        }
        carryOut(r, from == null ? LOCAL : from);
        return r.answer();
    }

    /** A control peer appeared: ask it for what this router lacks. */
    private void controlPeerUp(String peer) {
        if (trust == null) {
            return;
        }
        TrustPlane.Result r;
        synchronized (trust) {
            r = trust.peerUp(peer, System.nanoTime());
            store(r);
            applyHead(r);
        }
        carryOut(r, peer);
    }

    /** {@link #controlPeerUp} off the road's owner thread (which delivers road events and must not wait). */
    private void controlPeerUpLater(String peer) {
        if (trust != null && running) {
            Thread.ofVirtual().name("router-catch-up-" + peer).start(() -> {
                try {
                    controlPeerUp(peer);
                } catch (RuntimeException e) {
                    count(Count.LOOP_ERRORS);
                    LOG.warn("catch-up with {} not asked: {}", peer, e.toString());
                }
            });
        }
    }

    /** Writes the versions the plane applied to the chain directory before anything else happens (under its lock). */
    private void store(TrustPlane.Result r) {
        if (r.applied().isEmpty()) {
            return;
        }
        try {
            ChainFiles.save(config.chain(), trust.chain());
        } catch (TrustException e) {
            count(Count.POLICY_STORE_FAILED);
            LOG.error("router {}: the policy chain could not be stored in {}: {}", name(), config.chain(),
                    e.getMessage());
        }
    }

    /** The table and key acceptances of the head the plane applied take effect (under its lock, once stored). */
    private void applyHead(TrustPlane.Result r) {
        if (!r.applied().isEmpty()) {
            SignedVersion head = r.applied().getLast();
            flows.policy(head.body().table());
            applyAcceptances(head);
        }
    }

    /** Reports what the plane did and sends what it asks. */
    private void carryOut(TrustPlane.Result r, String from) {
        for (TrustPlane.Event e : r.events()) {
            switch (e) {
                case TrustPlane.Event.Applied a -> {
                    Policy t;
                    synchronized (trust) {
                        t = trust.chain().get(a.version()).map(v -> v.body().table()).orElse(flows.policy());
                    }
                    emit(new RouterEvent.PolicyApplied(a.version(), a.hash(), a.signers(), t.rules().size(),
                            t.defaultEffect().wire(), from));
                }
                case TrustPlane.Event.Refused f -> emit(new RouterEvent.PolicyRefused(f.verdict().version(),
                        f.verdict().outcome().name().toLowerCase(Locale.ROOT), f.verdict().reason(), from));
                case TrustPlane.Event.Gathered g -> emit(new RouterEvent.ProposalGathered(g.version(), g.hash(),
                        g.signers(), g.needed(), from));
            }
        }
        for (TrustPlane.Send s : r.sends()) {
            sendTrust(s.peer(), s.message());
        }
    }

    /** A trust message to a control peer, as a routed message from this router's trust share to the peer's. */
    private void sendTrust(String peer, Map<String, Object> message) {
        if (control == null) {
            return;
        }
        Address self = Address.of(control.road.name(), Address.ROUTER_YARD, TrustPlane.SHARE, control.name());
        Address to = Address.of(peer, Address.ROUTER_YARD, TrustPlane.SHARE, control.name());
        try {
            control.road.send(peer, FlowMessage.builder(Kind.MSG, self, to).data(message).build().toBody())
                    .whenComplete((d, ex) -> {
                        if (ex != null && running) {
                            LOG.debug("trust message to {} not delivered: {}", peer, cause(ex).toString());
                        }
                    });
        } catch (IllegalStateException e) {
            // closing
        }
    }

    /**
     * The key acceptances of the governed head go to the keeps of every channel but the control one; roles the
     * previous head accepted and this one does not are rejected there when the keep holds exactly the keys the
     * governors had accepted.
     */
    private synchronized void applyAcceptances(SignedVersion head) {
        Map<String, KeyAcceptance> now = new LinkedHashMap<>();
        head.body().accept().forEach(a -> now.put(a.role(), a));
        for (ChannelRoad c : channels.values()) {
            if (c.control() || c.keep == null) {
                continue;
            }
            try {
                for (KeyAcceptance a : now.values()) {
                    c.keep.acceptRole(a.role(), a.verhex(), a.pubhex());
                }
                for (KeyAcceptance old : governedAccept.values()) {
                    if (!now.containsKey(old.role())) {
                        RemoteRoleData r = c.keep.loadRemoteRole(old.role()).orElse(null);
                        if (r != null && r.verhex().equals(old.verhex()) && r.pubhex().equals(old.pubhex())) {
                            c.keep.rejectRemote(old.role());
                        }
                    }
                }
            } catch (KeepException e) {
                LOG.error("router {}: governed key acceptances not applied to the keep of channel '{}': {}", name(),
                        c.name(), e.getMessage());
            }
        }
        governedAccept = now;
    }

    // ------------------------------------------------------------------ road events, joins, policy, restriction

    private void onRoadEvent(ChannelRoad c, RoadEvent e) {
        switch (e) {
            case RoadEvent.Message m -> {
                return; // routed by roadLoop
            }
            case RoadEvent.Joined j -> {
                c.estates.add(j.remote());
                presence(c, "joined", j.remote());
            }
            case RoadEvent.Allowed a -> {
                c.estates.add(a.remote());
                if (c.control()) {
                    controlPeerUpLater(a.remote());
                } else if (!(a.initiated() && a.renewal())) {
                    // Our own renewals (our setting, not the remote's doing) are not its churn.
                    offend(estateSource(c.name(), a.remote()), Restrictions.Offence.SESSION_CHURN);
                }
                presence(c, "allowed", a.remote());
            }
            case RoadEvent.Alive a -> {
                if (c.control()) {
                    controlPeerUpLater(a.remote());
                }
                presence(c, "alive", a.remote());
            }
            case RoadEvent.Dead d -> presence(c, "dead", d.remote());
            case RoadEvent.JoinPending p -> {
                if (c.control()) {
                    c.road.rejectJoin(p);
                    count(Count.CONTROL_REFUSED);
                    emit(new RouterEvent.ControlRefused(c.name(), p.name(), p.address(), "not a provisioned member of"
                            + " the control channel (role '" + p.role() + "')"));
                }
            }
            default -> { }
        }
        emit(new RouterEvent.Road(e, c.name()));
    }

    /**
     * Queues an estate event of the road of {@code c} for the presence topic (published by the lane agent); the
     * control channel's are not published.
     */
    private void presence(ChannelRoad c, String event, String estate) {
        if (c.control()) {
            return;
        }
        Instant at = Instant.now();
        if (!presence.offer(() -> dispatch(flows.estateEvent(event, estate, at), ROUTER_SOURCE))) {
            count(Count.PRESENCE_DROPPED);
        }
        agent.wake();
    }

    /**
     * Joins a configured estate, again and again until it answers. Each attempt resolves a host name afresh: a name
     * that did not resolve when the router started (a peer not up yet in DNS), or that moved, is found when it does.
     */
    private void joinLoop(ChannelRoad c, InetSocketAddress address) {
        while (running) {
            try {
                String name = c.road.join(resolved(address)).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                c.estates.add(name);
                c.road.allow(name).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                emit(new RouterEvent.Connected(name, address));
                if (c.control()) {
                    controlPeerUp(name);
                }
                return;
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                if (!running) {
                    return;
                }
                Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                emit(new RouterEvent.JoinRetry(address, t instanceof TimeoutException ? "no answer" : t.getMessage()));
            }
            try {
                Thread.sleep(config.joinRetry());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The address with its host name looked up now (a literal address stays as it is). */
    static InetSocketAddress resolved(InetSocketAddress address) {
        return new InetSocketAddress(address.getHostString(), address.getPort());
    }

    /** Re-reads the policy and alias files when they changed and looks at the lane directory for yards. */
    private void watch() {
        if (policyFile != null) {
            reread(policyFile, flows::policy, Count.POLICY_RELOADS, Count.POLICY_REJECTED,
                    p -> new RouterEvent.PolicyLoaded(policyFile.file(), p.rules().size(), p.defaultEffect().wire()),
                    error -> new RouterEvent.PolicyRejected(policyFile.file(), error));
        }
        if (aliasFile != null) {
            reread(aliasFile, flows::aliases, Count.ALIAS_RELOADS, Count.ALIAS_REJECTED,
                    a -> new RouterEvent.AliasesLoaded(aliasFile.file(), a.aliases().size(), a.taps().size()),
                    error -> new RouterEvent.AliasesRejected(aliasFile.file(), error));
        }
        YardWatch.Change yards = yardWatch.scan(flows.knownYards());
        for (String y : yards.arrived()) {
            emit(new RouterEvent.YardChanged(y, "arrived"));
            dispatch(flows.yardArrived(y, Instant.now()), ROUTER_SOURCE);
        }
        for (String y : yards.left()) {
            lane.removeYard(y);
            emit(new RouterEvent.YardChanged(y, "left"));
            dispatch(flows.yardLeft(y, Instant.now()), ROUTER_SOURCE);
        }
    }

    /** Puts a changed file's new value in force ({@code apply}), or reports why it stays as it was. */
    private <T> void reread(WatchedFile<T> file, Consumer<T> apply, Count reloaded, Count rejected,
            Function<T, RouterEvent> loadedEvent, Function<String, RouterEvent> rejectedEvent) {
        WatchedFile.Change<T> c = file.poll();
        if (c == null) {
            return;
        }
        if (c.value() != null) {
            apply.accept(c.value());
            count(reloaded);
            emit(loadedEvent.apply(c.value()));
        } else {
            count(rejected);
            emit(rejectedEvent.apply(c.error()));
        }
    }

    /** Reports the restriction's changes. */
    private void reportRestrictions(long now) {
        for (Restrictions.Event e : restrictions.poll()) {
            emit(restrictionEvent(e, now));
        }
    }

    private RouterEvent restrictionEvent(Restrictions.Event e, long now) {
        return switch (e) {
            case Restrictions.Event.Restricted r -> {
                String role = FlowRouter.LOCAL_ROLE;
                String channel = null;
                if (r.source().startsWith("estate:")) {
                    String estate = r.source().substring("estate:".length());
                    int at = estate.lastIndexOf('@');
                    channel = at < 0 ? "" : estate.substring(at + 1);
                    ChannelRoad c = channels.get(channel);
                    role = c == null ? null : c.roles.get(at < 0 ? estate : estate.substring(0, at));
                }
                long cooling = r.level() == Restrictions.Level.DENIED ? Math.max(0, (r.until() - now) / 1_000_000) : 0;
                yield new RouterEvent.Restricted(r.source(), r.level().wire(), Math.round(r.score() * 100) / 100.0,
                        r.reason().wire(), cooling, role, channel);
            }
            case Restrictions.Event.Lifted l -> new RouterEvent.RestrictionLifted(l.source(), l.from().wire(),
                    l.now().wire());
        };
    }

    private void emit(RouterEvent e) {
        for (Consumer<RouterEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("router event listener failed: {}", ex.toString());
            }
        }
    }

    private void count(Count c) {
        counts[c.ordinal()].increment();
    }
}
