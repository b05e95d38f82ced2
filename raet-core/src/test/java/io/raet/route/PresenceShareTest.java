package io.raet.route;

import static io.raet.route.AddressAndMessageTest.body;
import static io.raet.route.AddressAndMessageTest.list;
import static io.raet.route.FlowRouterTest.msgOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The presence topic of a router: estate and yard events, snapshots, tag filters, and forged publications. */
class PresenceShareTest {
    static final Instant NOW = Instant.parse("2026-12-04T17:03:12.123456Z");

    FlowRouter router;
    PresenceShare presence;

    @BeforeEach
    void setUp() {
        router = new FlowRouter(Topology.of("alpha", Set.of("beta"), Set.of("w1", "w2", "w3")), Policy.allowAll());
        presence = router.shares().presence();
    }

    /** Subscribes a yard's share "p" (with a tag pattern when not null); returns what the router sends back. */
    List<RouteAction> subscribe(String yard, String tags) {
        return router.settle(router.fromLane(yard, body(list("", "", "p"), list("", "", "presence"), "kind", "sub",
                "id", yard + "-s", "tags", tags)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(RouteAction a) {
        return (Map<String, Object>) msgOf(a).data();
    }

    @Test
    void aSubscriberGetsTheAckAndASnapshotThenEveryEvent() {
        router.settle(router.estateEvent("joined", "beta", NOW));
        List<RouteAction> first = subscribe("w1", null);
        // w1's first message announced its arrival (to nobody yet), then the ack, then the snapshot
        assertThat(first).hasSize(2);
        assertThat(msgOf(first.get(0)).kind()).isEqualTo(Kind.ACK);
        FlowMessage snap = msgOf(first.get(1));
        assertThat(snap.tag()).isEqualTo("snapshot");
        assertThat(snap.dst()).isEqualTo(Address.of("alpha", "w1", "p"));
        assertThat(snap.data()).isEqualTo(Map.of("event", "snapshot", "estates", Map.of("beta", "joined"),
                "yards", List.of("w1")));

        List<RouteAction> events = router.settle(router.estateEvent("allowed", "beta", NOW), NOW);
        ToLane l = (ToLane) events.get(0);
        assertThat(l.yard()).isEqualTo("w1");
        FlowMessage m = msgOf(l);
        assertThat(m.kind()).isEqualTo(Kind.MSG);
        assertThat(m.tag()).isEqualTo("estate.allowed");
        assertThat(m.stamp()).isEqualTo("2026-12-04T17:03:12.123456Z");
        assertThat(m.src()).isEqualTo(Address.of("alpha", "router", "presence"));
        assertThat(m.get("topic")).isEqualTo("presence");
        assertThat(m.data()).isEqualTo(Map.of("event", "allowed", "estate", "beta"));

        // a yard's first message is its arrival; leaving is published once
        List<RouteAction> arrival = router.settle(router.fromLane("w2", body(list(), list("", "w3"), "kind", "msg")));
        assertThat(arrival).hasSize(2);
        assertThat(((ToLane) arrival.get(0)).yard()).isEqualTo("w3");
        assertThat(((ToLane) arrival.get(1)).yard()).isEqualTo("w1");
        assertThat(data(arrival.get(1))).isEqualTo(Map.of("event", "arrived", "estate", "alpha", "yard", "w2"));
        assertThat(router.settle(router.fromLane("w2", body(list(), list("", "w3"), "kind", "msg")))).hasSize(1);
        assertThat(data(router.settle(router.yardLeft("w2", NOW)).get(0))).containsEntry("event", "left");
        assertThat(router.settle(router.yardLeft("w2", NOW))).isEmpty();
        assertThat(router.settle(router.estateEvent("dead", "beta", NOW))).hasSize(1);
        assertThat(presence.estates()).containsEntry("beta", "dead");
        assertThat(presence.yards()).containsExactly("w1");
        assertThat(router.stat(Stat.PRESENCE_EVENTS)).isEqualTo(6);
    }

    @Test
    void aTagPatternChoosesTheEvents() {
        router.settle(router.yardArrived("w1", NOW));
        List<RouteAction> sub = subscribe("w1", "estate.*");
        assertThat(sub).hasSize(1); // the ack, no snapshot
        assertThat(router.settle(router.yardArrived("w3", NOW))).isEmpty();
        assertThat(router.settle(router.estateEvent("alive", "beta", NOW))).hasSize(1);
    }

    @Test
    void remoteEstatesMaySubscribeTooButGetNoSnapshot() {
        List<RouteAction> out = router.settle(router.fromRoad("beta", "router", body(list("", "watch", "p"),
                list("alpha", "", "presence"), "kind", "sub", "tags", "yard.*")));
        assertThat(out).isEmpty();
        // with an id: the ack, and no snapshot (a small sub from the road is not answered with a large message)
        List<RouteAction> acked = router.settle(router.fromRoad("beta", "router", body(list("", "w2", "p"),
                list("alpha", "", "presence"), "kind", "sub", "id", "s1")));
        assertThat(acked).hasSize(1);
        assertThat(msgOf(acked.get(0)).kind()).isEqualTo(Kind.ACK);
        List<RouteAction> ev = router.settle(router.yardArrived("w3", NOW));
        assertThat(ev).hasSize(2).allSatisfy(a -> assertThat(((ToRoad) a).estate()).isEqualTo("beta"));
        assertThat(ev).extracting(a -> msgOf(a).dst().yard()).containsExactly("watch", "w2");
    }

    @Test
    void onlyTheRouterPublishesPresence() {
        subscribe("w1", null);
        // a yard publishing to the presence topic reaches nobody
        assertThat(router.settle(router.fromLane("w1", body(list(), list("", "", "presence"), "kind", "pub",
                "data", Map.of("event", "dead", "estate", "beta"))))).isEmpty();
        assertThat(router.settle(router.fromRoad("beta", "router", body(list(), list("alpha", "", "presence"),
                "kind", "pub")))).isEmpty();
        assertThat(presence.forged()).isEqualTo(2);
        assertThat(presence.estates()).isEmpty();
    }

    @Test
    void aRouterWithoutPresenceIgnoresTheEvents() {
        FlowRouter plain = new FlowRouter(Topology.of("alpha", Set.of(), Set.of("w1")), Policy.allowAll());
        assertThat(plain.estateEvent("joined", "beta", NOW)).isEmpty();
        assertThat(plain.yardArrived("w1", NOW)).isEmpty();
        assertThat(plain.yardLeft("w1", NOW)).isEmpty();
    }
}
