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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channels at the flow router (sans-IO): estate alpha has the default road ({@code ""}) with beta and gamma on it and
 * the road {@code ctl} with beta only. The channel level of a destination picks the road; a road message's channel is
 * its {@code src} channel; the policy's rules match the channel.
 */
class ChannelRoutingTest {
    FlowRouter router;

    static Topology channels() {
        Map<String, Set<String>> roads = Map.of("", Set.of("beta", "gamma"), "ctl", Set.of("beta"));
        return new Topology() {
            @Override
            public boolean hasEstate(String estate) {
                return hasEstate(estate, "");
            }

            @Override
            public boolean hasEstate(String estate, String channel) {
                return roads.getOrDefault(channel, Set.of()).contains(estate);
            }

            @Override
            public boolean hasChannel(String channel) {
                return roads.containsKey(channel);
            }

            @Override
            public boolean hasYard(String yard) {
                return yard.equals("w1");
            }

            @Override
            public String localEstate() {
                return "alpha";
            }
        };
    }

    @BeforeEach
    void setUp() {
        router = new FlowRouter(channels(), Policy.parseJson("""
                [{"role": "local", "dst": "beta/*/admin.*", "channel": "", "action": "deny"},
                 {"role": "master", "dst": "*/w1/*", "channel": "ctl", "action": "deny"}]"""));
    }

    @Test
    void theChannelOfTheDestinationPicksTheRoad() {
        ToRoad main = (ToRoad) only(router.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "jobs"))));
        assertThat(main.channel()).isEmpty();
        ToRoad ctl = (ToRoad) only(router.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "jobs", "ctl"))));
        assertThat(ctl.channel()).isEqualTo("ctl");
        assertThat(ctl.estate()).isEqualTo("beta");
    }

    @Test
    void anUnknownChannelOrAnEstateNotOnThatRoadIsAnError() {
        FlowMessage err = msgOf(only(router.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "j", "nope")))));
        assertThat(err.kind()).isEqualTo(Kind.ERR);
        assertThat(err.code()).isEqualTo("unknown_channel");
        assertThat(err.error()).isEqualTo("estate 'alpha' has no channel 'nope'");
        assertThat(router.stat(Stat.UNKNOWN_CHANNEL)).isOne();
        FlowMessage gone = msgOf(only(router.fromLane("w1", body(list("", "", "r"), list("gamma", "svc", "j", "ctl")))));
        assertThat(gone.code()).isEqualTo("unknown_destination");
        assertThat(gone.error()).isEqualTo("no estate 'gamma' on channel 'ctl'");
    }

    @Test
    void aRoadMessageCarriesItsChannelInItsSourceAndCannotClaimAnother() {
        ToLane in = (ToLane) only(router.fromRoad("beta", "worker", "ctl", body(list("", "", "r"), list("", "w1", "x"))));
        assertThat(FlowMessage.parse(in.body()).src()).isEqualTo(Address.of("beta", "", "r", "ctl"));
        // a src that names the channel it came on is fine
        only(router.fromRoad("beta", "worker", "ctl", body(list("", "", "r", "ctl"), list("", "w1", "x"))));
        // one naming another channel is refused, and the error goes back on the road it came on
        ToRoad err = (ToRoad) only(router.fromRoad("beta", "worker", "",
                body(list("", "", "r", "ctl"), list("", "w1", "x"))));
        assertThat(err.channel()).isEmpty();
        FlowMessage e = FlowMessage.parse(err.body());
        assertThat(e.code()).isEqualTo("bad_route");
        assertThat(e.error()).isEqualTo("src channel 'ctl' is not the channel '' the message arrived on");
        assertThat(e.dst().channel()).isEmpty();
    }

    @Test
    void aDenyOnOneChannelDoesNotTouchAnother() {
        FlowMessage denied = msgOf(only(router.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "admin.x")))));
        assertThat(denied.code()).isEqualTo("denied");
        assertThat(only(router.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "admin.x", "ctl")))))
                .isInstanceOf(ToRoad.class);
        // the master's messages into w1 are denied on ctl only, and answered on ctl
        ToRoad err = (ToRoad) only(router.fromRoad("beta", "master", "ctl", body(list("", "", "r"), list("", "w1"))));
        assertThat(err.channel()).isEqualTo("ctl");
        assertThat(FlowMessage.parse(err.body()).error()).isEqualTo("role 'master' may not send to alpha/w1/ on"
                + " channel 'ctl'");
        assertThat(only(router.fromRoad("beta", "master", "", body(list("", "", "r"), list("", "w1")))))
                .isInstanceOf(ToLane.class);
    }

    @Test
    void rulesNameTheirChannelOnlyWhenTheyHaveOne() {
        Policy p = Policy.parseJson("""
                [{"role": "a", "dst": "*", "action": "allow"}, {"role": "b", "dst": "*", "channel": "c*",
                 "action": "deny"}]""");
        assertThat(p.toRules().get(0)).doesNotContainKey("channel");
        assertThat(p.toRules().get(1)).containsEntry("channel", "c*");
        assertThat(Policy.fromRules(p.toRules(), Policy.Effect.ALLOW).rules()).isEqualTo(p.rules());
        assertThat(p.decide("b", Address.of("x", ""), "me", "ctl", null).allowed()).isFalse();
        assertThat(p.decide("b", Address.of("x", ""), "me", "", null).allowed()).isTrue();
        assertThat(p.decide("b", Address.of("x", "", "", "cx"), "me").allowed()).as("dst channel by default")
                .isFalse();
        assertThatThrownBy(() -> Policy.parseJson("[{\"role\": \"b\", \"chanel\": \"c\", \"action\": \"deny\"}]"))
                .hasMessageContaining("unknown key 'chanel'");
    }

    @Test
    void withoutChannelsTheChannelLevelStaysFreeText() {
        FlowRouter plain = new FlowRouter(Topology.of("alpha", Set.of("beta"), Set.of("w1")), Policy.allowAll());
        ToRoad r = (ToRoad) only(plain.fromLane("w1", body(list("", "", "r"), list("beta", "svc", "j", "stream"))));
        assertThat(r.channel()).isEqualTo("stream");
        ToLane in = (ToLane) only(plain.fromRoad("beta", "m", body(list("", "", "r", "x"), list("", "w1"))));
        assertThat(FlowMessage.parse(in.body()).src().channel()).isEqualTo("x");
    }
}
