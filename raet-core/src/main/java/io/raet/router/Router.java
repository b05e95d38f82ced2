package io.raet.router;

import io.raet.agent.Agent;
import io.raet.agent.AgentRunner;
import io.raet.agent.Deadlines;
import io.raet.agent.ParkingIdleStrategy;
import io.raet.lane.LaneException;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneNames;
import io.raet.lane.LaneStack;
import io.raet.lane.UxdException;
import io.raet.road.DeliveryException;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
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
import io.raet.route.Topology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of one host: a road estate, the main lane yard {@value Address#ROUTER_YARD} and a {@link FlowRouter}
 * between them (docs/routing.md). Programs on the host are yards of the lane (the Python SDK, {@link Yard}, or any
 * program that speaks lane pages); other hosts are estates on the road.
 *
 * <p>Two threads carry messages: a virtual thread takes what the road delivers (authenticated, with the sender's
 * role); an agent (docs of {@link io.raet.agent}) takes what the lane delivers and serves the router's own work:
 * presence events, and every poll period the policy and alias files (re-read when they change; an invalid file is
 * reported and the table in force stays) and the lane directory (yards arriving and leaving). Each asks the flow
 * router and hands the results to the road or the lane without waiting. A message that cannot be handed on (the
 * estate does not acknowledge it, the yard is gone or does not drain its socket) is answered with an {@code err} to
 * its source. Presence events are published on the router's {@value PresenceShare#NAME} topic (unless the
 * configuration gives that share another kind); shares of kind {@code pool} are served by the worker yards that
 * register with them (docs/routing.md).
 *
 * <p>What one source can make the router hold is bounded ({@link RouterConfig}): the messages queued for a yard wait
 * per source (the yard or estate they came from, or the router itself) and the sources take turns, so a yard that
 * floods a destination delays the others by one message at a time; a source beyond its share of a yard's queue, or a
 * yard's queue beyond its bound, is answered {@code err} ({@code timeout}, counted {@code forward_refused_lane});
 * the yards' received messages are routed in turns (when the lane's inbox is full, every yard waits); messages
 * forwarded to an estate and not yet acknowledged are bounded per estate ({@code forward_refused_road}). Refusals are reported as {@link RouterEvent.ForwardFailed} at most once
 * a second per destination. No exception from one message ends a thread of the router (counted
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
        POLICY_RELOADS, POLICY_REJECTED, LOOP_ERRORS, ALIAS_RELOADS, ALIAS_REJECTED, PRESENCE_DROPPED
    }

    /** Most road events waiting to be published on the presence topic (beyond: dropped, counted). */
    private static final int PRESENCE_QUEUE = 1024;

    /** The fairness source of what the router sends on its own behalf (its shares, its errors). */
    static final String ROUTER_SOURCE = "router";
    private static final long REFUSAL_EVENT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RouterConfig config;
    private final RoadStack road;
    private final LaneStack lane;
    private final FlowRouter flows;
    private final Set<String> estates = ConcurrentHashMap.newKeySet();
    private final List<Consumer<RouterEvent>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final List<Thread> threads = new ArrayList<>();
    /** The router's agent: what the lane delivers, and the timers. */
    private final AgentRunner agent;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Messages forwarded to each estate and not yet acknowledged. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** When a refusal to each destination was last reported as an event. */
    private final Map<String, Long> refusalReported = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private final WatchedFile<Policy> policyFile;
    private final WatchedFile<Aliases> aliasFile;
    private final YardWatch yardWatch;
    /** Road events for the presence topic, published by the watch thread (road listeners must stay quick). */
    private final BlockingQueue<Runnable> presence = new ArrayBlockingQueue<>(PRESENCE_QUEUE);

    private Router(RouterConfig config, RoadStack road, LaneStack lane, Policy policy, WatchedFile<Policy> policyFile,
            WatchedFile<Aliases> aliasFile, Aliases aliases, Consumer<RouterEvent> listener) {
        this.config = config;
        this.road = road;
        this.lane = lane;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        if (listener != null) {
            listeners.add(listener);
        }
        String self = road.name();
        Topology topology = new Topology() {
            @Override
            public boolean hasEstate(String estate) {
                return estates.contains(estate);
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
        this.yardWatch = new YardWatch(lane.ha().getParent(), lane.lane(), Address.ROUTER_YARD, config.yards());
        this.agent = new AgentRunner(new LaneSide(), new ParkingIdleStrategy(), 64);
    }

    /** Starts a router with no listener. */
    public static Router start(RouterConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * Binds the road and the lane, reads the policy and alias files, and starts routing; {@code listener} (may be
     * null) hears every {@link RouterEvent} from the first one on.
     *
     * @throws IOException when the road or the lane cannot be bound
     * @throws IllegalArgumentException when the policy file or the alias file is missing or invalid
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
        RoadStack.Builder rb = RoadStack.builder().name(config.name()).role(config.role()).main(config.main())
                .host(config.host()).port(config.port()).auto(config.auto());
        if (config.keep() != null) {
            rb.keep(config.keep());
        }
        RoadStack road = rb.build();
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
            road.close();
            throw new IOException("lane: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            road.close();
            throw e;
        }
        Router r = new Router(config, road, lane, policy, policyFile, aliasFile, aliases, listener);
        r.begin();
        return r;
    }

    /** The cause a failed future carries (unwrapped from {@link CompletionException}). */
    static Throwable cause(Throwable ex) {
        return ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    }

    private void begin() {
        road.onEvent(this::onRoadEvent);
        try {
            for (String name : road.remotes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(RemoteInfo::joined).map(RemoteInfo::name).toList()) {
                estates.add(name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not list the kept remotes: {}", e.toString());
        }
        emit(new RouterEvent.Ready(road.name(), road.address(), lane.ha()));
        Policy p = flows.policy();
        emit(new RouterEvent.PolicyLoaded(config.policyFile(), p.rules().size(),
                p.defaultEffect().wire()));
        if (aliasFile != null) {
            Aliases a = flows.aliases();
            emit(new RouterEvent.AliasesLoaded(aliasFile.file(), a.aliases().size(), a.taps().size()));
        }
        threads.add(Thread.ofVirtual().name("router-road-" + road.name()).start(this::roadLoop));
        lane.onReceivable(agent::wake);
        agent.start(Thread.ofVirtual());
        for (InetSocketAddress a : config.join()) {
            threads.add(Thread.ofVirtual().name("router-join-" + a).start(() -> joinLoop(a)));
        }
    }

    // ------------------------------------------------------------------ application API

    public RouterConfig config() {
        return config;
    }

    public String name() {
        return road.name();
    }

    /** The router's road address. */
    public InetSocketAddress address() {
        return road.address();
    }

    /** The path of the router yard's socket. */
    public Path lanePath() {
        return lane.ha();
    }

    public RoadStack road() {
        return road;
    }

    public LaneStack lane() {
        return lane;
    }

    /** The router's own shares ({@code [estate, "router", share]}). */
    public Shares shares() {
        return flows.shares();
    }

    public Policy policy() {
        return flows.policy();
    }

    /** Replaces the authorization table now (a policy file, when configured, replaces it again when it changes). */
    public void policy(Policy next) {
        flows.policy(next);
        emit(new RouterEvent.PolicyLoaded(null, next.rules().size(), next.defaultEffect().wire()));
    }

    /** Estates that messages can be routed to (joined remotes). */
    public Set<String> estates() {
        return Set.copyOf(estates);
    }

    /** Adds a listener for events from now on. */
    public void onEvent(Consumer<RouterEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Routes a message from the router's own yard (an application inside the router process). */
    public void send(FlowMessage message) {
        dispatch(flows.fromShares(message, Instant.now()), ROUTER_SOURCE);
    }

    /** The alias table in force. */
    public Aliases aliases() {
        return flows.aliases();
    }

    /**
     * Every counter: the flow router's ({@code route_<outcome>}), the router's own ({@code forward_failed_road},
     * …), the road's ({@code road_<name>}) and the lane's ({@code lane_<name>}).
     */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>();
        flows.stats().forEach((k, v) -> m.put("route_" + k.name().toLowerCase(Locale.ROOT), v));
        for (Count c : Count.values()) {
            m.put(c.name().toLowerCase(Locale.ROOT), counts[c.ordinal()].sum());
        }
        road.stats().forEach((k, v) -> m.put("road_" + k, v));
        lane.stats().forEach((k, v) -> m.put("lane_" + k, v));
        return m;
    }

    /** The error that closed the router by itself, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Waits until the router is closed. */
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
        road.close();
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

    private void roadLoop() {
        while (running) {
            RoadEvent.Message m;
            try {
                m = road.receive();
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                return; // closed
            }
            if (!route(() -> dispatch(flows.fromRoad(m.from(), m.role() == null ? "" : m.role(), m.body(),
                    Instant.now()), "estate:" + m.from()), "estate " + m.from())) {
                return;
            }
        }
    }

    /**
     * The router's duty cycle: the messages the lane delivered (the yards take turns in its inbox), the presence
     * events queued by the road's thread, and every poll period the policy and alias files and the lane directory. A
     * lane that closed by itself closes the router.
     */
    private final class LaneSide implements Agent {
        /** Most lane messages routed in one cycle. */
        private static final int MESSAGES_PER_CYCLE = 256;
        /** When the policy and alias files and the lane directory are looked at next. */
        private long nextWatch = Deadlines.NONE;

        @Override
        public String roleName() {
            return "router-lane-" + road.name();
        }

        @Override
        public void onStart() {
            nextWatch = agent.now() + config.policyPoll().toNanos();
        }

        @Override
        public int doWork(long now) {
            int work = 0;
            LaneMessage m;
            while (work < MESSAGES_PER_CYCLE && running && (m = lane.poll()) != null) {
                work++;
                LaneMessage from = m;
                if (!route(() -> dispatch(flows.fromLane(from.from(), from.body(), Instant.now()),
                        "yard:" + from.from()), "yard " + from.from())) {
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
            if (running && Deadlines.due(nextWatch, now)) {
                nextWatch = now + config.policyPoll().toNanos();
                work++;
                route(Router.this::watch, "the router itself");
            }
            return work;
        }

        @Override
        public long nextWakeup() {
            return presence.isEmpty() ? nextWatch : agent.now();
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null && running) {
                fail("the router's lane side failed", cause);
            }
        }
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
        LOG.error("router {}: {}; closing the router", road.name(), what, e);
        close();
    }

    private void dispatch(List<RouteAction> actions, String source) {
        if (actions.isEmpty()) {
            return;
        }
        for (RouteAction a : flows.settle(actions, Instant.now())) {
            switch (a) {
                case RouteAction.ToRoad r -> toRoad(r.estate(), r.body());
                case RouteAction.ToLane l -> toLane(l.yard(), l.body(), source);
                case RouteAction.Drop d -> {
                    count(Count.DROPPED);
                    LOG.debug("dropped: {}", d.reason());
                }
                case RouteAction.ToShare s -> throw new IllegalStateException("settle left a share delivery");
            }
        }
    }

    private void toRoad(String estate, Map<String, Object> body) {
        java.util.concurrent.atomic.AtomicInteger n = inFlight.computeIfAbsent(estate,
                k -> new java.util.concurrent.atomic.AtomicInteger());
        if (n.incrementAndGet() > config.roadInFlight()) {
            n.decrementAndGet();
            count(Count.FORWARD_REFUSED_ROAD);
            failed("road", estate, body, ErrorCode.TIMEOUT, "estate '" + estate + "' has "
                    + config.roadInFlight() + " messages in flight: refused", true);
            return;
        }
        CompletableFuture<?> f;
        try {
            f = road.send(estate, body);
        } catch (IllegalStateException e) {
            n.decrementAndGet();
            return; // closing
        }
        f.whenComplete((d, ex) -> {
            n.decrementAndGet();
            if (ex != null && running) {
                Throwable cause = cause(ex);
                ErrorCode code = cause instanceof DeliveryException ? ErrorCode.TIMEOUT : ErrorCode.UNKNOWN_DESTINATION;
                count(Count.FORWARD_FAILED_ROAD);
                failed("road", estate, body, code, "estate '" + estate + "' did not take the message: "
                        + cause.getMessage(), false);
            }
        });
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
                    failed("lane", yard, body, ErrorCode.TIMEOUT, cause.getMessage(), true);
                    return;
                }
                ErrorCode code = kind == null ? ErrorCode.TIMEOUT : switch (kind) {
                    case PEER_GONE, UNKNOWN_YARD -> ErrorCode.UNKNOWN_DESTINATION;
                    case BAD_BODY, TOO_LARGE -> ErrorCode.BAD_ROUTE;
                    default -> ErrorCode.TIMEOUT;
                };
                count(Count.FORWARD_FAILED_LANE);
                failed("lane", yard, body, code, "yard '" + yard + "' did not take the message: " + cause.getMessage(),
                        false);
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
     * hit) is reported as an event at most once a second per destination.
     */
    private void failed(String via, String to, Map<String, Object> body, ErrorCode code, String text,
            boolean refusal) {
        if (!refusal || report(via + ":" + to)) {
            emit(new RouterEvent.ForwardFailed(via, to, code.wire(), text));
        }
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            count(Count.ERRORS_UNSENT);
            return;
        }
        if (m.kind() == Kind.ERR) {
            count(Count.ERRORS_UNSENT);
            return;
        }
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("kind", m.kind().wire());
        about.put("dst", m.dst().toList());
        FlowMessage err = FlowMessage.errorTo(m.src(), flows.address(), m.id(), code, text).with("data", about);
        try {
            dispatch(flows.fromShares(err), ROUTER_SOURCE);
        } catch (RuntimeException e) {
            count(Count.ERRORS_UNSENT);
            LOG.debug("error for {} not sent: {}", m.src(), e.toString());
        }
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

    // ------------------------------------------------------------------ road events, joins, policy

    private void onRoadEvent(RoadEvent e) {
        switch (e) {
            case RoadEvent.Message m -> {
                return; // routed by roadLoop
            }
            case RoadEvent.Joined j -> {
                estates.add(j.remote());
                presence("joined", j.remote());
            }
            case RoadEvent.Allowed a -> {
                estates.add(a.remote());
                presence("allowed", a.remote());
            }
            case RoadEvent.Alive a -> presence("alive", a.remote());
            case RoadEvent.Dead d -> presence("dead", d.remote());
            default -> { }
        }
        emit(new RouterEvent.Road(e));
    }

    /** Queues an estate event for the presence topic (published by the lane agent). */
    private void presence(String event, String estate) {
        Instant at = Instant.now();
        if (!presence.offer(() -> dispatch(flows.estateEvent(event, estate, at), ROUTER_SOURCE))) {
            count(Count.PRESENCE_DROPPED);
        }
        agent.wake();
    }

    private void joinLoop(InetSocketAddress address) {
        while (running) {
            try {
                String name = road.join(address).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                estates.add(name);
                road.allow(name).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                emit(new RouterEvent.Connected(name, address));
                return;
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                if (!running) {
                    return;
                }
                Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                emit(new RouterEvent.JoinRetry(address, c instanceof TimeoutException ? "no answer" : c.getMessage()));
            }
            try {
                Thread.sleep(config.joinRetry());
            } catch (InterruptedException e) {
                return;
            }
        }
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
