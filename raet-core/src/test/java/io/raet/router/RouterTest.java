package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.SessionRenewal;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.route.QueueShare;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routers in one process over loopback UDP, each with its own lane directory: estate alpha (role
 * {@code minion1}) with the yard {@code w1}, estate beta (role {@code master}) with the yard {@code svc} serving
 * {@code jobs.high}. Beta reads its table from a file that the tests rewrite while it runs.
 */
@Timeout(60)
class RouterTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    Path policyFile;
    Router alpha;
    Router beta;
    Yard w1;
    Yard svc;
    final List<RouterEvent> betaEvents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        policyFile = tmp.resolve("policy.json");
        writePolicy("""
                {"default": "allow", "rules": [{"role": "*", "dst": "*/*/admin.*", "action": "deny"}]}""");
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        beta = Router.start(RouterConfig.builder("beta").role("master").port(0).laneDir(tmp.resolve("b"))
                .policyFile(policyFile).policyPoll(Duration.ofMillis(50)).share("status", RouterConfig.ShareKind.BEST)
                .share("events", RouterConfig.ShareKind.TOPIC)
                .build(), betaEvents::add);
        CompletableFuture<String> connected = new CompletableFuture<>();
        alpha = Router.start(RouterConfig.builder("alpha").role("minion1").port(0).laneDir(tmp.resolve("a"))
                .join(beta.address()).joinRetry(Duration.ofMillis(200)).build(), e -> {
                    if (e instanceof RouterEvent.Connected c) {
                        connected.complete(c.estate());
                    }
                });
        assertThat(connected.get(10, TimeUnit.SECONDS)).isEqualTo("beta");
        w1 = Yard.builder("w1").dir(tmp.resolve("a")).build();
        svc = Yard.builder("svc").dir(tmp.resolve("b")).build();
        svc.serve("jobs.high", data -> Map.of("done", data, "by", "svc"));
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {w1, svc, alpha, beta}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // next
            }
        }
    }

    void writePolicy(String json) throws Exception {
        Path t = policyFile.resolveSibling("policy.tmp");
        Files.writeString(t, json);
        Files.move(t, policyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static FlowException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(FlowException.class);
            return (FlowException) e.getCause();
        }
        throw new AssertionError("request succeeded");
    }

    FlowMessage ask(Yard from, Address dst, Object data) throws Exception {
        return from.request(dst, data).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aRouterRenewsItsSessionsAsConfiguredWhileRequestsFlow() throws Exception {
        // gamma renews its session with beta every second (forward secrecy; "renew" in the file); its yard's
        // requests across the road are all answered through the renewals
        Files.createDirectories(tmp.resolve("g"));
        CompletableFuture<String> connected = new CompletableFuture<>();
        try (Router gamma = Router.start(RouterConfig.builder("gamma").role("minion2").port(0)
                .laneDir(tmp.resolve("g")).join(beta.address()).joinRetry(Duration.ofMillis(200))
                .sessionRenewal(new SessionRenewal(Duration.ofSeconds(1), 0)).build(), e -> {
                    if (e instanceof RouterEvent.Connected c) {
                        connected.complete(c.estate());
                    }
                });
                Yard w2 = Yard.builder("w2").dir(tmp.resolve("g")).build()) {
            connected.get(10, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int i = 0;
            while (System.nanoTime() < end) {
                assertThat(ask(w2, Address.of("beta", "svc", "jobs.high"), i).data())
                        .isEqualTo(Map.of("done", (long) i, "by", "svc"));
                i++;
                Thread.sleep(20);
            }
            assertThat(gamma.road().stats().get("session_renewed")).isGreaterThanOrEqualTo(2);
            assertThat(alpha.road().stats().getOrDefault("session_renewed", 0L)).as("alpha: the default, hourly")
                    .isZero();
        }
    }

    @Test
    void requestAcrossTheRoadGetsItsResponseWithTheSourceFilledIn() throws Exception {
        FlowMessage rsp = ask(w1, Address.of("beta", "svc", "jobs.high"), List.of(1, 2, 3));
        assertThat(rsp.kind()).isEqualTo(Kind.RSP);
        assertThat(rsp.data()).isEqualTo(Map.of("done", List.of(1L, 2L, 3L), "by", "svc"));
        assertThat(rsp.src()).isEqualTo(Address.of("beta", "svc", "jobs.high"));
        assertThat(rsp.dst().estate()).isEqualTo("alpha");
        assertThat(rsp.dst().yard()).isEqualTo("w1");
        assertThat(alpha.stats()).containsEntry("route_to_road", 1L).containsEntry("route_to_lane", 1L);
        assertThat(beta.stats()).containsEntry("route_to_road", 1L).containsEntry("route_to_lane", 1L);
    }

    @Test
    void relativeAddressesStayOnTheHost() throws Exception {
        try (Yard w2 = Yard.builder("w2").dir(tmp.resolve("a")).build()) {
            QueueShare inbox = w2.queue("inbox");
            // empty estate: this host; the router fills src estate and yard
            w1.send(Address.of("", "w2", "inbox", "ch1"), "hello").get(10, TimeUnit.SECONDS);
            FlowMessage m = inbox.take(WAIT).orElseThrow();
            assertThat(m.data()).isEqualTo("hello");
            assertThat(m.src().estate()).isEqualTo("alpha");
            assertThat(m.src().yard()).isEqualTo("w1");
            assertThat(m.dst().channel()).isEqualTo("ch1");
            // empty yard: the router's own yard; its best-value share keeps the latest
            svc.send(Address.of("", "", "status"), Map.of("load", 1)).get(10, TimeUnit.SECONDS);
            svc.send(Address.of("", "", "status"), Map.of("load", 2)).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            var status = beta.shares().get("status").orElseThrow();
            while (((io.raet.route.BestValueShare) status).delivered() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(((io.raet.route.BestValueShare) status).get().orElseThrow().data()).isEqualTo(Map.of("load", 2L));
            assertThat(alpha.stats()).containsEntry("route_to_road", 0L);
        }
    }

    @Test
    void unknownDestinationsAreAnsweredWithErrors() throws Exception {
        FlowException estate = failure(w1.request(Address.of("omega", "svc", "jobs.high"), 1));
        assertThat(estate.code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(estate.error().src()).isEqualTo(Address.of("alpha", "router"));

        FlowException yard = failure(w1.request(Address.of("beta", "nowhere", "jobs.high"), 1));
        assertThat(yard.code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(yard.error().src()).isEqualTo(Address.of("beta", "router"));

        FlowException share = failure(w1.request(Address.of("beta", "svc", "jobs.none"), 1));
        assertThat(share.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
        assertThat(share.error().src().yard()).isEqualTo("svc");

        FlowException local = failure(w1.request(Address.of("", "", "nothing"), 1));
        assertThat(local.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
    }

    @Test
    void aYardThatLeftIsAnsweredWithAnError() throws Exception {
        assertThat(ask(w1, Address.of("beta", "svc", "jobs.high"), 1).kind()).isEqualTo(Kind.RSP);
        svc.close();
        FlowException gone = failure(w1.request(Address.of("beta", "svc", "jobs.high"), 2));
        assertThat(gone.code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
    }

    @Test
    void deniedAddressesGetAnErrorAndThePolicyFileChangesAtRunTime() throws Exception {
        FlowException denied = failure(w1.request(Address.of("beta", "svc", "admin.reset"), 1));
        assertThat(denied.code()).isEqualTo(ErrorCode.DENIED);
        assertThat(denied.getMessage()).contains("minion1").contains("beta/svc/admin.reset");
        assertThat(beta.stats()).containsEntry("route_denied", 1L);

        assertThat(ask(w1, Address.of("beta", "svc", "jobs.high"), 1).kind()).isEqualTo(Kind.RSP);
        writePolicy("""
                [{"role": "master", "dst": "*", "action": "allow"},
                 {"role": "minion*", "dst": "beta/svc/jobs.*", "action": "deny"}]""");
        awaitPolicy(2);
        assertThat(failure(w1.request(Address.of("beta", "svc", "jobs.high"), 2)).code()).isEqualTo(ErrorCode.DENIED);

        // an invalid table is reported and the one in force stays
        writePolicy("[{\"role\": \"*\", \"action\": \"perhaps\"}]");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (betaEvents.stream().noneMatch(e -> e instanceof RouterEvent.PolicyRejected)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(betaEvents).anySatisfy(e -> assertThat(e).isInstanceOf(RouterEvent.PolicyRejected.class));
        assertThat(failure(w1.request(Address.of("beta", "svc", "jobs.high"), 3)).code()).isEqualTo(ErrorCode.DENIED);

        writePolicy("[]");
        awaitPolicy(0);
        assertThat(ask(w1, Address.of("beta", "svc", "jobs.high"), 4).kind()).isEqualTo(Kind.RSP);
        // a table set in code takes effect at once
        beta.policy(io.raet.route.Policy.parseJson("{\"default\": \"deny\"}"));
        assertThat(failure(w1.request(Address.of("beta", "svc", "jobs.high"), 5)).code()).isEqualTo(ErrorCode.DENIED);
    }

    void awaitPolicy(int rules) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (beta.policy().rules().size() != rules && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(beta.policy().rules()).hasSize(rules);
    }

    @Test
    void aFailingServiceAnswersWithFailedAndUnroutedBodiesWithBadRoute() throws Exception {
        svc.serve("boom", data -> {
            throw new IllegalStateException("no disk");
        });
        FlowException failed = failure(w1.request(Address.of("beta", "svc", "boom"), 1));
        assertThat(failed.code()).isEqualTo(ErrorCode.FAILED);
        assertThat(failed.getMessage()).contains("no disk");

        // a body without a route, straight on the lane to the router: answered bad_route, the router goes on
        QueueShare dflt = w1.queue("");
        w1.lane().send("router", Map.of("hello", "no route")).get(10, TimeUnit.SECONDS);
        FlowMessage err = dflt.take(WAIT).orElseThrow();
        assertThat(err.kind()).isEqualTo(Kind.ERR);
        assertThat(err.code()).isEqualTo("bad_route");
        assertThat(ask(w1, Address.of("beta", "svc", "jobs.high"), 2).kind()).isEqualTo(Kind.RSP);
    }

    @Test
    void publishAndSubscribeThroughATopicOfTheOtherRouter() throws Exception {
        Address topic = Address.of("beta", "", "events");
        FlowMessage ack = w1.subscribe(topic, "feed").get(10, TimeUnit.SECONDS);
        assertThat(ack.kind()).isEqualTo(Kind.ACK);
        QueueShare feed = w1.queue("feed");
        svc.publish(Address.of("", "", "events"), Map.of("temp", 21)).get(10, TimeUnit.SECONDS);
        FlowMessage copy = feed.take(WAIT).orElseThrow();
        assertThat(copy.data()).isEqualTo(Map.of("temp", 21L));
        assertThat(copy.get("topic")).isEqualTo("events");
        assertThat(copy.src()).isEqualTo(Address.of("beta", "router", "events"));
        assertThat(w1.unsubscribe(topic, "feed").get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACK);
        svc.publish(Address.of("", "", "events"), Map.of("temp", 22)).get(10, TimeUnit.SECONDS);
        assertThat(feed.take(Duration.ofMillis(300))).isEmpty();
        // a topic that does not exist is an error, not a silent subscription
        FlowException none = failure(w1.subscribe(Address.of("beta", "", "nothing"), "feed"));
        assertThat(none.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
    }

    @Test
    void acknowledgedSequentialAndRepeatedDeliveryAcrossTheRoad() throws Exception {
        QueueShare log = svc.queue("log");
        List<CompletableFuture<FlowMessage>> acks = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(w1.sendSequential(Address.of("beta", "svc", "log"), i));
        }
        for (CompletableFuture<FlowMessage> a : acks) {
            assertThat(a.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACK);
        }
        for (long i = 0; i < 50; i++) {
            FlowMessage m = log.take(WAIT).orElseThrow();
            assertThat(m.seq()).isEqualTo(i);
            assertThat(m.data()).isEqualTo(i);
        }
        assertThat(w1.sendAcked(Address.of("beta", "svc", "log"), "once").get(10, TimeUnit.SECONDS).re()).isNotNull();
        assertThat(log.take(WAIT).orElseThrow().data()).isEqualTo("once");
        FlowException nowhere = failure(w1.sendAcked(Address.of("beta", "svc", "none"), 1));
        assertThat(nowhere.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);

        w1.repeat(Address.of("beta", "svc", "log"), "tick", Duration.ofMillis(100), 3);
        for (int i = 0; i < 3; i++) {
            assertThat(log.take(WAIT).orElseThrow().data()).isEqualTo("tick");
        }
        assertThat(log.take(Duration.ofMillis(400))).isEmpty();
        assertThat(svc.stats()).containsEntry("duplicates", 0L);
    }

    @Test
    void aJoinAddressWhoseNameDidNotResolveAtStartIsLookedUpAgainAtEachAttempt() throws Exception {
        // As if DNS had no answer for the name when the router started: the address is kept unresolved.
        InetSocketAddress later = InetSocketAddress.createUnresolved("localhost", beta.address().getPort());
        RouterConfig cfg = RouterConfig.builder("delta").role("minion2").port(0)
                .laneDir(Files.createDirectories(tmp.resolve("d"))).join(later)
                .joinRetry(Duration.ofMillis(200)).build();
        CompletableFuture<String> connected = new CompletableFuture<>();
        try (Router delta = Router.start(cfg, e -> {
            if (e instanceof RouterEvent.Connected c) {
                connected.complete(c.estate());
            }
        })) {
            assertThat(connected.get(10, TimeUnit.SECONDS)).isEqualTo("beta");
        }
        assertThat(Router.resolved(new InetSocketAddress("127.0.0.1", 7530)))
                .isEqualTo(new InetSocketAddress("127.0.0.1", 7530));
    }

    @Test
    void aRestartedRouterRoutesToTheEstatesInItsKeep() throws Exception {
        Path keep = tmp.resolve("keep-gamma");
        RouterConfig cfg = RouterConfig.builder("gamma").role("minion2").port(0).keep(keep)
                .laneDir(Files.createDirectories(tmp.resolve("g"))).join(beta.address())
                .joinRetry(Duration.ofMillis(200)).build();
        CompletableFuture<String> first = new CompletableFuture<>();
        try (Router gamma = Router.start(cfg, e -> {
            if (e instanceof RouterEvent.Connected c) {
                first.complete(c.estate());
            }
        })) {
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("beta");
        }
        // again from the keep, without anything to join: beta is known and the session is opened on first use
        try (Router gamma = Router.start(RouterConfig.builder("gamma").role("minion2").port(0).keep(keep)
                .laneDir(tmp.resolve("g")).build());
             Yard g1 = Yard.builder("g1").dir(tmp.resolve("g")).build()) {
            assertThat(gamma.estates()).contains("beta");
            FlowMessage rsp = ask(g1, Address.of("beta", "svc", "jobs.high"), "after restart");
            assertThat(rsp.data()).isEqualTo(Map.of("done", "after restart", "by", "svc"));
        }
    }
}
