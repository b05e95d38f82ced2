package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.route.Address;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.route.QueueShare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design's example message through two live routers over loopback UDP: from the yard {@code yard-manor} behind
 * the router of estate {@code alpha-estate} to the share {@code event} of the yard {@code yard-remote} behind the
 * router of estate {@code beta-estate} (docs/routing.md, "The design's tuple and named parts"). The yard writes the
 * body itself, as the design does; the routers read its route.
 */
@Timeout(60)
class RouterDesignExampleTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** The design's example message, with the one addition it needs: {@code "order": "design"} in its route. */
    static final String EXAMPLE = """
            {"route":{"order":"design",\
            "src":["0","alpha-estate","yard-manor","presence"],"dst":["5","beta-estate","yard-remote","event"]},\
            "tag":"x","stamp":"2026-11-25T05:20:00.123456","data":{"quantity":5,"price":1.5}}""";

    @TempDir
    Path tmp;

    Router alpha;
    Router beta;
    Yard manor;
    Yard remote;

    @BeforeEach
    void start() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        beta = Router.start(RouterConfig.builder("beta-estate").role("master").port(0).laneDir(b)
                .channel(RouterConfig.Channel.builder("5").port(0)).build(), e -> { });
        CountDownLatch connected = new CountDownLatch(2);
        alpha = Router.start(RouterConfig.builder("alpha-estate").role("minion1").port(0).laneDir(a)
                .join(beta.address()).joinRetry(Duration.ofMillis(200))
                .channel(RouterConfig.Channel.builder("5").port(0).join(beta.address("5"))).build(), e -> {
                    if (e instanceof RouterEvent.Connected c) {
                        connected.countDown(); // on each of its two roads
                    }
                });
        assertThat(connected.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(alpha.estates("5")).contains("beta-estate");
        manor = Yard.builder("yard-manor").dir(a).build();
        remote = Yard.builder("yard-remote").dir(b).build();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {manor, remote, alpha, beta}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // next
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) throws Exception {
        return new ObjectMapper().readValue(text, LinkedHashMap.class);
    }

    @Test
    void theDesignsExampleMessageReachesTheShareBehindTheOtherRouter() throws Exception {
        QueueShare event = remote.queue("event");
        manor.lane().send(Address.ROUTER_YARD, json(EXAMPLE)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        FlowMessage m = event.take(WAIT).orElseThrow();
        assertThat(m.kind()).isEqualTo(Kind.MSG);
        // it left alpha on its road "5": its src names that road, where an answer goes back
        assertThat(m.src()).isEqualTo(Address.builder().channel("5").estate("alpha-estate").yard("yard-manor")
                .share("presence").build());
        assertThat(m.dst()).isEqualTo(Address.builder().channel("5").estate("beta-estate").yard("yard-remote")
                .share("event").build());
        assertThat(m.tag()).isEqualTo("x");
        assertThat(m.stamp()).isEqualTo("2026-11-25T05:20:00.123456");
        assertThat(m.data()).isEqualTo(Map.of("quantity", 5L, "price", 1.5));
        // the yard got the wire form: arrays [estate, yard, share, channel], no order key
        assertThat(m.body().get("route")).isEqualTo(Map.of(
                "src", List.of("alpha-estate", "yard-manor", "presence", "5"),
                "dst", List.of("beta-estate", "yard-remote", "event", "5")));

        // the same with named parts, on the default channel ""
        Map<String, Object> named = json(EXAMPLE);
        named.put("route", json("""
                {"src": {"channel": "", "estate": "alpha-estate", "yard": "yard-manor", "share": "presence"},
                 "dst": {"channel": "", "estate": "beta-estate", "yard": "yard-remote", "share": "event"}}"""));
        manor.lane().send(Address.ROUTER_YARD, named).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        FlowMessage n = event.take(WAIT).orElseThrow();
        assertThat(n.src()).isEqualTo(Address.of("alpha-estate", "yard-manor", "presence"));
        assertThat(n.dst()).isEqualTo(Address.of("beta-estate", "yard-remote", "event"));
        assertThat(n.tag()).isEqualTo("x");
        assertThat(alpha.stats()).containsEntry("route_to_road", 2L).containsEntry("route_bad_route", 0L);
        assertThat(beta.stats()).containsEntry("route_to_lane", 2L).containsEntry("route_bad_route", 0L);
    }
}
