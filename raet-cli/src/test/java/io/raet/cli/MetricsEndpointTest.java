package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.metrics.RoadMetrics;
import io.raet.road.RoadStack;
import io.raet.route.Address;
import io.raet.route.FlowMessage;
import io.raet.router.Yard;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint of {@code --metrics}, scraped over HTTP, in process and from {@code raet listen|router}. */
@Timeout(90)
class MetricsEndpointTest {
    @TempDir
    Path tmp;

    final List<RouterProcessTest.Proc> procs = new ArrayList<>();

    @AfterEach
    void stop() {
        procs.forEach(p -> p.process.destroyForcibly());
    }

    static String scrape(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return r.body();
    }

    /** The value of the series {@code name{labels}} in Prometheus text; fails when it is not there. */
    static double sample(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(name + "{" + labels + "} in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    static void junk(InetSocketAddress to) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = "not a road packet".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, to));
        }
    }

    @Test
    void aScrapeShowsTrafficDropsByReasonAndLevelsAndJmxHasTheMeters() throws Exception {
        try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(0).build();
             RoadStack beta = RoadStack.builder().name("beta").port(0).build();
             MetricsServer server = MetricsServer.start(new RoadMetrics(alpha),
                     new InetSocketAddress("127.0.0.1", 0), true)) {
            String url = "http://127.0.0.1:" + server.address().getPort() + "/metrics";
            String before = scrape(url);
            assertThat(sample(before, "raet_road_remotes", "estate=\"alpha\"")).isZero();
            assertThat(before).doesNotContain("raet_road_drops_total");
            String main = beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send(main, Map.of("content", "hello")).get(10, TimeUnit.SECONDS);
            junk(alpha.address());
            String text = "";
            for (int i = 0; i < 100 && !text.contains("raet_road_drops_total"); i++) {
                Thread.sleep(50);
                text = scrape(url);
            }
            assertThat(sample(text, "raet_road_drops_total", "estate=\"alpha\",reason=\"parse_malformed_head\""))
                    .isEqualTo(1);
            assertThat(sample(text, "raet_road_dropped_total", "estate=\"alpha\"")).isEqualTo(1);
            assertThat(sample(text, "raet_road_packets_sent_total", "estate=\"alpha\"")).isGreaterThanOrEqualTo(4);
            assertThat(sample(text, "raet_road_packets_received_total", "estate=\"alpha\""))
                    .isGreaterThanOrEqualTo(6);
            assertThat(sample(text, "raet_road_messages_received_total", "estate=\"alpha\"")).isEqualTo(1);
            assertThat(sample(text, "raet_road_remotes_joined", "estate=\"alpha\"")).isEqualTo(1);
            assertThat(sample(text, "raet_road_remotes_allowed", "estate=\"alpha\"")).isEqualTo(1);
            assertThat(sample(text, "raet_road_messages_in_flight", "estate=\"alpha\"")).isZero();
            assertThat(sample(text, "raet_road_queue_inbox", "estate=\"alpha\"")).isEqualTo(1);

            Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("raet:*"),
                    null);
            assertThat(names.stream().map(ObjectName::toString))
                    .anySatisfy(n -> assertThat(n).contains("raetRoadPacketsSent").contains("alpha"));

            HttpResponse<String> other = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/x"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }

    RouterProcessTest.Proc raet(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), RaetCli.class.getName()));
        cmd.addAll(List.of(args));
        RouterProcessTest.Proc p = new RouterProcessTest.Proc(name, new ProcessBuilder(cmd), tmp.resolve(name + ".err"));
        procs.add(p);
        return p;
    }

    @Test
    void listenServesTheEndpoint() throws Exception {
        RouterProcessTest.Proc listen = raet("listen", "listen", "--name", "main", "--port", "0", "--metrics",
                "127.0.0.1:0");
        Map<String, Object> ready = listen.await(m -> "ready".equals(m.get("event")));
        String url = (String) listen.await(m -> "metrics".equals(m.get("event"))).get("url");
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
        InetSocketAddress main = new InetSocketAddress("127.0.0.1", (Integer) ready.get("port"));
        try (RoadStack sender = RoadStack.builder().name("sender").port(0).build()) {
            String remote = sender.join(main).get(10, TimeUnit.SECONDS);
            sender.send(remote, Map.of("content", "counted")).get(10, TimeUnit.SECONDS);
        }
        junk(main);
        String text = "";
        for (int i = 0; i < 100 && !text.contains("reason=\"parse_malformed_head\""); i++) {
            Thread.sleep(50);
            text = scrape(url);
        }
        assertThat(sample(text, "raet_road_messages_received_total", "estate=\"main\"")).isEqualTo(1);
        assertThat(sample(text, "raet_road_drops_total", "estate=\"main\",reason=\"parse_malformed_head\""))
                .isEqualTo(1);
        assertThat(sample(text, "raet_road_remotes_joined", "estate=\"main\"")).isEqualTo(1);
    }

    @Test
    void routerServesTheEndpointWithRoutingOutcomes() throws Exception {
        Path lane = Files.createDirectories(tmp.resolve("lane"));
        RouterProcessTest.Proc router = raet("router", "router", "--name", "r1", "--port", "0", "--lane-dir",
                lane.toString(), "--metrics", "127.0.0.1:0");
        router.await(m -> "ready".equals(m.get("event")));
        String url = (String) router.await(m -> "metrics".equals(m.get("event"))).get("url");
        try (Yard w = Yard.builder("w").dir(lane).build()) {
            FlowMessage answer = w.request(Address.of("nowhere", "svc", "jobs"), 1, Duration.ofSeconds(5))
                    .handle((m, e) -> m).get(10, TimeUnit.SECONDS);
            assertThat(answer).isNull(); // refused: an err, so the future failed
        }
        String text = scrape(url);
        assertThat(sample(text, "raet_router_routes_total", "estate=\"r1\",outcome=\"unknown_destination\""))
                .isEqualTo(1);
        assertThat(sample(text, "raet_router_routes_total", "estate=\"r1\",outcome=\"received_lane\""))
                .isEqualTo(1);
        assertThat(sample(text, "raet_router_estates", "estate=\"r1\"")).isZero();
        assertThat(sample(text, "raet_lane_messages_received_total", "lane=\"lane\",yard=\"router\"")).isEqualTo(1);
        assertThat(sample(text, "raet_road_remotes", "estate=\"r1\"")).isZero();
    }

    @Test
    void aBadMetricsAddressIsOneLine() {
        CliRun r = CliRun.run("listen", "--port", "0", "--metrics", "nohostport");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).isEqualTo(
                "raet listen: --metrics must be HOST:PORT with a port 0..65535, e.g. 127.0.0.1:9464, not 'nohostport'");
    }
}
