package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.lane.LaneFaults;
import io.raet.lane.LaneStack;
import io.raet.lane.core.UxdSocket;
import io.raet.road.RoadStack;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One router in this process with a temp lane: the yard {@code flood} sends requests to the service yard {@code svc}
 * as fast as its stack takes them, while the yard {@code asker} asks {@code svc2} or {@code svc}. The asker keeps
 * getting through during the flood and fully after it; the router's queues stay within their bounds and the bounds
 * are counted when hit. A lane that fails closes the router loudly; forwarding to an estate is bounded too.
 */
@Timeout(90)
class RouterFairnessTest {
    static final int QUEUE = 64;
    static final int PER_SOURCE = 16;

    @TempDir
    Path lane;

    Router router;
    Yard svc;
    Yard svc2;
    Yard asker;
    LaneStack flood;
    final AtomicBoolean flooding = new AtomicBoolean();
    final AtomicLong flooded = new AtomicLong();
    final AtomicInteger maxQueued = new AtomicInteger();
    Thread floodThread;
    Thread sampler;

    @BeforeEach
    void start() throws Exception {
        router = Router.start(RouterConfig.builder("hub").port(0).laneDir(lane).laneQueue(QUEUE)
                .laneQueuePerSource(PER_SOURCE).build());
        svc = Yard.builder("svc").dir(lane).requestTimeout(Duration.ofSeconds(5)).build();
        svc2 = Yard.builder("svc2").dir(lane).requestTimeout(Duration.ofSeconds(5)).build();
        asker = Yard.builder("asker").dir(lane).requestTimeout(Duration.ofSeconds(5)).build();
        svc.serve("jobs", d -> d);
        svc2.serve("jobs", d -> d);
        flood = LaneStack.builder().lane("lane").name("flood").dir(lane).allowOnly("router").yards("router").build();
    }

