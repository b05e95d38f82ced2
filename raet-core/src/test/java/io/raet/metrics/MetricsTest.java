package io.raet.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneStack;
import io.raet.lane.core.UxdSocket;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import io.raet.route.Address;
import io.raet.router.Router;
import io.raet.router.RouterConfig;
import io.raet.router.RouterEvent;
import io.raet.router.Yard;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MetricsTest {
    @TempDir
    Path tmp;

    static double count(MeterRegistry r, String name, String... tags) {
        FunctionCounter c = r.find(name).tags(tags).functionCounter();
        assertThat(c).as(name + " " + String.join(",", tags)).isNotNull();
        return c.count();
    }

    static double gauge(MeterRegistry r, String name, String... tags) {
        Gauge g = r.find(name).tags(tags).gauge();
        assertThat(g).as(name + " " + String.join(",", tags)).isNotNull();
        return g.value();
    }

    /** Waits up to 5 s for a condition read from the meters (counters reach the snapshot on the owner thread). */
    static void eventually(StatsBinder b, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            b.refresh();
            if (ok.getAsBoolean() || System.nanoTime() > deadline) {
                return;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void roadCountersLevelsAndADropReasonThatAppearsLater() throws Exception {
        MeterRegistry r = new SimpleMeterRegistry();
        try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(0).build();
             RoadStack beta = RoadStack.builder().name("beta").port(0).build()) {
            RoadMetrics metrics = new RoadMetrics(alpha);
            metrics.bindTo(r);
            assertThat(gauge(r, "raet.road.remotes", "estate", "alpha")).isZero();
            String main = beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send(main, Map.of("content", "hello")).get(10, TimeUnit.SECONDS);
            RoadEvent.Message m = alpha.receive(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(r.find("raet.road.drops").functionCounter()).isNull();
            try (DatagramSocket junk = new DatagramSocket()) {
                byte[] b = "not a road packet".getBytes(StandardCharsets.US_ASCII);
                junk.send(new DatagramPacket(b, b.length, alpha.address()));
            }
            eventually(metrics, () -> r.find("raet.road.drops").functionCounter() != null);
            assertThat(count(r, "raet.road.drops", "estate", "alpha", "reason", "parse_malformed_head")).isEqualTo(1);
            assertThat(count(r, "raet.road.dropped", "estate", "alpha")).isEqualTo(1);
            assertThat(count(r, "raet.road.packets.received", "estate", "alpha")).isGreaterThanOrEqualTo(6);
            assertThat(count(r, "raet.road.packets.sent", "estate", "alpha")).isGreaterThanOrEqualTo(4);
            assertThat(count(r, "raet.road.messages.received", "estate", "alpha")).isEqualTo(1);
            assertThat(gauge(r, "raet.road.remotes", "estate", "alpha")).isEqualTo(1);
            assertThat(gauge(r, "raet.road.remotes.joined", "estate", "alpha")).isEqualTo(1);
            assertThat(gauge(r, "raet.road.remotes.allowed", "estate", "alpha")).isEqualTo(1);
            assertThat(gauge(r, "raet.road.messages.in.flight", "estate", "alpha")).isZero();
            assertThat(gauge(r, "raet.road.queue.inbox", "estate", "alpha")).isZero();
            for (String q : new String[] {"waiting.allow", "commands", "unsent"}) {
                assertThat(gauge(r, "raet.road.queue." + q, "estate", "alpha")).isGreaterThanOrEqualTo(0);
            }
            // a message nobody takes yet waits in the inbox
            beta.send(main, Map.of("content", "wait")).get(10, TimeUnit.SECONDS);
            eventually(metrics, () -> gauge(r, "raet.road.queue.inbox", "estate", "alpha") == 1);
            assertThat(gauge(r, "raet.road.queue.inbox", "estate", "alpha")).isEqualTo(1);
        }
    }

    @Test
    void laneCountersDropsAndLevels() throws Exception {
        MeterRegistry r = new SimpleMeterRegistry();
        try (LaneStack a = LaneStack.builder().lane("app").name("w1").dir(tmp).yards("w2").build();
             LaneStack b = LaneStack.builder().lane("app").name("w2").dir(tmp).build()) {
            LaneMetrics metrics = new LaneMetrics(b);
            metrics.bindTo(r);
            a.send("w2", Map.of("job", 7)).get(5, TimeUnit.SECONDS);
            LaneMessage m = b.receive(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            byte[] junk = "junk".getBytes(StandardCharsets.US_ASCII);
            try (UxdSocket junkSender = UxdSocket.bind(tmp.resolve("app.junk.uxd"))) {
                junkSender.sendTo(b.ha(), junk, 0, junk.length);
            }
            eventually(metrics, () -> r.find("raet.lane.drops").functionCounter() != null);
            String[] w2 = {"lane", "app", "yard", "w2"};
            assertThat(count(r, "raet.lane.drops", "lane", "app", "yard", "w2", "reason", "invalid_page_header"))
                    .isEqualTo(1);
            assertThat(count(r, "raet.lane.messages.received", w2)).isEqualTo(1);
            assertThat(count(r, "raet.lane.pages.received", w2)).isEqualTo(2);
            assertThat(gauge(r, "raet.lane.yards", w2)).isEqualTo(1);
            assertThat(gauge(r, "raet.lane.queue.inbox", w2)).isZero();
            assertThat(gauge(r, "raet.lane.queue.outgoing", w2)).isZero();
            assertThat(gauge(r, "raet.lane.partial.books", w2)).isZero();
        }
    }

    @Test
    void routerOutcomesEstatesAndItsRoadAndLane() throws Exception {
        MeterRegistry r = new SimpleMeterRegistry();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        CompletableFuture<String> connected = new CompletableFuture<>();
        try (Router beta = Router.start(RouterConfig.builder("beta").port(0).laneDir(b).build());
             Router alpha = Router.start(RouterConfig.builder("alpha").port(0).laneDir(a).join(beta.address())
                     .joinRetry(Duration.ofMillis(200)).build(), e -> {
                         if (e instanceof RouterEvent.Connected c) {
                             connected.complete(c.estate());
                         }
                     })) {
            RouterMetrics metrics = new RouterMetrics(alpha);
            metrics.bindTo(r);
            assertThat(connected.get(10, TimeUnit.SECONDS)).isEqualTo("beta");
            try (Yard svc = Yard.builder("svc").dir(b).build(); Yard w1 = Yard.builder("w1").dir(a).build()) {
                svc.serve("jobs", data -> Map.of("done", data));
                w1.request(Address.of("beta", "svc", "jobs"), 1).get(10, TimeUnit.SECONDS);
            }
            metrics.refresh();
            assertThat(gauge(r, "raet.router.estates", "estate", "alpha")).isEqualTo(1);
            assertThat(count(r, "raet.router.routes", "estate", "alpha", "outcome", "to_road")).isEqualTo(1);
            assertThat(count(r, "raet.router.routes", "estate", "alpha", "outcome", "to_lane")).isEqualTo(1);
            assertThat(count(r, "raet.router.routes", "estate", "alpha", "outcome", "denied")).isZero();
            assertThat(count(r, "raet.router.forward.failed.road", "estate", "alpha")).isZero();
            assertThat(gauge(r, "raet.road.remotes.allowed", "estate", "alpha")).isEqualTo(1);
            assertThat(count(r, "raet.road.messages.received", "estate", "alpha")).isEqualTo(1);
            assertThat(count(r, "raet.lane.messages.received", "lane", "lane", "yard", "router")).isEqualTo(1);
            assertThat(r.find("raet.router.road.packets.sent").meters()).isEmpty();
        }
    }
}
