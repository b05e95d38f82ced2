package io.raet.route;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.PacketException;
import io.raet.route.RouteAction.Drop;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import io.raet.route.RouteAction.ToShare;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Routers wired together in memory: each router's {@link ToRoad} actions are fed into the named router's
 * {@code fromRoad} (bodies encoded and decoded as msgpack, like the road does), {@link ToLane} actions into the
 * named yard's receiver (bodies through JSON). A loss predicate drops road actions to simulate lost packets.
 */
final class InMemoryNet {
    record Host(FlowRouter router, String role, Map<String, Consumer<FlowMessage>> yards) {}

    final Map<String, Host> hosts = new LinkedHashMap<>();
    final ArrayDeque<Runnable> work = new ArrayDeque<>();
    final List<String> drops = new ArrayList<>();
    /** Every body that went on the road, and to a yard on the lane, as it arrived there. */
    final List<Map<String, Object>> onRoad = new ArrayList<>();
    final List<Map<String, Object>> onLane = new ArrayList<>();
    Predicate<Map<String, Object>> roadLoss = b -> false;
    int roadPackets;
    int lost;

    FlowRouter host(String estate, String role, Set<String> peers, Set<String> yards, Policy policy) {
        FlowRouter r = new FlowRouter(Topology.of(estate, peers, yards), policy);
        hosts.put(estate, new Host(r, role, new LinkedHashMap<>()));
        return r;
    }

    void yard(String estate, String yard, Consumer<FlowMessage> receiver) {
        hosts.get(estate).yards().put(yard, receiver);
    }

    /** A yard sends a message on the lane to its router. */
    void send(String estate, String yard, FlowMessage m) {
        send(estate, yard, m.toBody());
    }

    /** A yard sends a body, as it wrote it, on the lane to its router. */
    void send(String estate, String yard, Map<String, Object> message) {
        Map<String, Object> body = roundTrip(BodyKind.JSON, message);
        work.add(() -> dispatch(estate, hosts.get(estate).router().fromLane(yard, body)));
    }

    void dispatch(String estate, List<RouteAction> actions) {
        Host h = hosts.get(estate);
        for (RouteAction a : h.router().settle(actions)) {
            switch (a) {
                case ToRoad r -> {
                    roadPackets++;
                    if (roadLoss.test(r.body())) {
                        lost++;
                        continue;
                    }
                    Map<String, Object> body = roundTrip(BodyKind.MSGPACK, r.body());
                    onRoad.add(body);
                    Host to = hosts.get(r.estate());
                    work.add(() -> dispatch(r.estate(), to.router().fromRoad(estate, h.role(), body)));
                }
                case ToLane l -> {
                    Map<String, Object> body = roundTrip(BodyKind.JSON, l.body());
                    onLane.add(body);
                    Consumer<FlowMessage> y = h.yards().get(l.yard());
                    work.add(() -> y.accept(FlowMessage.parse(body)));
                }
                case Drop d -> drops.add(estate + ": " + d.reason());
                case ToShare s -> throw new AssertionError("settled: " + s);
            }
        }
    }

    /** Runs until nothing is in flight. */
    void run() {
        int steps = 0;
        while (!work.isEmpty()) {
            if (++steps > 1_000_000) {
                throw new AssertionError("does not settle");
            }
            work.pollFirst().run();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> roundTrip(BodyKind kind, Map<String, Object> body) {
        try {
            byte[] b = Body.encode(kind, body);
            return (Map<String, Object>) Body.decode(kind, b, 0, b.length);
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }
}