    @AfterEach
    void stop() throws Exception {
        flooding.set(false);
        if (floodThread != null) {
            floodThread.join(5000);
        }
        if (sampler != null) {
            sampler.interrupt();
        }
        for (AutoCloseable c : new AutoCloseable[] {flood, asker, svc2, svc, router}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** The flooding yard: requests to svc, 512 in its own stack at most, until told to stop. */
    void startFlood() {
        flooding.set(true);
        floodThread = Thread.ofPlatform().daemon().name("flood").start(() -> {
            Semaphore window = new Semaphore(512);
            Address src = Address.of("", "flood");
            Address dst = Address.of("", "svc", "jobs");
            while (flooding.get()) {
                try {
                    if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                long n = flooded.incrementAndGet();
                FlowMessage m = FlowMessage.builder(Kind.REQ, src, dst).id("f" + n).data(n).build();
                flood.send("router", m.toBody()).whenComplete((v, ex) -> window.release());
            }
        });
        sampler = Thread.ofVirtual().start(() -> {
            while (true) {
                maxQueued.accumulateAndGet(router.lane().queued("svc"), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Requests one after the other for {@code d}; the number answered (a failure fails the test). */
    int askFor(Address dst, Duration d) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        int ok = 0;
        while (System.nanoTime() < end) {
            FlowMessage rsp = asker.request(dst, ok).get(10, TimeUnit.SECONDS);
            assertThat(rsp.data()).isEqualTo((long) ok);
            ok++;
        }
        return ok;
    }

    @Test
    void aFloodingYardDoesNotStarveAYardAskingAnotherService() throws Exception {
        Address other = Address.of("", "svc2", "jobs");
        int before = askFor(other, Duration.ofMillis(500));
        startFlood();
        Thread.sleep(300);
        int during = askFor(other, Duration.ofMillis(1500));
        long sentDuringFlood = flooded.get();
        flooding.set(false);
        floodThread.join(5000);
        int after = askFor(other, Duration.ofMillis(500));
        assertThat(before).isPositive();
        assertThat(during).as("answered during the flood").isPositive();
        assertThat(after).as("answered after the flood").isPositive();
        assertThat(sentDuringFlood).isGreaterThan(QUEUE * 4L);
        assertThat(maxQueued.get()).as("the router's queue to svc").isLessThanOrEqualTo(QUEUE);
        Map<String, Long> stats = router.stats();
        assertThat(stats.get("forward_refused_lane")).as("bounds hit and counted").isPositive();
        assertThat(stats.get("lane_tx_queue_full")).isEqualTo(stats.get("forward_refused_lane"));
    }

    @Test
    void aFloodingYardDoesNotStarveAnotherYardAskingTheSameService() throws Exception {
        Address same = Address.of("", "svc", "jobs");
        startFlood();
        Thread.sleep(300);
        int during = askFor(same, Duration.ofMillis(1500));
        flooding.set(false);
        floodThread.join(5000);
        assertThat(during).as("answered during the flood").isPositive();
        assertThat(askFor(same, Duration.ofMillis(500))).as("answered after the flood").isPositive();
        assertThat(maxQueued.get()).isLessThanOrEqualTo(QUEUE);
    }

    @Test
    void aYardBeyondItsShareOfAQueueIsAnsweredWithAnError() throws Exception {
        // a router whose inbox takes the whole burst, and a service yard that never reads; the bounds alone (a burst
        // of 1,000 requests nobody answers is restricted otherwise: RouterRestrictionTest)
        router.close();
        svc.close();
        router = Router.start(RouterConfig.builder("hub").port(0).laneDir(lane).laneQueue(QUEUE)
                .laneQueuePerSource(PER_SOURCE).restrictions(io.raet.trust.Restrictions.Settings.off()).build());
        try (io.raet.lane.core.UxdSocket deaf = io.raet.lane.core.UxdSocket.bind(lane.resolve("lane.svc.uxd"))) {
            int n = 1000; // beyond the kernel's queue of any common net.unix.max_dgram_qlen and the router's bound
            List<CompletableFuture<FlowMessage>> asks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                asks.add(asker.request(Address.of("", "svc", "jobs"), i, Duration.ofSeconds(60)));
            }
            // refusals come back at once; what the yard's socket and the router's queue took waits
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long last = -1;
            while (System.nanoTime() < end) {
                long now = router.stats().getOrDefault("forward_refused_lane", 0L);
                if (now == last && now > 0) {
                    break;
                }
                last = now;
                Thread.sleep(200);
            }
            int refused = 0;
            for (CompletableFuture<FlowMessage> f : asks) {
                if (f.isCompletedExceptionally()) {
                    FlowException fe = (FlowException) f.exceptionNow();
                    assertThat(fe.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(fe.getMessage()).contains("full");
                    refused++;
                }
            }
            assertThat(router.lane().queued("svc")).isLessThanOrEqualTo(PER_SOURCE);
            assertThat(router.stats().get("forward_refused_lane")).isGreaterThanOrEqualTo(n - 512 - PER_SOURCE);
            // most refusals come back as errors (some errors may themselves not fit in the queue to the asker:
            // the router's own share of it; they are counted among the refusals, and those requests time out)
            assertThat(refused).isGreaterThan(PER_SOURCE);
        }
    }

    @Test
    void messagesInFlightToAnEstateAreBounded() throws Exception {
        router.close();
        router = Router.start(RouterConfig.builder("hub").port(0).laneDir(lane).roadInFlight(2).build());
        try (RoadStack peer = RoadStack.builder().name("peer").host("127.0.0.1").port(0).build()) {
            String hub = peer.join(router.address()).get(10, TimeUnit.SECONDS);
            peer.allow(hub).get(10, TimeUnit.SECONDS);
        }
        // the peer is gone: what the router forwards to it stays unacknowledged
        List<CompletableFuture<FlowMessage>> asks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            asks.add(asker.request(Address.of("peer", "x", "y"), i, Duration.ofSeconds(20)));
        }
        int refused = 0;
        for (CompletableFuture<FlowMessage> f : asks.subList(2, 6)) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).hasMessageContaining("in flight");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(4);
        assertThat(router.stats()).containsEntry("forward_refused_road", 4L);
    }

    @Test
    void aLaneThatFailsClosesTheRouterLoudly() throws Exception {
        LaneFaults.failOnNextMessage(router.lane(), new OutOfMemoryError("injected"));
        asker.send(Address.of("", "svc", "jobs"), "anything");
        CompletableFuture.runAsync(() -> {
            try {
                router.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(router.failure()).isInstanceOf(OutOfMemoryError.class);
        assertThat(router.lane().failure()).isInstanceOf(OutOfMemoryError.class);
    }
}
