package io.raet.route;

import static io.raet.route.AddressAndMessageTest.body;
import static io.raet.route.AddressAndMessageTest.list;
import static io.raet.route.FlowRouterTest.msgOf;
import static io.raet.route.FlowRouterTest.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stamps set by the first router, tags in policy rules and in subscriptions, and the design's example message. */
class StampAndTagTest {
    static final Instant NOW = Instant.parse("2026-12-04T17:03:12.123456789Z");

    FlowRouter alpha;
    FlowRouter beta;

    @BeforeEach
    void setUp() {
        alpha = new FlowRouter(Topology.of("alpha", Set.of("beta"), Set.of("worker1")), Policy.allowAll());
        beta = new FlowRouter(Topology.of("beta", Set.of("alpha"), Set.of("svc")), Policy.allowAll());
        beta.shares().queue("jobs.high");
    }

    @Test
    void stampsAreUtcWithMicroseconds() {
        assertThat(Stamp.format(NOW)).isEqualTo("2026-12-04T17:03:12.123456Z");
        assertThat(Stamp.format(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05.000000Z");
        assertThat(Stamp.parse("2026-12-04T17:03:12.123456Z")).isEqualTo(Instant.parse("2026-12-04T17:03:12.123456Z"));
    }

    @Test
    void theFirstRouterStampsAndLaterRoutersKeepTheStamp() {
        ToRoad r = (ToRoad) only(alpha.fromLane("worker1", body(list(), list("beta", "svc", "in")), NOW));
        assertThat(msgOf(r).stamp()).isEqualTo("2026-12-04T17:03:12.123456Z");
        assertThat(alpha.stat(Stat.STAMPED)).isEqualTo(1);
        ToLane l = (ToLane) only(beta.fromRoad("alpha", "router", r.body(), NOW.plusSeconds(5)));
        assertThat(msgOf(l).stamp()).isEqualTo("2026-12-04T17:03:12.123456Z");
        assertThat(beta.stat(Stat.STAMPED)).isZero();
        // a sender's own stamp is kept, whatever it is; without a time nothing is stamped
        assertThat(msgOf(only(alpha.fromLane("worker1", body(list(), list("beta", "svc"), "stamp", 1.5), NOW))).stamp())
                .isEqualTo(1.5);
        assertThat(msgOf(only(alpha.fromLane("worker1", body(list(), list("beta", "svc"))))).stamp()).isNull();
    }

    @Test
    void theRoutersOwnErrorsAreStampedToo() {
        FlowMessage err = msgOf(only(alpha.fromLane("worker1", body(list(), list("nowhere", "x"), "id", "1"), NOW)));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(err.stamp()).isEqualTo("2026-12-04T17:03:12.123456Z");
        assertThat(((Map<?, ?>) err.data()).get("dst")).isEqualTo(List.of("nowhere", "x", "", ""));
        FlowMessage bad = msgOf(only(alpha.fromLane("worker1", body(list(), "not a list", "id", "2"), NOW)));
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.BAD_ROUTE);
        assertThat(bad.stamp()).isEqualTo("2026-12-04T17:03:12.123456Z");
    }

    @Test
    void tagsMustBeText() {
        assertThat(FlowMessage.parse(body(list(), list(), "tag", "jobs.nightly")).tag()).isEqualTo("jobs.nightly");
        assertThatThrownBy(() -> FlowMessage.parse(body(list(), list(), "tag", 7L))).hasMessageContaining("tag must be");
        assertThatThrownBy(() -> FlowMessage.parse(body(list(), list(), "kind", "sub", "tags", List.of("a"))))
                .hasMessageContaining("tags must be");
        FlowMessage bad = msgOf(only(alpha.fromLane("worker1", body(list(), list(), "tag", 7L, "id", "t"))));
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.BAD_ROUTE);
        String longest = "t".repeat(FlowMessage.MAX_TAG);
        assertThat(FlowMessage.parse(body(list(), list(), "tag", longest)).tag()).isEqualTo(longest);
        assertThatThrownBy(() -> FlowMessage.parse(body(list(), list(), "tag", longest + "t")))
                .hasMessageContaining("tag longer than " + FlowMessage.MAX_TAG);
        assertThatThrownBy(() -> FlowMessage.parse(body(list(), list(), "kind", "sub", "tags", "*" + longest)))
                .hasMessageContaining("tags longer than");
    }

