package io.raet.route;

import static io.raet.route.AddressAndMessageTest.list;
import static io.raet.route.AddressAndMessageTest.parts;
import static io.raet.route.AddressAndMessageTest.withOrder;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.ToLane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The design's example message, whose addresses are written {@code [channel, estate, yard, share]}, from the yard
 * {@code yard-manor} behind the router of estate {@code alpha-estate} to the share {@code event} of the yard
 * {@code yard-remote} behind the router of estate {@code beta-estate}; and addresses as objects of named parts.
 * Channels are not routed on here: the example's {@code "0"} and {@code "5"} stand for the default channels and
 * travel as the channel level.
 */
class DesignAddressTest {
    /** The design's example message, as the design writes it. */
    static final String EXAMPLE = """
            {"route":{"src":["0","alpha-estate","yard-manor","presence"],"dst":["5","beta-estate","yard-remote","event"]},\
            "tag":"x","stamp":"2026-11-25T05:20:00.123456","data":{"quantity":5,"price":1.5}}""";

    static final Address MANOR = Address.builder().channel("0").estate("alpha-estate").yard("yard-manor")
            .share("presence").build();
    /** {@link #MANOR} as it arrives: it left alpha on the road of its dst channel, which its src then names. */
    static final Address MANOR_ON_ROAD = MANOR.withChannel("5");
    static final Address EVENT = Address.builder().channel("5").estate("beta-estate").yard("yard-remote")
            .share("event").build();

    /** The design's example message as a body. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> example() {
        try {
            return new ObjectMapper().readValue(EXAMPLE, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** The example with the one addition it needs: {@code "order": "design"} in its route. */
    static Map<String, Object> exampleInItsOrder() {
        return withOrder(example(), "design");
    }

    /** The example's fields with addresses as objects of named parts (the default channel {@code ""}). */
    static Map<String, Object> exampleWithNamedParts() {
        Map<String, Object> b = example();
        b.put("route", Map.of(
                "src", parts("channel", "", "estate", "alpha-estate", "yard", "yard-manor", "share", "presence"),
                "dst", parts("channel", "", "estate", "beta-estate", "yard", "yard-remote", "share", "event")));
        return b;
    }

    InMemoryNet net;
    FlowRouter alpha;
    FlowRouter beta;
    QueueShare event;
    final List<FlowMessage> atManor = new ArrayList<>();

    @BeforeEach
    void setUp() {
        net = new InMemoryNet();
        alpha = net.host("alpha-estate", "minion1", Set.of("beta-estate"), Set.of("yard-manor", "w1"), Policy.allowAll());
        beta = net.host("beta-estate", "master", Set.of("alpha-estate"), Set.of("yard-remote"), Policy.allowAll());
        Shares remote = new Shares(Address.of("beta-estate", "yard-remote"));
        event = remote.queue("event");
        net.yard("beta-estate", "yard-remote", remote::deliver);
        net.yard("alpha-estate", "yard-manor", atManor::add);
    }

    /** What the share {@code event} of {@code yard-remote} got. */
    FlowMessage arrived() {
        List<FlowMessage> all = event.drain();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    static void assertWireRoute(Map<String, Object> body, List<Object> src, List<Object> dst) {
        assertThat(body.get("route")).isEqualTo(Map.of("src", src, "dst", dst));
    }

    @Test
    void theDesignsExampleInItsOwnOrderReachesTheShareBehindTheOtherRouter() {
        net.send("alpha-estate", "yard-manor", exampleInItsOrder());
        net.run();
        FlowMessage m = arrived();
        assertThat(m.kind()).isEqualTo(Kind.MSG);
        assertThat(m.src()).isEqualTo(MANOR_ON_ROAD);
        assertThat(m.dst()).isEqualTo(EVENT);
        assertThat(m.tag()).isEqualTo("x");
        assertThat(m.stamp()).isEqualTo("2026-11-25T05:20:00.123456");
        assertThat(m.data()).isEqualTo(Map.of("quantity", 5L, "price", 1.5));
        // on the road and on the lane the addresses are wire arrays, without the order key: a reference estate or
        // yard reads them, and the next router does not read them in the design's order again
        List<Object> src = list("alpha-estate", "yard-manor", "presence", "5");
        List<Object> dst = list("beta-estate", "yard-remote", "event", "5");
        assertWireRoute(net.onRoad.get(0), src, dst);
        assertWireRoute(net.onLane.get(0), src, dst);
        assertThat(alpha.stat(Stat.TO_ROAD)).isEqualTo(1);
        assertThat(beta.stat(Stat.TO_LANE)).isEqualTo(1);
        assertThat(alpha.stat(Stat.BAD_ROUTE) + beta.stat(Stat.BAD_ROUTE)).isZero();
        assertThat(atManor).isEmpty();
    }

    @Test
    void theSameMessageWithNamedPartsIsRoutedTheSameWay() {
        net.send("alpha-estate", "yard-manor", exampleWithNamedParts());
        net.run();
        FlowMessage m = arrived();
        assertThat(m.src()).isEqualTo(Address.of("alpha-estate", "yard-manor", "presence"));
        assertThat(m.dst()).isEqualTo(Address.of("beta-estate", "yard-remote", "event"));
        assertThat(m.tag()).isEqualTo("x");
        assertThat(m.stamp()).isEqualTo("2026-11-25T05:20:00.123456");
        assertWireRoute(net.onRoad.get(0), list("alpha-estate", "yard-manor", "presence", ""),
                list("beta-estate", "yard-remote", "event", ""));
        // any subset: the relative source is filled by the first router, as for arrays
        Map<String, Object> b = example();
        b.put("route", Map.of("src", parts("share", "presence"), "dst",
                parts("share", "event", "yard", "yard-remote", "estate", "beta-estate")));
        net.send("alpha-estate", "yard-manor", b);
        net.run();
        assertThat(arrived().src()).isEqualTo(Address.of("alpha-estate", "yard-manor", "presence"));
    }

    @Test
    void withoutTheOrderKeyArraysAreReadInTheWireOrderAndTheExampleIsBadRoute() {
        net.send("alpha-estate", "yard-manor", example());
        net.run();
        assertThat(event.drain()).isEmpty();
        assertThat(net.onRoad).isEmpty();
        assertThat(atManor).hasSize(1);
        FlowMessage err = atManor.get(0);
        assertThat(err.errorCode()).isEqualTo(ErrorCode.BAD_ROUTE);
        // its estate level is "0": read as written, never reordered by what the names look like
        assertThat(err.error()).startsWith("src estate '0' is not this estate 'alpha-estate'")
                .contains("[estate, yard, share, channel]").contains("\"order\": \"design\"")
                .contains("[channel, estate, yard, share]").contains("named parts");
        assertThat(err.dst().yard()).isEqualTo("yard-manor");
        assertThat(alpha.stat(Stat.BAD_ROUTE)).isEqualTo(1);
        // a destination alone in the design's order names the estate "5": not one this router knows
        Map<String, Object> dstOnly = example();
        dstOnly.put("route", Map.of("dst", list("5", "beta-estate", "yard-remote", "event")));
        dstOnly.put("id", "d1");
        FlowMessage unknown = FlowRouterTest.msgOf(FlowRouterTest.only(alpha.fromLane("yard-manor", dstOnly)));
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(unknown.error()).isEqualTo("no estate '5' on channel 'event'");
    }

    @Test
    void aMalformedMessageInTheDesignsOrderIsAnsweredAtItsSource() {
        Map<String, Object> bad = exampleInItsOrder();
        bad.put("tag", 7L);
        FlowMessage err = FlowRouterTest.msgOf(FlowRouterTest.only(alpha.fromLane("yard-manor", bad)));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.BAD_ROUTE);
        assertThat(err.dst()).isEqualTo(MANOR);
    }

