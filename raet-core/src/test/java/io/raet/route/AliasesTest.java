package io.raet.route;

import static io.raet.route.AddressAndMessageTest.body;
import static io.raet.route.AddressAndMessageTest.list;
import static io.raet.route.FlowRouterTest.msgOf;
import static io.raet.route.FlowRouterTest.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Virtual names: the alias table, taps, and what the policy sees. */
class AliasesTest {
    static final String TABLE = """
            {"aliases": [{"dst": "prod/*/*", "estate": "beta"},
                         {"dst": "*/router/jobs", "yard": "staging"},
                         {"dst": "*/db/query", "yard": "db-debug", "share": "query.trace"}],
             "taps": [{"dst": "*/svc/orders", "yard": "tap"},
                      {"dst": "*/svc/*", "yard": "tap2"},
                      {"dst": "*/staging/jobs", "yard": "gone"}]}""";

    FlowRouter router;

    @BeforeEach
    void setUp() {
        router = new FlowRouter(Topology.of("alpha", Set.of("beta"),
                Set.of("c", "svc", "staging", "db-debug", "tap", "tap2")), Policy.allowAll());
        router.aliases(Aliases.parseJson(TABLE));
    }

    @Test
    void theFirstMatchingAliasRewritesTheDestinationOnce() {
        Aliases a = Aliases.parseJson(TABLE);
        assertThat(a.resolve(Address.of("prod", "svc", "orders", "c1"), "alpha"))
                .isEqualTo(Address.of("beta", "svc", "orders", "c1"));
        assertThat(a.resolve(Address.of("", "", "jobs"), "alpha")).isEqualTo(Address.of("", "staging", "jobs"));
        assertThat(a.resolve(Address.of("alpha", "db", "query"), "alpha"))
                .isEqualTo(Address.of("alpha", "db-debug", "query.trace"));
        assertThat(a.resolve(Address.of("", "svc", "jobs"), "alpha")).isEqualTo(Address.of("", "svc", "jobs"));
        // once: the result of an alias is not looked up again
        Aliases chain = Aliases.parseJson("""
                {"aliases": [{"dst": "*/a/*", "yard": "b"}, {"dst": "*/b/*", "yard": "a"}]}""");
        assertThat(chain.resolve(Address.of("", "a", "s"), "alpha")).isEqualTo(Address.of("", "b", "s"));
    }

    @Test
    void aliasedMessagesReachTheRealDestination() {
        List<RouteAction> out = router.fromLane("c", body(list(), list("prod", "svc", "x"), "kind", "msg"));
        ToRoad r = (ToRoad) out.get(0);
        assertThat(r.estate()).isEqualTo("beta");
        assertThat(msgOf(r).dst()).isEqualTo(Address.of("beta", "svc", "x"));
        // the tap "*/svc/*" matches the real destination, on beta: its copy goes there too
        assertThat(out).hasSize(2);
        assertThat(msgOf(out.get(1)).dst()).isEqualTo(Address.of("beta", "tap2", "x"));
        ToLane l = (ToLane) only(router.fromLane("c", body(list(), list("", "", "jobs"), "kind", "req", "id", "1")));
        assertThat(l.yard()).isEqualTo("staging");
        assertThat(msgOf(l).dst()).isEqualTo(Address.of("", "staging", "jobs"));
        assertThat(router.stat(Stat.ALIASED)).isEqualTo(2);
    }