    @Test
    void policyRulesMayMatchTheTag() {
        Policy p = Policy.parseJson("""
                {"default": "allow", "rules": [
                  {"role": "*", "dst": "*/*/jobs.*", "tag": "nightly.*", "action": "allow"},
                  {"role": "*", "dst": "*/*/jobs.*", "action": "deny"}]}""");
        assertThat(p.rules().get(0).tag()).isEqualTo("nightly.*");
        assertThat(p.rules().get(1).tag()).isNull();
        assertThat(p.toRules().get(0)).containsEntry("tag", "nightly.*");
        assertThat(p.toRules().get(1)).doesNotContainKey("tag");
        assertThat(Policy.parseJson(new ObjectMapper().valueToTree(Map.of("rules", p.toRules())).toString())
                .rules()).isEqualTo(p.rules());
        Address jobs = Address.of("beta", "svc", "jobs.high");
        assertThat(p.decide("router", jobs, "beta", "", "nightly.backup").allowed()).isTrue();
        assertThat(p.decide("router", jobs, "beta", "", "daily").allowed()).isFalse();
        assertThat(p.decide("router", jobs, "beta", "", null).allowed()).isFalse();
        assertThat(p.decide("router", jobs, "beta").allowed()).isFalse();
        assertThat(Policy.parseJson("[{\"tag\": \"\", \"action\": \"deny\"}]").decide("x", jobs, "beta").allowed())
                .isFalse();
        assertThatThrownBy(() -> Policy.parseJson("[{\"tag\": 1, \"action\": \"deny\"}]"))
                .hasMessageContaining("tag must be a string");

        beta.policy(p);
        FlowMessage refused = msgOf(only(beta.fromRoad("alpha", "router", body(list("", "w"), list("beta", "", "jobs.high"),
                "kind", "req", "id", "r1", "tag", "daily"))));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.DENIED);
        assertThat(refused.error()).contains("with tag 'daily'");
        assertThat(beta.fromRoad("alpha", "router", body(list("", "w"), list("beta", "", "jobs.high"), "kind", "req",
                "id", "r2", "tag", "nightly.1")).get(0)).isInstanceOf(RouteAction.ToShare.class);
    }

    @Test
    void subscriptionsMayFilterByTag() {
        TopicShare t = beta.shares().topic("events");
        Address all = Address.of("beta", "svc", "all");
        Address jobs = Address.of("beta", "svc", "jobs");
        t.deliver(FlowMessage.builder(Kind.SUB, all, t.address()).build());
        t.deliver(FlowMessage.builder(Kind.SUB, jobs, t.address()).field("tags", "job.*").build());
        assertThat(t.tags(jobs)).isEqualTo("job.*");
        List<FlowMessage> copies = t.deliver(FlowMessage.builder(Kind.PUB, all, t.address()).tag("job.done")
                .data(1L).build());
        assertThat(copies).extracting(FlowMessage::dst).containsExactly(all, jobs);
        assertThat(copies.get(1).tag()).isEqualTo("job.done");
        assertThat(t.deliver(FlowMessage.builder(Kind.PUB, all, t.address()).tag("log").build()))
                .extracting(FlowMessage::dst).containsExactly(all);
        assertThat(t.deliver(FlowMessage.builder(Kind.PUB, all, t.address()).build()))
                .extracting(FlowMessage::dst).containsExactly(all);
        assertThat(t.filtered()).isEqualTo(2);
        // a sub again replaces the pattern; without one it takes every pub
        t.deliver(FlowMessage.builder(Kind.SUB, jobs, t.address()).build());
        assertThat(t.deliver(FlowMessage.builder(Kind.PUB, all, t.address()).tag("log").build())).hasSize(2);
        assertThat(t.unsubscribe(jobs)).isTrue();
        assertThat(t.unsubscribe(jobs)).isFalse();
    }

    /**
     * The design's example message ({@link DesignAddressTest#EXAMPLE}: addresses {@code [channel, estate, yard,
     * share]}, {@code tag}, {@code stamp}, {@code data}) with {@code "order": "design"} in its route, from the yard
     * {@code yard-manor} behind alpha's router to the share {@code event} of {@code yard-remote} behind beta's. Both
     * routers route it, neither answers {@code bad_route}, and it arrives with its tag, its stamp and its data;
     * without a stamp, the first router stamps it.
     */
    @Test
    void theDesignsExampleMessageIsRouted() {
        FlowRouter a = new FlowRouter(Topology.of("alpha-estate", Set.of("beta-estate"), Set.of("yard-manor")),
                Policy.allowAll());
        FlowRouter b = new FlowRouter(Topology.of("beta-estate", Set.of("alpha-estate"), Set.of("yard-remote")),
                Policy.allowAll());
        ToRoad r = (ToRoad) only(a.fromLane("yard-manor", DesignAddressTest.exampleInItsOrder(), NOW));
        assertThat(r.estate()).isEqualTo("beta-estate");
        ToLane l = (ToLane) only(b.fromRoad("alpha-estate", "router", r.body(), NOW.plusSeconds(60)));
        assertThat(l.yard()).isEqualTo("yard-remote");
        FlowMessage m = msgOf(l);
        assertThat(m.src()).isEqualTo(DesignAddressTest.MANOR_ON_ROAD);
        assertThat(m.dst()).isEqualTo(DesignAddressTest.EVENT);
        assertThat(m.tag()).isEqualTo("x");
        assertThat(m.stamp()).isEqualTo("2026-11-25T05:20:00.123456");
        assertThat(m.data()).isEqualTo(DesignAddressTest.example().get("data"));
        assertThat(a.stat(Stat.STAMPED) + b.stat(Stat.STAMPED)).isZero();
        assertThat(a.stat(Stat.BAD_ROUTE) + b.stat(Stat.BAD_ROUTE)).isZero();
        Map<String, Object> unstamped = DesignAddressTest.exampleInItsOrder();
        unstamped.remove("stamp");
        assertThat(msgOf(only(a.fromLane("yard-manor", unstamped, NOW))).stamp())
                .isEqualTo("2026-12-04T17:03:12.123456Z");
    }

    @Test
    void addressesTakeNamedParts() {
        Address a = Address.builder().share("jobs.high").yard("svc").estate("beta").channel("c1").build();
        assertThat(a.toList()).containsExactly("beta", "svc", "jobs.high", "c1");
        assertThat(Address.builder().channel("c").build()).isEqualTo(Address.of("", "", "", "c"));
        assertThat(Address.builder().yard("w").share("s").build()).isEqualTo(Address.of("", "w", "s"));
    }
}
