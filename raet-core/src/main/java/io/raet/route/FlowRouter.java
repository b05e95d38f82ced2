package io.raet.route;

import io.raet.route.RouteAction.Drop;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import io.raet.route.RouteAction.ToShare;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *   <li>The {@link Policy} decides for the sender's role ({@value #LOCAL_ROLE} on the lane), {@code dst} and the
 *       channel; a denied message is answered {@code denied}.
 *   <li>A {@code dst} on another estate goes on the road ({@code unknown_destination} if not a known remote;
 *       messages that arrived from the road are never relayed to a third estate: {@code unknown_destination}); a
 *       {@code dst} on another yard goes on the lane ({@code unknown_destination} if no such yard); otherwise it
 *       goes to the router's share named by {@code dst} ({@code unknown_share} if none).
 * </ol>
 *
 * <p>Channels: a driver that holds several roads ({@link Topology#hasChannel}) passes the channel a road message
 * arrived on ({@link #fromRoad(String, String, String, Map)}); it becomes the {@code src} channel (a {@code src}
 * naming another channel is {@code bad_route}) and the channel the policy decides for. A message for another estate
 * leaves on the road of its {@code dst} channel ({@code unknown_channel} when there is none, {@code
 * unknown_destination} when the estate is not on that road), and the policy decides for that channel.
 *
 * <p>Errors go back the way the message came (to the sending estate or yard, addressed to the message's
 * {@code src}), from this router's address {@code [estate, "router", "", ""]}, with {@code re} = the message's
 * {@code id} and {@code data} = {@code {"kind": ..., "dst": [...]}} of the refused message. An {@code err} is never
 * answered with an {@code err}: it is dropped and counted. The router keeps no per-message state; it may be called
 * from several threads, and {@link #policy(Policy)} swaps the table atomically for the next decision.
 */
public final class FlowRouter {
    /** The role of yards on the same host. */
    public static final String LOCAL_ROLE = "local";

    /** Counted outcomes. Every message counts once as received and once in one outcome. */
    public enum Stat {
        RECEIVED_ROAD, RECEIVED_LANE, RECEIVED_SHARE,
        TO_ROAD, TO_LANE, TO_SHARE,
        DENIED, UNKNOWN_DESTINATION, UNKNOWN_SHARE, BAD_ROUTE,
        /** Messages for a channel the router has no road for. */
        UNKNOWN_CHANNEL,
        /** Error messages sent back. */
        ERRORS_SENT,
        /** Errors not sent because the refused message was itself an {@code err}. */
        ERRORS_SUPPRESSED,
        /** Errors for the router's own shares that had no share to go to. */
        ERRORS_UNDELIVERABLE
    }

    private enum Origin { ROAD, LANE, SHARE }

    private static final int SETTLE_LIMIT = 10_000;

    private final Topology topology;
    private final Shares shares;
    private volatile Policy policy;
    private final AtomicLongArray stats = new AtomicLongArray(Stat.values().length);

    public FlowRouter(Topology topology, Shares shares, Policy policy) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.shares = Objects.requireNonNull(shares, "shares");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** A router that allows everything until a policy is set. */
    public FlowRouter(Topology topology, Shares shares) {
        this(topology, shares, Policy.allowAll());
    }

    /** A router with its own {@link Shares} at {@code [estate, "router"]}. */
    public FlowRouter(Topology topology, Policy policy) {
        this(topology, new Shares(Address.of(topology.localEstate(), Address.ROUTER_YARD)), policy);
    }

    public Topology topology() {
        return topology;
    }

    /** The router's own shares (the yard {@value Address#ROUTER_YARD}). */
    public Shares shares() {
        return shares;
    }

    /** This router's address, the {@code src} of its errors. */
    public Address address() {
        return Address.of(topology.localEstate(), Address.ROUTER_YARD);
    }

    public Policy policy() {
        return policy;
    }

    /** Replaces the authorization table; the next message is decided by it. Returns the previous one. */
    public Policy policy(Policy next) {
        Policy old = policy;
        policy = Objects.requireNonNull(next, "policy");
        return old;
    }

    /** A message that arrived on the road from the authenticated remote {@code estate} with road role {@code role}. */
    public List<RouteAction> fromRoad(String estate, String role, Map<String, ?> body) {
        count(Stat.RECEIVED_ROAD);
        return route(Origin.ROAD, estate, role, null, body);
    }

    /**
     * A message that arrived on the road of {@code channel} ({@code ""}: the default road) from the authenticated
     * remote {@code estate} with road role {@code role}: its {@code src} channel is that channel (filled when empty,
     * {@code bad_route} when it names another), and the policy decides for that channel.
     */
    public List<RouteAction> fromRoad(String estate, String role, String channel, Map<String, ?> body) {
        count(Stat.RECEIVED_ROAD);
        return route(Origin.ROAD, estate, role, channel == null ? "" : channel, body);
    }

    /** A message that arrived on the lane from the yard {@code yard} (role {@value #LOCAL_ROLE}). */
    public List<RouteAction> fromLane(String yard, Map<String, ?> body) {
        count(Stat.RECEIVED_LANE);
        return route(Origin.LANE, yard, LOCAL_ROLE, null, body);
    }

    /** A message sent by the router's own yard (its shares, or an application inside the router process). */
    public List<RouteAction> fromShares(FlowMessage message) {
        count(Stat.RECEIVED_SHARE);
        return route(Origin.SHARE, Address.ROUTER_YARD, LOCAL_ROLE, null, message.body());
    }

    /**
     * Carries out the {@link ToShare} actions against {@link #shares()} and routes what the shares send in turn
     * (topic copies, {@code unknown_share} errors), until only road, lane and drop actions remain; returns those.
     */
    public List<RouteAction> settle(List<RouteAction> actions) {
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
                    work.addAll(fromShares(m));
                }
            } else {
                out.add(a);
            }
        }
        return out;
    }

    public long stat(Stat s) {
        return stats.get(s.ordinal());
    }

    /** A snapshot of every counter. */
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
    private List<RouteAction> route(Origin origin, String from, String role, String arrival, Map<String, ?> body) {
        String local = topology.localEstate();
        FlowMessage m;
        try {
            m = FlowMessage.parse(body);
        } catch (FlowException e) {
            count(Stat.BAD_ROUTE);
            return badBody(origin, from, arrival, body, e.getMessage());
        }
        Address src = m.src();
        switch (origin) {
            case ROAD -> {
                if (!src.estate().isEmpty() && !src.estate().equals(from)) {
                    count(Stat.BAD_ROUTE);
                    return error(m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src estate '" + src.estate() + "' is not the sending estate '" + from + "'");
                }
                src = src.resolve(from, null);
                if (arrival != null && !src.channel().equals(arrival)) {
                    if (!src.channel().isEmpty()) {
                        count(Stat.BAD_ROUTE);
                        return error(m, origin, from, arrival, ErrorCode.BAD_ROUTE, "src channel '" + src.channel()
                                + "' is not the channel '" + arrival + "' the message arrived on");
                    }
                    src = src.withChannel(arrival);
                }
            }
            case LANE -> {
                if (!src.isLocalEstate(local)) {
                    count(Stat.BAD_ROUTE);
                    return error(m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src estate '" + src.estate() + "' is not this estate '" + local + "'");
                }
                if (!src.yard().isEmpty() && !src.yard().equals(from)) {
                    count(Stat.BAD_ROUTE);
                    return error(m, origin, from, arrival, ErrorCode.BAD_ROUTE,
                            "src yard '" + src.yard() + "' is not the sending yard '" + from + "'");
                }
                src = src.resolve(local, from);
            }
            case SHARE -> src = src.resolve(local, Address.ROUTER_YARD);
        }
        if (!src.equals(m.src())) {
            m = m.withSrc(src);
        }
        Address dst = m.dst();
        String channel = arrival != null ? arrival : dst.channel();
        Policy.Decision d = policy.decide(role, dst, local, channel);
        if (!d.allowed()) {
            count(Stat.DENIED);
            return error(m, origin, from, arrival, ErrorCode.DENIED, "role '" + role + "' may not send to "
                    + d.dstKey() + (channel.isEmpty() ? "" : " on channel '" + channel + "'"));
        }
        if (!dst.isLocalEstate(local)) {
            if (origin == Origin.ROAD) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION,
                        "estate '" + local + "' does not relay to estate '" + dst.estate() + "'");
            }
            if (!topology.hasChannel(dst.channel())) {
                count(Stat.UNKNOWN_CHANNEL);
                return error(m, origin, from, arrival, ErrorCode.UNKNOWN_CHANNEL, "estate '" + local
                        + "' has no channel '" + dst.channel() + "'");
            }
            if (!topology.hasEstate(dst.estate(), dst.channel())) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION, "no estate '" + dst.estate()
                        + "'" + (dst.channel().isEmpty() ? "" : " on channel '" + dst.channel() + "'"));
            }
            count(Stat.TO_ROAD);
            return List.of(new ToRoad(dst.estate(), m.toBody(), dst.channel()));
        }
        if (!dst.isRouterYard()) {
            if (!topology.hasYard(dst.yard())) {
                count(Stat.UNKNOWN_DESTINATION);
                return error(m, origin, from, arrival, ErrorCode.UNKNOWN_DESTINATION,
                        "no yard '" + dst.yard() + "' on estate '" + local + "'");
            }
            count(Stat.TO_LANE);
            return List.of(new ToLane(dst.yard(), m.toBody()));
        }
        if (!shares.has(dst.share())) {
            count(Stat.UNKNOWN_SHARE);
            return error(m, origin, from, arrival, ErrorCode.UNKNOWN_SHARE,
                    "no share '" + dst.share() + "' in yard '" + Address.ROUTER_YARD + "' of estate '" + local + "'");
        }
        count(Stat.TO_SHARE);
        return List.of(new ToShare(dst.share(), m));
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

    private List<RouteAction> error(FlowMessage m, Origin origin, String from, String arrival, ErrorCode code,
            String text) {
        if (m.kind() == Kind.ERR) {
            count(Stat.ERRORS_SUPPRESSED);
            return List.of(new Drop("err not answered (" + code.wire() + "): " + text));
        }
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("kind", m.kind().wire());
        about.put("dst", m.dst().toList());
        FlowMessage err = FlowMessage.errorTo(replyTo(origin, from, arrival, m.src()), address(), m.id(), code, text)
                .with("data", about);
        return sendError(origin, from, err, text);
    }

    private List<RouteAction> badBody(Origin origin, String from, String arrival, Map<String, ?> body, String text) {
        if (body != null && Kind.ERR.wire().equals(body.get("kind"))) {
            count(Stat.ERRORS_SUPPRESSED);
            return List.of(new Drop("err not answered (bad_route): " + text));
        }
        Address src = Address.EMPTY;
        if (body != null && body.get("route") instanceof Map<?, ?> r && r.get("src") != null) {
            try {
                src = Address.parse(r.get("src"));
            } catch (FlowException e) {
                // answer the sender itself
            }
        }
        String re = body != null && body.get("id") instanceof String s ? s : null;
        FlowMessage err = FlowMessage.errorTo(replyTo(origin, from, arrival, src), address(), re, ErrorCode.BAD_ROUTE,
                text);
        return sendError(origin, from, err, text);
    }

    private List<RouteAction> sendError(Origin origin, String from, FlowMessage err, String text) {
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