    @Test
    void thePolicySeesTheRealName() {
        router.policy(Policy.fromRules(List.of(
                Map.of("dst", "alpha/staging/*", "action", "deny"),
                Map.of("dst", "alpha/router/jobs", "action", "allow")), Policy.Effect.ALLOW));
        // the logical name is allowed, the real one denied: denied
        FlowMessage err = msgOf(only(router.fromLane("c", body(list(), list("", "", "jobs"), "kind", "req",
                "id", "1"))));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.DENIED);
        assertThat(err.error()).contains("alpha/staging/jobs");
        assertThat(((Map<?, ?>) err.data()).get("dst")).isEqualTo(List.of("", "staging", "jobs", ""));
        // an alias cannot open what the policy closes on the real name, and allows what it allows there
        router.policy(Policy.fromRules(List.of(Map.of("dst", "*/router/jobs", "action", "deny")), Policy.Effect.ALLOW));
        assertThat(only(router.fromLane("c", body(list(), list("", "", "jobs"), "kind", "msg")))).isInstanceOf(ToLane.class);
    }

    @Test
    void tapsGetACopyThatIsNeverAnswered() {
        List<RouteAction> out = router.fromLane("c", body(list("", "", "res", "ch"), list("", "svc", "orders"),
                "kind", "req", "id", "o1", "data", Map.of("n", 1L), "seq", 0L));
        assertThat(out).hasSize(3);
        assertThat(((ToLane) out.get(0)).yard()).isEqualTo("svc");
        assertThat(msgOf(out.get(0)).kind()).isEqualTo(Kind.REQ);
        for (int i = 1; i < 3; i++) {
            ToLane t = (ToLane) out.get(i);
            assertThat(t.yard()).isEqualTo(i == 1 ? "tap" : "tap2");
            FlowMessage copy = msgOf(t);
            assertThat(copy.kind()).isEqualTo(Kind.MSG);
            assertThat(copy.id()).isNull();
            assertThat(copy.seq()).isNull();
            assertThat(copy.src()).isEqualTo(Address.of("alpha", "router"));
            assertThat(copy.dst()).isEqualTo(Address.of("", t.yard(), "orders"));
            assertThat(copy.data()).isEqualTo(Map.of("n", 1L));
            assertThat(copy.get("tap")).isEqualTo(Map.of("src", List.of("alpha", "c", "res", "ch"),
                    "dst", List.of("", "svc", "orders", ""), "kind", "req", "id", "o1"));
        }
        assertThat(router.stat(Stat.TAPPED)).isEqualTo(2);
        // a tap whose yard is not on the lane is dropped, counted; refused messages are not tapped
        assertThat(router.fromLane("c", body(list(), list("", "", "jobs"), "kind", "msg"))).hasSize(1);
        assertThat(router.stat(Stat.TAP_DROPPED)).isEqualTo(1);
        router.policy(Policy.fromRules(List.of(Map.of("dst", "*/svc/*", "action", "deny")), Policy.Effect.ALLOW));
        assertThat(msgOf(only(router.fromLane("c", body(list(), list("", "svc", "orders"), "kind", "req", "id", "2"))))
                .errorCode()).isEqualTo(ErrorCode.DENIED);
    }

    @Test
    void badTablesAreRefusedWithTheRuleNamed() {
        assertThatThrownBy(() -> Aliases.parseJson("[]")).hasMessageContaining("must be an object");
        assertThatThrownBy(() -> Aliases.parseJson("{\"alias\": []}")).hasMessageContaining("unknown key 'alias'");
        assertThatThrownBy(() -> Aliases.parseJson("{\"aliases\": [{\"dst\": \"*\"}]}"))
                .hasMessageContaining("aliases rule 0").hasMessageContaining("at least one");
        assertThatThrownBy(() -> Aliases.parseJson("{\"taps\": [{\"dst\": \"*\", \"yard\": \"a\"}, {\"yard\": \"b\"}]}"))
                .hasMessageContaining("taps rule 1").hasMessageContaining("dst is required");
        assertThatThrownBy(() -> Aliases.parseJson("{\"aliases\": [{\"dst\": \"*\", \"yard\": \"a/b\"}]}"))
                .hasMessageContaining("not a name");
        assertThatThrownBy(() -> Aliases.parseJson("{\"aliases\": [{\"dst\": \"*\", \"share\": \"a..b\"}]}"))
                .hasMessageContaining("not a share name");
        assertThatThrownBy(() -> Aliases.parseJson("{\"aliases\": [{\"dst\": \"*\", \"yard\": 3}]}"))
                .hasMessageContaining("yard must be a string");
        assertThatThrownBy(() -> Aliases.parseJson("{\"aliases\": [{\"dst\": \"*\", \"yard\": \"a\", \"x\": 1}]}"))
                .hasMessageContaining("unknown key 'x'");
        assertThatThrownBy(() -> Aliases.parseJson("{")).hasMessageContaining("not valid JSON");
        StringBuilder many = new StringBuilder("{\"taps\": [");
        for (int i = 0; i <= Aliases.MAX_TAPS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"dst\": \"*\", \"yard\": \"t\"}");
        }
        assertThatThrownBy(() -> Aliases.parseJson(many + "]}")).hasMessageContaining("at most " + Aliases.MAX_TAPS);
        assertThat(Aliases.parseJson("{}").isEmpty()).isTrue();
    }
}
