package io.raet.router;

import static io.raet.router.ControlMesh.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.lane.core.UxdSocket;
import io.raet.road.RoadConfig;
import io.raet.road.RoadStack;
import io.raet.road.SessionRenewal;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Policy;
import io.raet.trust.Restrictions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Behaviour-driven restriction, live: estates alpha and gamma join the hub beta, whose table denies {@code admin}.
 * A yard behind alpha keeps asking what it is denied: beta throttles alpha, then denies it for the cooling period,
 * while gamma's yard is served throughout; after the cooling period alpha is served again.
 */
@Timeout(60)
class RouterRestrictionTest {
    @TempDir
    Path tmp;

    Router beta;
    Router alpha;
    Router gamma;
    Yard bad;
    Yard good;
    Yard svc;
    final List<RouterEvent> events = new CopyOnWriteArrayList<>();

    Router join(String name) throws Exception {
        Path lane = Files.createDirectories(tmp.resolve(name));
        CompletableFuture<String> connected = new CompletableFuture<>();
        Router r = Router.start(RouterConfig.builder(name).role(name).port(0).laneDir(lane).join(beta.address())
                .joinRetry(Duration.ofMillis(200)).build(), e -> {
                    if (e instanceof RouterEvent.Connected c) {
                        connected.complete(c.estate());
                    }
                });
        connected.get(10, TimeUnit.SECONDS);
        return r;
    }