    @Test
    void aRouterOnTheRoadReadsTheOrderKeyToo() {
        // a body in the design's order straight from an estate (not normalised by a router of ours)
        ToLane l = (ToLane) FlowRouterTest.only(beta.fromRoad("alpha-estate", "minion1", exampleInItsOrder()));
        assertThat(l.yard()).isEqualTo("yard-remote");
        assertWireRoute(l.body(), list("alpha-estate", "yard-manor", "presence", "0"),
                list("beta-estate", "yard-remote", "event", "5"));
    }

    @Test
    void namedPartsServeSubscriptionsPoolsAndAliases() {
        TopicShare events = alpha.shares().topic("events");
        PoolShare jobs = alpha.shares().pool("jobs");
        alpha.aliases(Aliases.parseJson("""
                {"aliases": [{"dst": "*/router/work", "share": "jobs"}]}"""));
        List<FlowMessage> atW1 = new ArrayList<>();
        net.yard("alpha-estate", "w1", atW1::add);
        // a subscription and a worker's registration with named parts
        net.send("alpha-estate", "yard-manor", body("sub", parts("share", "inbox"), parts("share", "events")));
        net.send("alpha-estate", "w1", body("sub", parts("share", "todo"), parts("share", "jobs")));
        net.run();
        assertThat(events.subscribers()).containsExactly(Address.of("alpha-estate", "yard-manor", "inbox"));
        assertThat(jobs.workers()).extracting(PoolShare.WorkerState::yard).containsExactly("w1");
        assertThat(atManor).extracting(FlowMessage::kind).containsExactly(Kind.ACK);
        assertThat(atW1).extracting(FlowMessage::kind).containsExactly(Kind.ACK);
        // a pub with named parts reaches the subscriber as arrays
        net.send("alpha-estate", "w1", body("pub", parts(), parts("share", "events", "yard", "router")));
        // a request to the aliased name, in the design's order, reaches the worker
        Map<String, Object> req = withOrder(body("req", list(), list("", "", "", "work")), "design");
        req.put("id", "r1");
        net.send("alpha-estate", "yard-manor", req);
        net.run();
        assertThat(atManor).hasSize(2);
        assertThat(atManor.get(1).get("topic")).isEqualTo("events");
        assertThat(net.onLane).extracting(b -> b.get("route")).allSatisfy(r -> assertThat(
                ((Map<?, ?>) r).values()).allSatisfy(a -> assertThat(a).isInstanceOf(List.class)));
        assertThat(atW1).hasSize(2);
        assertThat(atW1.get(1).dst()).isEqualTo(Address.of("alpha-estate", "w1", "todo"));
        assertThat(atW1.get(1).src()).isEqualTo(Address.of("alpha-estate", "yard-manor"));
        assertThat(alpha.stat(Stat.ALIASED)).isEqualTo(1);
    }

    static Map<String, Object> body(String kind, Object src, Object dst) {
        Map<String, Object> b = AddressAndMessageTest.body(src, dst, "kind", kind);
        if (!"pub".equals(kind)) {
            b.put("id", kind + "-1");
        }
        return b;
    }
}
