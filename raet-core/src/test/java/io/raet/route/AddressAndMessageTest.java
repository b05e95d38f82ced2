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