    @BeforeEach
    void start() throws Exception {
        Path lane = Files.createDirectories(tmp.resolve("beta"));
        beta = Router.start(RouterConfig.builder("beta").port(0).laneDir(lane)
                .policy(Policy.parseJson("[{\"role\": \"*\", \"dst\": \"*/*/admin.*\", \"action\": \"deny\"}]"))
                .restrictions(Restrictions.Settings.defaults().withLevels(5, 12)
                        .withTimes(Duration.ofSeconds(1), Duration.ofSeconds(2)).withRates(2, 5000, 10_000))
                .build(), events::add);
        alpha = join("alpha");
        gamma = join("gamma");
        svc = Yard.builder("svc").dir(lane).build();
        svc.serve("jobs", d -> d);
        svc.serve("admin.reset", d -> d);
        bad = Yard.builder("bad").dir(tmp.resolve("alpha")).requestTimeout(Duration.ofSeconds(3)).build();
        good = Yard.builder("good").dir(tmp.resolve("gamma")).build();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {bad, good, svc, alpha, gamma, beta}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // next
            }
        }
    }

    /** The code of the answer to a request of {@code y} for {@code share} on beta's svc, null when served. */
    static ErrorCode code(Yard y, String share) throws Exception {
        try {
            y.request(Address.of("beta", "svc", share), 1).get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return ((FlowException) e.getCause()).code();
        }
    }

    boolean restricted(String level) {
        return events.stream().anyMatch(e -> e instanceof RouterEvent.Restricted r && r.source().equals("estate:alpha")
                && r.level().equals(level));
    }

    @Test
    void aMisbehavingEstateIsThrottledThenDeniedWhileOthersAreServedAndRecoversAfterCooling() throws Exception {
        assertThat(code(bad, "jobs")).isNull();
        List<ErrorCode> codes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            codes.add(code(bad, "admin.reset"));
        }
        assertThat(codes).containsOnly(ErrorCode.DENIED);
        await("alpha throttled", () -> restricted("throttled"));
        RouterEvent.Restricted t = (RouterEvent.Restricted) events.stream().filter(e -> e instanceof
                RouterEvent.Restricted).findFirst().orElseThrow();
        assertThat(t.role()).isEqualTo("alpha");
        assertThat(t.channel()).isEmpty();
        assertThat(t.reason()).isEqualTo("denied");
        // throttled: 2 a second pass (and are denied by the table), the rest are refused; it goes on: denied
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!restricted("denied") && System.nanoTime() < end) {
            codes.add(code(bad, "admin.reset"));
            Thread.sleep(20);
        }
        assertThat(restricted("denied")).isTrue();
        assertThat(codes).contains(ErrorCode.REFUSED);
        // while alpha is denied, even what the table allows is refused; gamma is served
        assertThat(code(bad, "jobs")).isEqualTo(ErrorCode.REFUSED);
        for (int i = 0; i < 10; i++) {
            assertThat(code(good, "jobs")).isNull();
        }
        assertThat(beta.restrictions().restricted()).containsOnlyKeys("estate:alpha");
        assertThat(beta.stats().get("restricted_refused")).isPositive();
        // quiet through the cooling period: free again
        await("alpha free again", Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e instanceof
                RouterEvent.RestrictionLifted l && l.source().equals("estate:alpha") && l.now().equals("none")));
        assertThat(code(bad, "jobs")).isNull();
        assertThat(beta.stats()).containsEntry("restrict_restricted", 2L);
    }

    @Test
    void anEstateOpeningSessionAfterSessionIsRestrictedForChurnWhileOthersAreServed() throws Exception {
        // Each new session (an allow, signed) scores 1; joins are not scored (unsigned: anyone can send one claiming
        // any name). The churner renews its session every 100 ms: ten sessions a second, beyond the throttle level
        // of this class (5, a score that halves every second); alpha and gamma, one session each, stay free.
        RoadConfig churning = RoadConfig.defaults()
                .withSessionRenewal(Duration.ofMillis(100), 0);
        try (RoadStack churner = RoadStack.builder().name("churner").port(0)
                .config(churning).build()) {
            String hub = churner.join(beta.address()).get(10, TimeUnit.SECONDS);
            churner.allow(hub).get(10, TimeUnit.SECONDS);
            await("churner restricted", () -> events.stream().anyMatch(e -> e instanceof RouterEvent.Restricted r
                    && r.source().equals("estate:churner") && r.reason().equals("session_churn")));
            assertThat(churner.stats().get("session_renewed")).as("sessions opened before the restriction")
                    .isGreaterThanOrEqualTo(4);
            assertThat(beta.restrictions().restricted()).containsOnlyKeys("estate:churner");
            for (int i = 0; i < 10; i++) {
                assertThat(code(good, "jobs")).isNull();
            }
        }
    }

    @Test
    void aRoutersOwnRenewalsAreNotScoredAsTheRemotesChurn() throws Exception {
        // hub renews its sessions every 100 ms itself (its own setting): ten sessions a second with the estate quiet,
        // which renews nothing; at the levels of this class that would restrict quiet if hub scored them.
        Path lane = Files.createDirectories(tmp.resolve("hub"));
        List<RouterEvent> hubEvents = new CopyOnWriteArrayList<>();
        try (Router hub = Router.start(RouterConfig.builder("hub").port(0).laneDir(lane)
                .restrictions(Restrictions.Settings.defaults().withLevels(5, 12)
                        .withTimes(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .sessionRenewal(new SessionRenewal(Duration.ofMillis(100), 0)).build(), hubEvents::add);
                RoadStack quiet = RoadStack.builder().name("quiet").port(0)
                        .config(RoadConfig.defaults().withSessionRenewal(SessionRenewal.OFF))
                        .build()) {
            String name = quiet.join(hub.address()).get(10, TimeUnit.SECONDS);
            quiet.allow(name).get(10, TimeUnit.SECONDS);
            await("hub renewed ten times", () -> hub.road().stats().getOrDefault("session_renewed", 0L) >= 10);
            assertThat(hubEvents).noneMatch(e -> e instanceof RouterEvent.Restricted);
            assertThat(hub.restrictions().restricted()).isEmpty();
        }
    }

    @Test
    void aYardFloodingAServiceBeyondItsShareIsRestrictedAndItsErrorsArePaced() throws Exception {
        beta.close();
        Path lane = tmp.resolve("beta");
        beta = Router.start(RouterConfig.builder("beta").port(0).laneDir(lane).laneQueuePerSource(4)
                .refusalErrorRate(5).build(), events::add);
        try (io.raet.lane.core.UxdSocket deaf = io.raet.lane.core.UxdSocket.bind(lane.resolve("lane.deaf.uxd"));
                Yard flood = Yard.builder("flood").dir(lane).requestTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<FlowMessage>> asks = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                asks.add(flood.request(Address.of("", "deaf", "jobs"), i));
            }
            await("the flooding yard restricted", () -> events.stream().anyMatch(e -> e instanceof
                    RouterEvent.Restricted r && r.source().equals("yard:flood")));
            Thread.sleep(500);
            long answered = asks.stream().filter(f -> f.isCompletedExceptionally()
                    && f.exceptionNow() instanceof FlowException fe && fe.code() == ErrorCode.REFUSED).count();
            Map<String, Long> s = beta.stats();
            assertThat(s.get("errors_paced")).as("refusals not answered one by one").isPositive();
            assertThat(answered).as("errors answered within the budget").isLessThan(200);
            assertThat(s.get("restricted_refused")).as("refused before routing once restricted").isPositive();
            assertThat(s.get("forward_refused_lane") + s.get("restricted_refused")).isGreaterThan(1000);
        }
    }
}
