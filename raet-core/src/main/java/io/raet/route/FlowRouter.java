package io.raet.route;

import io.raet.route.RouteAction.Drop;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import io.raet.route.RouteAction.ToShare;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The router of one host (sans-IO): decides what to do with each routed message that arrives from the road, from
 * a yard on the lane, or from the router's own shares, following docs/routing.md.
 *
 * <ol>
 *   <li>The body is validated ({@link FlowMessage#parse}); a malformed one is answered {@code bad_route}.
 *   <li>{@code src} is checked against where the message came from and its empty levels filled: from the road the
 *       {@code src} estate must be empty or the sending estate (it is filled with it); from the lane the {@code src}
 *       estate must be empty or this estate and the {@code src} yard empty or the sending yard (both are filled);
 *       from the router's own shares empty levels become this estate and {@value Address#ROUTER_YARD}. A mismatch
 *       is {@code bad_route}, so a sender cannot direct answers elsewhere.
 *   <li>A message without a {@code stamp} is stamped with the time the driver passes ({@link Stamp}); a stamp
 *       already there is kept.
 *   <li>The {@link Aliases} table maps a logical {@code dst} to the real one (once).
 *   <li>The {@link Policy} decides for the sender's role ({@value #LOCAL_ROLE} on the lane), the real {@code dst},
 *       the channel and the message's {@code tag}; a denied message is answered {@code denied}.
 *   <li>A {@code dst} on another estate goes on the road ({@code unknown_destination} if not a known remote;
 *       messages that arrived from the road are never relayed to a third estate: {@code unknown_destination}); a
 *       {@code dst} on another yard goes on the lane ({@code unknown_destination} if no such yard); a {@code dst}
 *       that is a {@link PoolShare} of the router goes to one of its workers ({@code unknown_destination} if it has
 *       none; {@code sub}/{@code unsub} from a yard of this estate register and unregister workers); otherwise it
 *       goes to the router's share named by {@code dst} ({@code unknown_share} if none).
 *   <li>A message handed on also goes, as a copy, to every tap of the aliases table that matches its real
 *       {@code dst} (no policy, no answer).
 * </ol>
 *
 * <p>Channels: a driver that holds several roads ({@link Topology#hasChannel}) passes the channel a road message
 * arrived on ({@link #fromRoad(String, String, String, Map, Instant)}); it becomes the {@code src} channel (a
 * {@code src} naming another channel is {@code bad_route}) and the channel the policy decides for. A message for
 * another estate leaves on the road of its real {@code dst} channel ({@code unknown_channel} when there is none,
 * {@code unknown_destination} when the estate is not on that road), and the policy decides for that channel. An
 * alias keeps the channel of the {@code dst} it rewrites (it sets estate, yard and share only), so a message
 * aliased to another estate leaves on the road it named, and a tap's copy for another estate goes on the road of
 * the tap's address (the real {@code dst}'s channel).
 *
 * <p>The router also follows its worker yards' answers (to count their outstanding requests), and tells its
 * {@link PresenceShare} (when it has one) about estates and yards: {@link #estateEvent}, {@link #yardArrived} (also
 * on a yard's first message), {@link #yardLeft} (which also drops the yard from every pool, answering or handing on
 * its in-flight requests), {@link #laneFailed}.
 *
 * <p>Errors go back the way the message came (to the sending estate or yard, addressed to the message's
 * {@code src}), from this router's address {@code [estate, "router", "", ""]}, with {@code re} = the message's
 * {@code id} and {@code data} = {@code {"kind": ..., "dst": [...]}} of the refused message. An error for an
 * estate goes back on the road the message arrived on; an error is stamped like any message the router makes. An
 * {@code err} is never answered with an {@code err}: it is dropped and counted. The router keeps no per-message
 * state of its own (its pools keep their in-flight requests); it may be called from several threads, and
 * {@link #policy(Policy)} and {@link #aliases(Aliases)} swap their tables atomically for the next message. Time
 * comes from the driver (the {@code now} arguments): without it nothing is stamped.
 */
public final class FlowRouter {
    /** The role of yards on the same host. */
    public static final String LOCAL_ROLE = "local";

    /** Counted outcomes. Every message counts once as received and once in one outcome. */
    public enum Stat {
        /** Messages received from the road. */
        RECEIVED_ROAD,
        /** Messages received from the lane. */
        RECEIVED_LANE,
        /** Messages sent by the router's own shares. */
        RECEIVED_SHARE,
        /** Messages handed to the road (an outcome). */
        TO_ROAD,
        /** Messages handed to the lane (an outcome). */
        TO_LANE,
        /** Messages delivered to the router's own shares (an outcome). */
        TO_SHARE,
        /** Messages the policy denied (an outcome). */
        DENIED,
        /** Messages for an estate or yard the router does not know (an outcome). */
        UNKNOWN_DESTINATION,
        /** Messages for a share the router's own yard does not hold (an outcome). */
        UNKNOWN_SHARE,
        /** Messages whose route is not valid (an outcome). */
        BAD_ROUTE,
        /** Messages for a channel the router has no road for. */
        UNKNOWN_CHANNEL,
        /** Error messages sent back. */
        ERRORS_SENT,
        /** Errors not sent because the refused message was itself an {@code err}. */
        ERRORS_SUPPRESSED,
        /** Errors for the router's own shares that had no share to go to. */
        ERRORS_UNDELIVERABLE,
        /** Messages handed to a worker of a pool (an outcome, like {@code TO_LANE}). */
        TO_WORKER,
        /** Messages for a pool without workers, answered {@code unknown_destination} (an outcome). */
        NO_WORKER,
        /** Messages this router stamped. */
        STAMPED,
        /** Messages whose {@code dst} an alias rewrote. */
        ALIASED,
        /** Tap copies sent. */
        TAPPED,
        /** Tap copies not sent: the tap's destination is not known. */
        TAP_DROPPED,
        /** Workers dropped because their yard left or they unregistered. */
        WORKERS_DROPPED,
        /** In-flight requests of a worker that left, handed to another worker (idempotent ones). */
        WORKER_RETRIED,
        /** In-flight requests of a worker that left, answered {@code failed}. */
        WORKER_FAILED,
        /** Presence events published. */
        PRESENCE_EVENTS
    }

    /**
     * What {@link #laneFailed} decided: {@code answered} when the pools took care of the message that could not be
     * handed to the yard (the driver must not answer it again), and the actions to carry out.
     *
     * @param answered whether the pools took care of the message
     * @param actions the actions to carry out
     */
    public record LaneFailure(boolean answered, List<RouteAction> actions) {}

    private enum Origin { ROAD, LANE, SHARE }

    private static final int SETTLE_LIMIT = 10_000;

    private final Topology topology;
    private final Shares shares;
    private volatile Policy policy;
    private volatile Aliases aliases = Aliases.none();
    private final AtomicLongArray stats = new AtomicLongArray(Stat.values().length);

    /**
     * A router over {@code topology} with its own shares and this table.
     *
     * @param topology the estates and yards reachable
     * @param shares the router's own shares
     * @param policy the authorization table
     */
    public FlowRouter(Topology topology, Shares shares, Policy policy) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.shares = Objects.requireNonNull(shares, "shares");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * A router that allows everything until a policy is set.
     *
     * @param topology the estates and yards reachable
     * @param shares the router's own shares
     */
    public FlowRouter(Topology topology, Shares shares) {
        this(topology, shares, Policy.allowAll());
    }

    /**
     * A router with its own {@link Shares} at {@code [estate, "router"]}.
     *
     * @param topology the estates and yards reachable
     * @param policy the authorization table
     */
    public FlowRouter(Topology topology, Policy policy) {
        this(topology, new Shares(Address.of(topology.localEstate(), Address.ROUTER_YARD)), policy);
    }

    /** {@return the estates and yards reachable} */
    public Topology topology() {
        return topology;
    }

    /** {@return the router's own shares (the yard {@value Address#ROUTER_YARD})} */
    public Shares shares() {
        return shares;
    }

    /** {@return this router's address, the {@code src} of its errors} */
    public Address address() {
        return Address.of(topology.localEstate(), Address.ROUTER_YARD);
    }

    /** {@return the authorization table in force} */
    public Policy policy() {
        return policy;
    }

    /**
     * Replaces the authorization table; the next message is decided by it. Returns the previous one.
     *
     * @param next the new table
     * @return the previous table
     */
    public Policy policy(Policy next) {
        Policy old = policy;
        policy = Objects.requireNonNull(next, "policy");
        return old;
    }

    /** {@return the alias table in force} */
    public Aliases aliases() {
        return aliases;
    }

    /**
     * Replaces the alias table; the next message is routed by it. Returns the previous one.
     *
     * @param next the new table
     * @return the previous table
     */
    public Aliases aliases(Aliases next) {
        Aliases old = aliases;
        aliases = Objects.requireNonNull(next, "aliases");
        return old;
    }

    /** {@return the presence topic among the router's shares, or null when it has none} */
    public PresenceShare presence() {
        return shares.get(PresenceShare.NAME).orElse(null) instanceof PresenceShare p ? p : null;
    }

    /**
     * A message that arrived on the road from the authenticated remote {@code estate} with road role {@code
     * role}.
     *
     * @param estate the sending remote
     * @param role its road role
     * @param body the message's body
     * @return the actions to carry out
     */
    public List<RouteAction> fromRoad(String estate, String role, Map<String, ?> body) {
        return fromRoad(estate, role, body, null);
    }

    /**
     * {@link #fromRoad(String, String, Map)} at wall-clock time {@code now} (for the stamp; null: no stamp).
     *
     * @param estate the sending remote
     * @param role its road role
     * @param body the message's body
     * @param now the time, or null
     * @return the actions to carry out
     */
    public List<RouteAction> fromRoad(String estate, String role, Map<String, ?> body, Instant now) {
        count(Stat.RECEIVED_ROAD);
        return route(Origin.ROAD, estate, role, null, body, now);
    }

    /**
     * {@link #fromRoad(String, String, String, Map, Instant)} without a stamp.
     *
     * @param estate the sending remote
     * @param role its road role
     * @param channel the road's channel
     * @param body the message's body
     * @return the actions to carry out
     */
    public List<RouteAction> fromRoad(String estate, String role, String channel, Map<String, ?> body) {
        return fromRoad(estate, role, channel, body, null);
    }

    /**
     * A message that arrived on the road of {@code channel} ({@code ""}: the default road) from the
     * authenticated remote {@code estate} with road role {@code role}, at wall-clock time {@code now} (for the stamp;
     * null: no stamp): its {@code src} channel is that channel (filled when empty, {@code bad_route} when it names
     * another), and the policy decides for that channel.
     *
     * @param estate the sending remote
     * @param role its road role
     * @param channel the road's channel
     * @param body the message's body
     * @param now the time, or null
     * @return the actions to carry out
     */
    public List<RouteAction> fromRoad(String estate, String role, String channel, Map<String, ?> body, Instant now) {
        count(Stat.RECEIVED_ROAD);
        return route(Origin.ROAD, estate, role, channel == null ? "" : channel, body, now);
    }

    /**
     * A message that arrived on the lane from the yard {@code yard} (role {@value #LOCAL_ROLE}).
     *
     * @param yard the sending yard
     * @param body the message's body
     * @return the actions to carry out
     */
    public List<RouteAction> fromLane(String yard, Map<String, ?> body) {
        return fromLane(yard, body, null);
    }

    /**
     * {@link #fromLane(String, Map)} at wall-clock time {@code now} (for the stamp; null: no stamp). The first
     * message of a yard the presence topic does not know also announces its arrival.
     *
     * @param yard the sending yard
     * @param body the message's body
     * @param now the time, or null
     * @return the actions to carry out
     */
    public List<RouteAction> fromLane(String yard, Map<String, ?> body, Instant now) {
        count(Stat.RECEIVED_LANE);
        List<RouteAction> arrival = yardArrived(yard, now);
        List<RouteAction> routed = route(Origin.LANE, yard, LOCAL_ROLE, null, body, now);
        return arrival.isEmpty() ? routed : concat(arrival, routed);
    }

    /**
     * A message sent by the router's own yard (its shares, or an application inside the router process).
     *
     * @param message the message
     * @return the actions to carry out
     */
    public List<RouteAction> fromShares(FlowMessage message) {
        return fromShares(message, null);
    }

    /**
     * {@link #fromShares(FlowMessage)} at wall-clock time {@code now} (for the stamp; null: no stamp).
     *
     * @param message the message
     * @param now the time, or null
     * @return the actions to carry out
     */
    public List<RouteAction> fromShares(FlowMessage message, Instant now) {
        count(Stat.RECEIVED_SHARE);
        return route(Origin.SHARE, Address.ROUTER_YARD, LOCAL_ROLE, null, message.body(), now);
    }

    /**
     * Carries out the {@link ToShare} actions against {@link #shares()} and routes what the shares send in turn
     * (topic copies, {@code unknown_share} errors), until only road, lane and drop actions remain; returns those.
     *
     * @param actions the actions
     * @return the road, lane and drop actions left
     */
    public List<RouteAction> settle(List<RouteAction> actions) {
        return settle(actions, null);
    }

    /**
     * {@link #settle(List)} at wall-clock time {@code now} (for the stamps of what the shares send).
     *
     * @param actions the actions
     * @param now the time, or null
     * @return the road, lane and drop actions left
     */
    public List<RouteAction> settle(List<RouteAction> actions, Instant now) {
        List<RouteAction> out = new ArrayList<>();
        ArrayDeque<RouteAction> work = new ArrayDeque<>(actions);
        int steps = 0;
        while (!work.isEmpty()) {
            RouteAction a = work.pollFirst();
            if (a instanceof ToShare ts) {
                if (++steps > SETTLE_LIMIT) {
                    out.add(new Drop("share delivery limit reached"));
                    break;
                }
                for (FlowMessage m : shares.deliver(ts.message())) {
                    work.addAll(fromShares(m, now));
                }
            } else {
                out.add(a);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ presence and workers

    /**
     * An estate event of the road ({@code joined}, {@code allowed}, {@code alive}, {@code dead}) for the
     * presence topic: the actions that publish it (none without a presence topic). Carry them out with {@link #settle}.
     *
     * @param event the event
     * @param estate the estate
     * @param now the time, or null
     * @return the actions that publish it
     */
    public List<RouteAction> estateEvent(String event, String estate, Instant now) {
        PresenceShare p = presence();
        if (p == null) {
            return List.of();
        }
        return publish(p, p.estate(event, estate, now));
    }

    /**
     * A yard appeared on the lane: publishes its arrival when the presence topic did not know it yet.
     *
     * @param yard the yard
     * @param now the time, or null
     * @return the actions that publish it
     */
    public List<RouteAction> yardArrived(String yard, Instant now) {
        PresenceShare p = presence();
        if (p == null || p.hasYard(yard) || Address.ROUTER_YARD.equals(yard)) {
            return List.of();
        }
        return publish(p, p.yard(true, yard, now));
    }

    /** {@return the yards this router keeps state for: known present by the presence topic, and the pools' workers} */
    public Set<String> knownYards() {
        Set<String> out = new LinkedHashSet<>();
        PresenceShare p = presence();
        if (p != null) {
            out.addAll(p.yards());
        }
        for (PoolShare pool : shares.pools()) {
            for (PoolShare.WorkerState w : pool.workers()) {
                out.add(w.yard());
            }
        }
        return out;
    }

    /**
     * A yard left the lane (its socket is gone, or a send to it found nobody): it is dropped from every pool
     * at once, its in-flight requests handed to another worker (idempotent ones) or answered {@code err} {@code
     * failed}, and its departure published. Returns the actions (to {@link #settle}).
     *
     * @param yard the yard
     * @param now the time, or null
     * @return the actions to settle
     */
    public List<RouteAction> yardLeft(String yard, Instant now) {
        List<RouteAction> out = new ArrayList<>();
        for (PoolShare pool : shares.pools()) {
            List<PoolShare.InFlight> orphans = pool.remove(yard);
            if (orphans != null) {
                count(Stat.WORKERS_DROPPED);
                out.addAll(orphaned(pool, orphans, now));
            }
        }
        PresenceShare p = presence();
        if (p != null) {
            out.addAll(publish(p, p.yard(false, yard, now)));
        }
        return out;
    }

    /**
     * A message this router handed to {@code yard} could not be delivered. When the yard is {@code gone} (no
     * socket, or nobody reading it) it leaves as in {@link #yardLeft}; a request the pools were waiting on is then
     * answered (or handed on) by them ({@link LaneFailure#answered}). Otherwise a pool stops waiting for it and the
     * driver answers it as usual.
     *
     * @param yard the yard
     * @param body the message's body
     * @param gone whether the yard is gone
     * @param now the time, or null
     * @return whether the pools answered it, and the actions to carry out
     */
    public LaneFailure laneFailed(String yard, Map<String, ?> body, boolean gone, Instant now) {
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            m = null;
        }
        boolean tracked = false;
        if (m != null && m.id() != null) {
            for (PoolShare pool : shares.pools()) {
                if (gone) {
                    tracked |= pool.inFlight(yard, m.src(), m.id());
                } else {
                    pool.forget(yard, m.src(), m.id());
                }
            }
        }
        return new LaneFailure(tracked, gone ? yardLeft(yard, now) : List.of());
    }

    private List<RouteAction> publish(PresenceShare p, FlowMessage pub) {
        if (pub == null) {
            return List.of();
        }
        count(Stat.PRESENCE_EVENTS);
        return List.of(new ToShare(PresenceShare.NAME, pub));
    }

    /** Requests of a worker that left: idempotent ones to another worker, the others answered {@code failed}. */
    private List<RouteAction> orphaned(PoolShare pool, List<PoolShare.InFlight> orphans, Instant now) {
        List<RouteAction> out = new ArrayList<>();
        for (PoolShare.InFlight o : orphans) {
            if (o.request().idempotent() && o.attempts() < PoolShare.MAX_ATTEMPTS) {
                Optional<PoolShare.Dispatch> d = pool.dispatch(o.request(), o.attempts() + 1);
                if (d.isPresent()) {
                    count(Stat.WORKER_RETRIED);
                    out.add(new ToLane(d.get().worker(), d.get().message().toBody()));
                    continue;
                }
            }
            count(Stat.WORKER_FAILED);
            out.addAll(fromShares(pool.orphanError(o), now));
        }
        return out;
    }

    private static List<RouteAction> concat(List<RouteAction> a, List<RouteAction> b) {
        List<RouteAction> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    /**
     * {@return one counter}
     *
     * @param s the counter
     */
    public long stat(Stat s) {
        return stats.get(s.ordinal());
    }

    /** {@return a snapshot of every counter} */
    public Map<Stat, Long> stats() {
        Map<Stat, Long> m = new EnumMap<>(Stat.class);
        for (Stat s : Stat.values()) {
            m.put(s, stats.get(s.ordinal()));
        }
        return m;
    }

    private void count(Stat s) {
        stats.incrementAndGet(s.ordinal());
    }

    /**
     * @param arrival the channel of the road the message arrived on, or null when it did not come from the road or
     *     the driver does not tell channels apart
     */
    private List<RouteAction> route(Origin origin, String from, String role, String arrival, Map<String, ?> body,
            Instant now) {
        String local = topology.localEstate();
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            count(Stat.BAD_ROUTE);
            return badBody(origin, from, arrival, body, e.getMessage(), now);
        }
        Address src = m.src();
        switch (origin) {
            case ROAD -> {
                if (!src.estate().isEmpty() && !src.estate().equals(from)) {
                    count(Stat.BAD_ROUTE);
                    return error(now, m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src estate '" + src.estate() + "' is not the sending estate '" + from + "'"
                                    + " (" + Address.FORMS + ")");
                }
                src = src.resolve(from, null);
                if (arrival != null && !src.channel().equals(arrival)) {
                    if (!src.channel().isEmpty()) {
                        count(Stat.BAD_ROUTE);
                        return error(now, m, origin, from, arrival, ErrorCode.BAD_ROUTE, "src channel '"
                                + src.channel() + "' is not the channel '" + arrival + "' the message arrived on");
                    }
                    src = src.withChannel(arrival);
                }
            }
            case LANE -> {
                if (!src.isLocalEstate(local)) {
                    count(Stat.BAD_ROUTE);
                    return error(now, m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src estate '" + src.estate() + "' is not this estate '" + local + "'"
                                    + " (" + Address.FORMS + ")");
                }
                if (!src.yard().isEmpty() && !src.yard().equals(from)) {
                    count(Stat.BAD_ROUTE);
                    return error(now, m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src yard '" + src.yard() + "' is not the sending yard '" + from + "'");
                }
                src = src.resolve(local, from);
            }
            case SHARE -> src = src.resolve(local, Address.ROUTER_YARD);
        }
        if (!src.equals(m.src())) {
            m = m.withSrc(src);
        }
        if (now != null && m.stamp() == null) {
            m = m.with("stamp", Stamp.format(now));
            count(Stat.STAMPED);
        }
        if (origin == Origin.LANE && m.kind().isAnswer() && m.re() != null) {
            Address client = m.dst().resolve(local, null);
            for (PoolShare pool : shares.pools()) {
                pool.answered(from, client, m.re());
            }
        }
        Aliases table = aliases;
        Address dst = table.resolve(m.dst(), local);
        if (!dst.equals(m.dst())) {
            m = m.withDst(dst);
            count(Stat.ALIASED);
        }
        String channel = arrival != null ? arrival : dst.channel();
        Policy.Decision d = policy.decide(role, dst, local, channel, m.tag());
        if (!d.allowed()) {
            count(Stat.DENIED);
            return error(now, m, origin, from, arrival, ErrorCode.DENIED,
                    "role '" + role + "' may not send to " + d.dstKey()
                            + (channel.isEmpty() ? "" : " on channel '" + channel + "'")
                            + (m.tag() == null ? "" : " with tag '" + m.tag() + "'"));
        }
        return deliver(origin, from, arrival, m, dst, table, now);
    }

    /** {@code handed} (the message handed on) and, after it, a copy of the message for each matching tap. */
    private List<RouteAction> handedOn(RouteAction handed, FlowMessage m, Address dst, Origin origin,
            Aliases table) {
        String local = topology.localEstate();
        List<Address> taps = table.taps(dst, local);
        if (taps.isEmpty()) {
            return List.of(handed);
        }
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("src", m.src().toList());
        about.put("dst", dst.toList());
        about.put("kind", m.kind().wire());
        if (m.id() != null) {
            about.put("id", m.id());
        }
        List<RouteAction> out = new ArrayList<>();
        out.add(handed);
        for (Address t : taps) {
            FlowMessage copy = m.copy(address(), t, Map.of("tap", about));
            RouteAction a;
            if (!t.isLocalEstate(local)) {
                boolean reachable = origin != Origin.ROAD && topology.hasChannel(t.channel())
                        && topology.hasEstate(t.estate(), t.channel());
                a = reachable ? new ToRoad(t.estate(), copy.toBody(), t.channel()) : null;
            } else if (!t.isRouterYard()) {
                a = topology.hasYard(t.yard()) ? new ToLane(t.yard(), copy.toBody()) : null;
            } else {
                a = shares.get(t.share()).orElse(null) instanceof PoolShare || !shares.has(t.share()) ? null
                        : new ToShare(t.share(), copy);
            }
            if (a == null) {
                count(Stat.TAP_DROPPED);
            } else {
                count(Stat.TAPPED);
                out.add(a);
            }
        }
        return out;
    }

    /** Hands an allowed message with its real {@code dst} on: the road, the lane, a pool or a share of the router. */
    private List<RouteAction> deliver(Origin origin, String from, String arrival, FlowMessage m, Address dst,
            Aliases table, Instant now) {
        String local = topology.localEstate();
        if (!dst.isLocalEstate(local)) {
            if (origin == Origin.ROAD) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION,
                        "estate '" + local + "' does not relay to estate '" + dst.estate() + "'");
            }
            if (!topology.hasChannel(dst.channel())) {
                count(Stat.UNKNOWN_CHANNEL);
                return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_CHANNEL, "estate '" + local
                        + "' has no channel '" + dst.channel() + "'");
            }
            if (!topology.hasEstate(dst.estate(), dst.channel())) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION, "no estate '"
                        + dst.estate() + "'" + (dst.channel().isEmpty() ? "" : " on channel '" + dst.channel() + "'"));
            }
            if (!m.src().channel().equals(dst.channel())) {
                // it leaves on the road of its dst channel: its src names that road, where answers come back
                m = m.withSrc(m.src().withChannel(dst.channel()));
            }
            count(Stat.TO_ROAD);
            return handedOn(new ToRoad(dst.estate(), m.toBody(), dst.channel()), m, dst, origin, table);
        }
        if (!dst.isRouterYard()) {
            if (!topology.hasYard(dst.yard())) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION,
                        "no yard '" + dst.yard() + "' on estate '" + local + "'");
            }
            count(Stat.TO_LANE);
            return handedOn(new ToLane(dst.yard(), m.toBody()), m, dst, origin, table);
        }
        Share share = shares.get(dst.share()).orElse(null);
        if (share == null) {
            count(Stat.UNKNOWN_SHARE);
            return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_SHARE,
                    "no share '" + dst.share() + "' in yard '" + Address.ROUTER_YARD + "' of estate '" + local + "'");
        }
        if (share instanceof PoolShare pool) {
            return toPool(origin, from, arrival, m, pool, table, now);
        }
        count(Stat.TO_SHARE);
        return handedOn(new ToShare(dst.share(), m), m, dst, origin, table);
    }

    /** A message to a pool: a worker's registration, or work for one of its workers. */
    private List<RouteAction> toPool(Origin origin, String from, String arrival, FlowMessage m, PoolShare pool,
            Aliases table, Instant now) {
        if (m.kind() == Kind.SUB || m.kind() == Kind.UNSUB) {
            if (origin != Origin.LANE) {
                count(Stat.DENIED);
                return error(now, m, origin, from, arrival, ErrorCode.DENIED, "the workers of share '" + pool.name()
                        + "' are yards of estate '" + topology.localEstate() + "'");
            }
            count(Stat.TO_SHARE);
            PoolShare.Control c = pool.control(m);
            List<RouteAction> out = new ArrayList<>();
            for (FlowMessage answer : c.answers()) {
                if (answer.kind() == Kind.ERR) {
                    count(Stat.ERRORS_SENT);
                }
                out.add(new ToLane(from, answer.toBody()));
            }
            if (!c.orphans().isEmpty()) {
                count(Stat.WORKERS_DROPPED);
                out.addAll(orphaned(pool, c.orphans(), now));
            }
            return out;
        }
        Optional<PoolShare.Dispatch> d = pool.dispatch(m, 1);
        if (d.isEmpty()) {
            count(Stat.NO_WORKER);
            return error(now, m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION, "share '" + pool.name()
                    + "' of estate '" + topology.localEstate() + "' has no workers");
        }
        count(Stat.TO_WORKER);
        return handedOn(new ToLane(d.get().worker(), d.get().message().toBody()), m, m.dst(), origin, table);
    }

    /**
     * Where errors go: {@code src} with the levels the arrival proves (sending estate and the channel it came on,
     * sending yard).
     */
    private Address replyTo(Origin origin, String from, String arrival, Address src) {
        return switch (origin) {
            case ROAD -> arrival == null ? src.withEstate(from) : src.withEstate(from).withChannel(arrival);
            case LANE -> src.withEstate(topology.localEstate()).withYard(from);
            case SHARE -> src.resolve(topology.localEstate(), Address.ROUTER_YARD);
        };
    }

    private List<RouteAction> error(Instant now, FlowMessage m, Origin origin, String from, String arrival,
            ErrorCode code, String text) {
        if (m.kind() == Kind.ERR) {
            count(Stat.ERRORS_SUPPRESSED);
            return List.of(new Drop("err not answered (" + code.wire() + "): " + text));
        }
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("kind", m.kind().wire());
        about.put("dst", m.dst().toList());
        FlowMessage err = FlowMessage.errorTo(replyTo(origin, from, arrival, m.src()), address(), m.id(), code, text)
                .with("data", about);
        return sendError(origin, from, err, text, now);
    }

    private List<RouteAction> badBody(Origin origin, String from, String arrival, Map<String, ?> body, String text,
            Instant now) {
        if (body != null && Kind.ERR.wire().equals(body.get("kind"))) {
            count(Stat.ERRORS_SUPPRESSED);
            return List.of(new Drop("err not answered (bad_route): " + text));
        }
        Address src = body == null ? Address.EMPTY : Route.sourceOf(body.get("route"));
        String re = body != null && body.get("id") instanceof String s ? s : null;
        FlowMessage err = FlowMessage.errorTo(replyTo(origin, from, arrival, src), address(), re, ErrorCode.BAD_ROUTE,
                text);
        return sendError(origin, from, err, text, now);
    }

    private List<RouteAction> sendError(Origin origin, String from, FlowMessage err, String text, Instant now) {
        if (now != null) {
            err = err.with("stamp", Stamp.format(now));
        }
        switch (origin) {
            case ROAD -> {
                count(Stat.ERRORS_SENT);
                return List.of(new ToRoad(from, err.toBody(), err.dst().channel()));
            }
            case LANE -> {
                count(Stat.ERRORS_SENT);
                return List.of(new ToLane(from, err.toBody()));
            }
            default -> {
                String share = err.dst().share();
                if (err.dst().isLocalRouter(topology.localEstate()) && shares.has(share)) {
                    count(Stat.ERRORS_SENT);
                    return List.of(new ToShare(share, err));
                }
                count(Stat.ERRORS_UNDELIVERABLE);
                return List.of(new Drop("error for the router's own yard has no share: " + text));
            }
        }
    }
}
