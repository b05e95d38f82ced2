package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressAndMessageTest {
    static List<Object> list(Object... levels) {
        return new ArrayList<>(Arrays.asList(levels));
    }

    static Map<String, Object> body(Object src, Object dst, Object... fields) {
        Map<String, Object> route = new LinkedHashMap<>();
        if (src != null) {
            route.put("src", src);
        }
        if (dst != null) {
            route.put("dst", dst);
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("route", route);
        for (int i = 0; i < fields.length; i += 2) {
            b.put((String) fields[i], fields[i + 1]);
        }
        return b;
    }

    @Test
    void emptyLevelsAreNullEmptyOrMissing() {
        Address a = Address.parse(list("alpha", null, "", "ch"));
        assertThat(a).isEqualTo(Address.of("alpha", "", "", "ch"));
        assertThat(Address.parse(list())).isEqualTo(Address.EMPTY);
        assertThat(Address.parse(list(null, null, null, null))).isEqualTo(Address.EMPTY);
        assertThat(Address.EMPTY.toList()).containsExactly("", "", "", "");
    }

    @Test
    void shorterArraysHaveEmptyLevels() {
        Address three = Address.parse(list("beta", "worker", "jobs.high"));
        assertThat(three).isEqualTo(Address.of("beta", "worker", "jobs.high", ""));
        assertThat(Address.parse(list("beta"))).isEqualTo(Address.of("beta", "", "", ""));
        assertThat(three.toList()).containsExactly("beta", "worker", "jobs.high", "");
    }

    @Test
    void longerArraysKeepExtraLevelsVerbatim() {
        Map<String, Object> nested = Map.of("k", 1L);
        Address a = Address.parse(list("beta", "w", "s", "c", "x", 7L, null, nested));
        assertThat(a.extra()).containsExactly("x", 7L, null, nested);
        assertThat(a.toList()).containsExactly("beta", "w", "s", "c", "x", 7L, null, nested);
        assertThat(a.withShare("t").extra()).isEqualTo(a.extra());
        assertThat(Address.parse(new Object[] {"e", "y"})).isEqualTo(Address.of("e", "y"));
    }

    @Test
    void badLevelsAreBadRoute() {
        assertThatThrownBy(() -> Address.parse("alpha")).isInstanceOf(FlowException.class)
                .hasMessageContaining("must be a list")
                .extracting(e -> ((FlowException) e).code()).isEqualTo(ErrorCode.BAD_ROUTE);
        assertThatThrownBy(() -> Address.parse(list("alpha", 3L))).hasMessageContaining("yard must be a string");
    }

    static Map<String, Object> parts(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void addressObjectsNameTheirParts() {
        Address a = Address.parse(parts("channel", "0", "estate", "alpha-estate", "yard", "yard-manor",
                "share", "presence"));
        assertThat(a).isEqualTo(Address.of("alpha-estate", "yard-manor", "presence", "0"));
        assertThat(a.toList()).containsExactly("alpha-estate", "yard-manor", "presence", "0");
        // any subset; a part not given, or null, is empty
        assertThat(Address.parse(parts("share", "jobs"))).isEqualTo(Address.of("", "", "jobs"));
        assertThat(Address.parse(parts("yard", "svc", "estate", null))).isEqualTo(Address.of("", "svc"));
        assertThat(Address.parse(parts())).isEqualTo(Address.EMPTY);
        // the same in any order a route names; names win over positions
        assertThat(Address.parse(parts("share", "s", "estate", "e"), Address.Order.DESIGN)).isEqualTo(Address.of("e", "", "s"));
    }

    @Test
    void addressObjectsTakeOnlyTheirPartsAsStrings() {
        assertThatThrownBy(() -> Address.parse(parts("share", "s", "host", "h"))).isInstanceOf(FlowException.class)
                .hasMessageContaining("an address object has no part 'host' (its parts: estate, yard, share, channel)")
                .extracting(e -> ((FlowException) e).code()).isEqualTo(ErrorCode.BAD_ROUTE);
        assertThatThrownBy(() -> Address.parse(parts("Share", "s"))).hasMessageContaining("no part 'Share'");
        assertThatThrownBy(() -> Address.parse(Map.of(1L, "s"))).hasMessageContaining("no part Long");
        assertThatThrownBy(() -> Address.parse(parts("yard", 3L))).hasMessageContaining("address yard must be a string");
        assertThatThrownBy(() -> Address.parse(parts("estate", list("a")))).hasMessageContaining("estate must be a string");
    }

    @Test
    void arraysAreInTheWireOrderUnlessTheRouteNamesTheDesignsOrder() {
        List<Object> example = list("5", "beta-estate", "yard-remote", "event");
        // the wire order reads it position by position, whatever the names look like: nothing is guessed
        assertThat(Address.parse(example)).isEqualTo(Address.of("5", "beta-estate", "yard-remote", "event"));
        assertThat(Address.parse(example, Address.Order.WIRE)).isEqualTo(Address.parse(example));
        // the design's example order is [channel, estate, yard, share]
        assertThat(Address.parse(example, Address.Order.DESIGN))
                .isEqualTo(Address.builder().share("event").yard("yard-remote").estate("beta-estate").channel("5").build());
        assertThat(Address.Order.DESIGN.parts()).containsExactly("channel", "estate", "yard", "share");
        assertThat(Address.Order.WIRE.parts()).containsExactly("estate", "yard", "share", "channel");
        assertThat(Address.parse(list("0", "alpha"), Address.Order.DESIGN)).isEqualTo(Address.of("alpha", "", "", "0"));
        assertThat(Address.parse(list(null, "alpha", null, "s"), Address.Order.DESIGN)).isEqualTo(Address.of("alpha", "", "s"));
        // extra levels exist only in the wire order
        assertThatThrownBy(() -> Address.parse(list("0", "e", "y", "s", "x"), Address.Order.DESIGN))
                .hasMessageContaining("an address in the design order [channel, estate, yard, share] has at most 4 levels");
        assertThatThrownBy(() -> Address.parse(list("0", 1L), Address.Order.DESIGN))
                .hasMessageContaining("address estate must be a string");
        assertThat(Address.Order.of(null)).isEqualTo(Address.Order.WIRE);
        assertThat(Address.Order.of("wire")).isEqualTo(Address.Order.WIRE);
        assertThat(Address.Order.of("design")).isEqualTo(Address.Order.DESIGN);
        assertThatThrownBy(() -> Address.Order.of("Design")).hasMessageContaining("route.order must be \"wire\"")
                .hasMessageContaining("not 'Design'");
        assertThatThrownBy(() -> Address.Order.of(1L)).hasMessageContaining("not Long");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRouteInAnotherFormIsWrittenBackInTheWireForm() {
        Map<String, Object> b = withOrder(body(parts("yard", "w", "share", "results"),
                list("5", "beta-estate", "yard-remote", "event"), "data", "d"), "design");
        ((Map<String, Object>) b.get("route")).put("via", "here");
        FlowMessage m = FlowMessage.parse(b);
        assertThat(m.src()).isEqualTo(Address.of("", "w", "results"));
        assertThat(m.dst()).isEqualTo(Address.of("beta-estate", "yard-remote", "event", "5"));
        assertThat(m.body().get("route")).isEqualTo(Map.of("src", list("", "w", "results", ""),
                "dst", list("beta-estate", "yard-remote", "event", "5"), "via", "here"));
        assertThat(FlowMessage.parse(m.toBody())).isEqualTo(m);
        // a named dst without src gets no src; an explicit "order": "wire" is dropped too
        Map<String, Object> named = body(null, parts("estate", "beta"));
        FlowMessage n = FlowMessage.parse(named);
        assertThat(n.body().get("route")).isEqualTo(Map.of("dst", list("beta", "", "", "")));
        Map<String, Object> wire = withOrder(body(list("", "w"), list("beta")), "wire");
        assertThat(FlowMessage.parse(wire).body().get("route")).isEqualTo(Map.of("src", list("", "w", "", ""),
                "dst", list("beta", "", "", "")));
        // a route of arrays only is kept as it came (short arrays stay short)
        Map<String, Object> plain = body(list("", "w"), list("beta"));
        assertThat(FlowMessage.parse(plain).body().get("route")).isEqualTo(plain.get("route"));
        assertBad(withOrder(body(list(), list()), "reverse"), "route.order must be");
        assertBad(withOrder(body(list("0", "e", "y", "s", "x"), list()), "design"), "route.src: an address in the design");
        assertBad(withOrder(body(list(), parts("host", "h")), "design"), "route.dst: an address object has no part 'host'");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> withOrder(Map<String, Object> body, Object order) {
        ((Map<String, Object>) body.get("route")).put("order", order);
        return body;
    }

    @Test
    void resolveFillsOnlyEmptyLevels() {
        Address rel = Address.of("", "", "results", "c1");
        assertThat(rel.resolve("alpha", "worker1")).isEqualTo(Address.of("alpha", "worker1", "results", "c1"));
        Address abs = Address.of("beta", "svc", "jobs");
        assertThat(abs.resolve("alpha", "worker1")).isSameAs(abs);
        assertThat(rel.resolve("alpha", null)).isEqualTo(Address.of("alpha", "", "results", "c1"));
        assertThat(rel.isLocalEstate("x")).isTrue();
        assertThat(rel.isRouterYard()).isTrue();
        assertThat(Address.of("alpha", "router").isLocalRouter("alpha")).isTrue();
        assertThat(Address.of("beta", "").isLocalRouter("alpha")).isFalse();
        assertThat(rel.policyKey("alpha")).isEqualTo("alpha/router/results");
        assertThat(Address.of("beta", "svc", "jobs.high").policyKey("alpha")).isEqualTo("beta/svc/jobs.high");
    }

    @Test
    void messageFieldsAndDefaults() {
        FlowMessage m = FlowMessage.parse(body(list("alpha"), list("beta", "", "jobs"), "data", Map.of("n", 1L)));
        assertThat(m.kind()).isEqualTo(Kind.MSG);
        assertThat(m.id()).isNull();
        assertThat(m.seq()).isNull();
        assertThat(m.data()).isEqualTo(Map.of("n", 1L));
        assertThat(m.dst()).isEqualTo(Address.of("beta", "", "jobs"));
        FlowMessage noSrc = FlowMessage.parse(body(null, list("beta")));
        assertThat(noSrc.src()).isEqualTo(Address.EMPTY);
        FlowMessage err = FlowMessage.parse(body(list(), list(), "kind", "err", "code", "denied", "error", "no"));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.DENIED);
        assertThat(FlowMessage.parse(body(list(), list(), "seq", 3, "id", "x")).seq()).isEqualTo(3L);
    }

    @Test
    void validationReasons() {
        assertBad(Map.of("data", 1L), "route is missing");
        assertBad(Map.of("route", "x"), "route must be a mapping");
        assertBad(body(list(), null), "route.dst is missing");
        assertBad(body(list(1L), list()), "route.src: address estate must be a string");
        assertBad(body(list(), "beta"), "route.dst: address must be a list");
        assertBad(body(list(), list(), "kind", "shout"), "unknown kind 'shout'");
        assertBad(body(list(), list(), "kind", 1L), "kind must be a string");
        assertBad(body(list(), list(), "kind", "req"), "req needs an id");
        assertBad(body(list(), list(), "kind", "ackd"), "ackd needs an id");
        assertBad(body(list(), list(), "kind", "rsp", "id", "1"), "rsp needs re");
        assertBad(body(list(), list(), "kind", "ack"), "ack needs re");
        assertBad(body(list(), list(), "id", 5L), "id must be a string");
        assertBad(body(list(), list(), "seq", "1", "id", "a"), "seq must be an integer");
        assertBad(body(list(), list(), "seq", -1L, "id", "a"), "seq must not be negative");
        assertBad(body(list(), list(), "seq", 1L), "sequential message needs an id");
        assertBad(body(list(), list(), "kind", "err", "code", 3L), "code must be a string");
        assertBad(null, "body is missing");
    }

    static void assertBad(Map<String, ?> body, String reason) {
        assertThatThrownBy(() -> FlowMessage.parse(body)).isInstanceOf(FlowException.class).hasMessageContaining(reason)
                .extracting(e -> ((FlowException) e).code()).isEqualTo(ErrorCode.BAD_ROUTE);
    }

    @Test
    void unknownFieldsSurviveReRouting() {
        Map<String, Object> b = body(list("", "w"), list("beta", "svc", "jobs", "", "hop"), "kind", "msg",
                "x-trace", List.of("t1"), "data", "d");
        ((Map<String, Object>) b.get("route")).put("via", "here");
        FlowMessage m = FlowMessage.parse(b).withSrc(Address.of("alpha", "w"));
        Map<String, Object> out = m.toBody();
        assertThat(out).containsEntry("x-trace", List.of("t1")).containsEntry("data", "d");
        @SuppressWarnings("unchecked")
        Map<String, Object> route = (Map<String, Object>) out.get("route");
        assertThat(route).containsEntry("via", "here");
        assertThat(route.get("src")).isEqualTo(list("alpha", "w", "", ""));
        assertThat(route.get("dst")).isEqualTo(list("beta", "svc", "jobs", "", "hop"));
        assertThat(FlowMessage.parse(out)).isEqualTo(m);
    }

    @Test
    void builderAndErrors() {
        Address a = Address.of("alpha", "w", "r");
        Address b = Address.of("beta", "svc", "jobs");
        FlowMessage req = FlowMessage.builder(Kind.REQ, a, b).id("1").data("q").build();
        FlowMessage rsp = Responder.respond(req, "a");
        assertThat(rsp.kind()).isEqualTo(Kind.RSP);
        assertThat(rsp.re()).isEqualTo("1");
        assertThat(rsp.src()).isEqualTo(b);
        assertThat(rsp.dst()).isEqualTo(a);
        FlowMessage err = Responder.fail(req, ErrorCode.UNKNOWN_SHARE, "none");
        assertThat(err.code()).isEqualTo("unknown_share");
        assertThat(err.re()).isEqualTo("1");
        assertThatThrownBy(() -> Responder.fail(err, ErrorCode.DENIED, "x")).isInstanceOf(IllegalArgumentException.class);
        FlowException fe = FlowException.of(err);
        assertThat(fe.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
        assertThat(fe.getMessage()).isEqualTo("none");
        assertThat(Responder.handle(req, d -> {
            throw new FlowException(ErrorCode.DENIED, "nope");
        }).code()).isEqualTo("denied");
        assertThat(Responder.handle(req, d -> d + "!").data()).isEqualTo("q!");
    }
}
