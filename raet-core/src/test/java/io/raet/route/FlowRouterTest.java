package io.raet.route;

import static io.raet.route.AddressAndMessageTest.body;
import static io.raet.route.AddressAndMessageTest.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.FlowRouter.Stat;
import io.raet.route.Policy.Effect;
import io.raet.route.Policy.Rule;
import io.raet.route.RouteAction.Drop;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import io.raet.route.RouteAction.ToShare;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlowRouterTest {
    FlowRouter router;

    @BeforeEach
    void setUp() {
        router = new FlowRouter(Topology.of("alpha", Set.of("beta", "gamma"), Set.of("w1", "w2")), Policy.allowAll());
        router.shares().queue("");
        router.shares().queue("jobs");
    }

    static RouteAction only(List<RouteAction> actions) {
        assertThat(actions).hasSize(1);
        return actions.get(0);
    }

    static FlowMessage msgOf(RouteAction a) {
        return switch (a) {
            case ToRoad r -> FlowMessage.parse(r.body());
            case ToLane l -> FlowMessage.parse(l.body());
            case ToShare s -> s.message();
            case Drop d -> throw new AssertionError("dropped: " + d.reason());
        };
    }

    @Test
    void firstRouterFillsRelativeSrcFromTheLane() {
        var a = only(router.fromLane("w1", body(list("", "", "results", "c"), list("beta", "svc", "jobs", "c"), "data", 1L)));
        assertThat(a).isInstanceOf(ToRoad.class);
        assertThat(((ToRoad) a).estate()).isEqualTo("beta");
        FlowMessage m = msgOf(a);
        assertThat(m.src()).isEqualTo(Address.of("alpha", "w1", "results", "c"));
        assertThat(m.dst()).isEqualTo(Address.of("beta", "svc", "jobs", "c"));
        // it leaves on the road of its dst channel, which its src then names: answers come back on that road
        FlowMessage other = msgOf(only(router.fromLane("w1", body(list("", "", "results", "c"), list("beta", "svc")))));
        assertThat(other.src()).isEqualTo(Address.of("alpha", "w1", "results"));
        // a missing src entirely
        FlowMessage m2 = msgOf(only(router.fromLane("w1", body(null, list("", "w2")))));
        assertThat(m2.src()).isEqualTo(Address.of("alpha", "w1"));
    }

    @Test
    void roadSrcEstateIsFilledAndYardLeftForTheRemoteRouter() {
        var a = only(router.fromRoad("beta", "master", body(list("", "", "r"), list("alpha", "w2", "in"))));
        assertThat(a).isInstanceOf(ToLane.class);
        assertThat(((ToLane) a).yard()).isEqualTo("w2");
        assertThat(msgOf(a).src()).isEqualTo(Address.of("beta", "", "r"));
    }

    @Test
    void emptyDstLevelsMeanLocalEstateRouterYardDefaultShare() {
        var a = only(router.fromLane("w1", body(list(), list())));
        assertThat(a).isInstanceOf(ToShare.class);
        assertThat(((ToShare) a).share()).isEqualTo("");
        assertThat(only(router.fromLane("w1", body(list(), list("alpha", "router", "jobs"))))).isInstanceOf(ToShare.class);
        assertThat(only(router.fromLane("w1", body(list(), list("", "", "jobs"))))).isInstanceOf(ToShare.class);
        var lane = only(router.fromLane("w1", body(list(), list("", "w2"))));
        assertThat(lane).isInstanceOf(ToLane.class);
        assertThat(router.stat(Stat.TO_SHARE)).isEqualTo(3);
        assertThat(router.stat(Stat.TO_LANE)).isEqualTo(1);
        assertThat(router.stat(Stat.RECEIVED_LANE)).isEqualTo(4);
    }

    @Test
    void longerAndShorterAddressesAreForwardedUntouched() {
        var a = only(router.fromLane("w1", body(list("alpha"), list("beta", "svc", "jobs", "c", "x", 9L), "extra", "e")));
        Map<String, Object> out = ((ToRoad) a).body();
        @SuppressWarnings("unchecked")
        Map<String, Object> route = (Map<String, Object>) out.get("route");
        assertThat(route.get("dst")).isEqualTo(list("beta", "svc", "jobs", "c", "x", 9L));
        assertThat(route.get("src")).isEqualTo(list("alpha", "w1", "", "c"));
        assertThat(out).containsEntry("extra", "e");
        var b = only(router.fromLane("w1", body(list(), list("beta"))));
        assertThat(((ToRoad) b).estate()).isEqualTo("beta");
    }

    static FlowMessage errorIn(RouteAction a, ErrorCode code) {
        FlowMessage err = msgOf(a);
        assertThat(err.kind()).isEqualTo(Kind.ERR);
        assertThat(err.code()).isEqualTo(code.wire());
        assertThat(err.src()).isEqualTo(Address.of("alpha", "router"));
        return err;
    }

    @Test
    void unknownEstateYardAndShareAreAnsweredToSrc() {
        var e1 = only(router.fromLane("w1", body(list("", "", "res"), list("delta", "x", "y"), "kind", "req", "id", "r1")));
        assertThat(((ToLane) e1).yard()).isEqualTo("w1");
        FlowMessage err = errorIn(e1, ErrorCode.UNKNOWN_DESTINATION);
        assertThat(err.dst()).isEqualTo(Address.of("alpha", "w1", "res"));
        assertThat(err.re()).isEqualTo("r1");
        assertThat(err.error()).contains("delta");
        assertThat(err.data()).isEqualTo(Map.of("kind", "req", "dst", list("delta", "x", "y", "")));

        var e2 = only(router.fromRoad("beta", "master", body(list("beta", "svc", "r"), list("alpha", "w9"))));
        assertThat(((ToRoad) e2).estate()).isEqualTo("beta");
        assertThat(errorIn(e2, ErrorCode.UNKNOWN_DESTINATION).dst()).isEqualTo(Address.of("beta", "svc", "r"));

        var e3 = only(router.fromRoad("beta", "master", body(list(), list("alpha", "", "nope"))));
        assertThat(errorIn(e3, ErrorCode.UNKNOWN_SHARE).dst()).isEqualTo(Address.of("beta", "", ""));
        assertThat(router.stat(Stat.UNKNOWN_DESTINATION)).isEqualTo(2);
        assertThat(router.stat(Stat.UNKNOWN_SHARE)).isEqualTo(1);
        assertThat(router.stat(Stat.ERRORS_SENT)).isEqualTo(3);
    }

    @Test
    void messagesFromTheRoadAreNotRelayed() {
        var a = only(router.fromRoad("beta", "master", body(list(), list("gamma", "w", "s"))));
        assertThat(((ToRoad) a).estate()).isEqualTo("beta");
        assertThat(errorIn(a, ErrorCode.UNKNOWN_DESTINATION).error()).contains("does not relay");
    }

    @Test
    void badRouteIsAnsweredToTheSender() {
        var a = only(router.fromLane("w2", Map.of("kind", "req", "id", "q")));
        assertThat(((ToLane) a).yard()).isEqualTo("w2");
        FlowMessage err = errorIn(a, ErrorCode.BAD_ROUTE);
        assertThat(err.dst()).isEqualTo(Address.of("alpha", "w2"));
        assertThat(err.re()).isEqualTo("q");
        assertThat(err.error()).isEqualTo("route is missing");

        var b = only(router.fromRoad("beta", "master", body(list("", "y", "s"), list(), "kind", "req")));
        assertThat(((ToRoad) b).estate()).isEqualTo("beta");
        assertThat(errorIn(b, ErrorCode.BAD_ROUTE).dst()).isEqualTo(Address.of("beta", "y", "s"));
        assertThat(router.stat(Stat.BAD_ROUTE)).isEqualTo(2);
    }

    @Test
    void spoofedSrcIsBadRouteAndAnsweredToTheRealSender() {
        var a = only(router.fromRoad("beta", "master", body(list("gamma", "y", "s"), list("", "w1"))));
        assertThat(((ToRoad) a).estate()).isEqualTo("beta");
        assertThat(errorIn(a, ErrorCode.BAD_ROUTE).dst()).isEqualTo(Address.of("beta", "y", "s"));
        var b = only(router.fromLane("w1", body(list("", "w2", "s"), list("", "", "jobs"))));
        assertThat(((ToLane) b).yard()).isEqualTo("w1");
        assertThat(errorIn(b, ErrorCode.BAD_ROUTE).dst()).isEqualTo(Address.of("alpha", "w1", "s"));
        var c = only(router.fromLane("w1", body(list("beta", "", "s"), list("", "", "jobs"))));
        assertThat(errorIn(c, ErrorCode.BAD_ROUTE).error()).contains("not this estate");
    }

    @Test
    void deniedIsAnsweredWithDeniedNotDropped() {
        router.policy(Policy.parseJson(PolicyTest.DOC_TABLE));
        var a = only(router.fromRoad("beta", "minion2", body(list("", "svc", "r"), list("alpha", "w1", "admin.reset"),
                "kind", "req", "id", "7")));
        assertThat(a).isInstanceOf(ToRoad.class);
        FlowMessage err = errorIn(a, ErrorCode.DENIED);
        assertThat(err.dst()).isEqualTo(Address.of("beta", "svc", "r"));
        assertThat(err.re()).isEqualTo("7");
        assertThat(err.error()).contains("minion2").contains("alpha/w1/admin.reset");
        assertThat(only(router.fromRoad("beta", "minion2", body(list(), list("alpha", "w1", "jobs.x")))))
                .isInstanceOf(ToLane.class);
        assertThat(router.stat(Stat.DENIED)).isEqualTo(1);
    }

    @Test
    void deniedBeforeUnknownSoThatDeniedSendersLearnNothing() {
        router.policy(new Policy(List.of(), Effect.DENY));
        errorIn(only(router.fromLane("w1", body(list(), list("nowhere", "x")))), ErrorCode.DENIED);
    }

    @Test
    void policyReplacedAtRunTimeDecidesTheNextMessage() {
        Map<String, Object> b = body(list(), list("beta", "svc", "jobs"));
        assertThat(only(router.fromLane("w1", b))).isInstanceOf(ToRoad.class);
        Policy old = router.policy(new Policy(List.of(Rule.deny("local", "beta/*")), Effect.ALLOW));
        assertThat(old).isSameAs(Policy.allowAll());
        errorIn(only(router.fromLane("w1", b)), ErrorCode.DENIED);
        assertThat(only(router.fromLane("w1", body(list(), list("gamma", "svc", "jobs"))))).isInstanceOf(ToRoad.class);
        router.policy(Policy.allowAll());
        assertThat(only(router.fromLane("w1", b))).isInstanceOf(ToRoad.class);
    }

    @Test
    void errIsNeverAnsweredWithErr() {
        router.policy(new Policy(List.of(Rule.deny("*", "*/*/secret")), Effect.ALLOW));
        List<Map<String, Object>> errs = List.of(
                body(list(), list("delta"), "kind", "err", "code", "denied"),
                body(list(), list("", "w9"), "kind", "err"),
                body(list(), list("", "", "nope"), "kind", "err"),
                body(list(), list("", "", "secret"), "kind", "err"),
                body(list("gamma"), list(), "kind", "err"),
                Map.of("kind", "err", "route", "broken"));
        for (Map<String, Object> b : errs) {
            assertThat(only(router.fromRoad("beta", "master", b))).isInstanceOf(Drop.class);
            assertThat(only(router.fromLane("w1", b))).isInstanceOf(Drop.class);
        }
        assertThat(router.stat(Stat.ERRORS_SUPPRESSED)).isEqualTo(12);
        assertThat(router.stat(Stat.ERRORS_SENT)).isZero();
        // an err to a valid destination is routed like any message
        assertThat(only(router.fromRoad("beta", "master", body(list(), list("", "w1"), "kind", "err"))))
                .isInstanceOf(ToLane.class);
    }

    @Test
    void errorsForTheRoutersOwnSharesGoToThoseShares() {
        QueueShare inbox = router.shares().queue("inbox");
        FlowMessage req = FlowMessage.builder(Kind.REQ, Address.of("", "", "inbox"), Address.of("delta", "x")).id("1")
                .build();
        List<RouteAction> out = router.settle(router.fromShares(req));
        assertThat(out).isEmpty();
        FlowMessage err = inbox.poll().orElseThrow();
        assertThat(err.code()).isEqualTo("unknown_destination");
        assertThat(err.dst()).isEqualTo(Address.of("alpha", "router", "inbox"));
        // no share for the error: dropped and counted, never an error about the error
        FlowMessage lost = FlowMessage.builder(Kind.MSG, Address.of("", "", "gone"), Address.of("delta", "x")).build();
        assertThat(only(router.fromShares(lost))).isInstanceOf(Drop.class);
        assertThat(router.stat(Stat.ERRORS_UNDELIVERABLE)).isEqualTo(1);
    }

    @Test
    void statsSnapshotHasEveryCounter() {
        router.fromLane("w1", body(list(), list("beta")));
        Map<Stat, Long> s = router.stats();
        assertThat(s).hasSize(Stat.values().length);
        assertThat(s.get(Stat.TO_ROAD)).isEqualTo(1);
        assertThat(s.get(Stat.RECEIVED_LANE)).isEqualTo(1);
    }
}
