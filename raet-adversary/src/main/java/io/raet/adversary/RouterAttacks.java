package io.raet.adversary;

import io.raet.lane.LaneStack;
import io.raet.route.Address;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.router.Yard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A router process with yards (issue 10, finding 3): one admitted yard floods requests to a service yard while
 * another yard measures its own requests through the same router, to another service yard or to the same one.
 */
final class RouterAttacks {
    /** Requests the flooding yard keeps queued in its own lane stack. */
    static final int FLOOD_WINDOW = 512;

    private RouterAttacks() {}

    static Row laneFlood(Context c, boolean sameService) throws Exception {
        String measured = sameService ? "svc" : "svc2";
        Row row = new Row("3 router: a yard floods svc, another asks " + measured, "router");
        Path dir = c.dir("router");
        Path lane = java.nio.file.Files.createDirectories(dir.resolve("lane"));
        try (ChildProcess router = ChildProcess.raet("router", dir, c.settings.heapMb(), List.of("router", "--name",
                "hub", "--port", "0", "--lane-dir", lane.toString(), "--stats", "1"))) {
            router.awaitReady(Context.START);
            try (Yard svc = Yard.builder("svc").dir(lane).requestTimeout(Duration.ofSeconds(3)).build();
                    Yard svc2 = Yard.builder("svc2").dir(lane).requestTimeout(Duration.ofSeconds(3)).build();
                    Yard asker = Yard.builder("asker").dir(lane).requestTimeout(Duration.ofSeconds(3)).build();
                    LaneStack flood = LaneStack.builder().lane("lane").name("flood").dir(lane).allowOnly("router")
                            .yards("router").build()) {
                svc.serve("jobs", d -> d);
                svc2.serve("jobs", d -> d);
                Address target = Address.of("", measured, "jobs");
                asker.request(target, "warm-up").get(5, TimeUnit.SECONDS);
                Map<String, Long> before = router.stats();
                long[] sent = new long[1];
                try (Meter meter = new Meter("asker", c.settings.window(), n -> asker.request(target, n))) {
                    Phases.run(c, row, router, meter, d -> sent[0] = flood(flood, d));
                }
                Map<String, Long> after = router.stats();
                row.counters("flood sent " + sent[0] + " reqs; " + Phases.delta(before, after, "route_to_lane",
                        "route_errors_sent", "forward_failed_lane", "lane_busy_transmit_yard", "lane_queue*",
                        "lane_tx*"));
            }
            SegmentAttacks.finish(c, row, router);
        }
        return row;
    }

    /** Sends requests to {@code ["", "svc", "jobs"]} as fast as the flooding yard's stack takes them. */
    private static long flood(LaneStack lane, Duration d) throws InterruptedException {
        Semaphore window = new Semaphore(FLOOD_WINDOW);
        long end = System.nanoTime() + d.toNanos();
        long n = 0;
        Address src = Address.of("", "flood");
        Address dst = Address.of("", "svc", "jobs");
        while (System.nanoTime() < end) {
            if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                continue;
            }
            FlowMessage m = FlowMessage.builder(Kind.REQ, src, dst).id("f" + n++).data(n).build();
            lane.send("router", m.toBody()).whenComplete((v, ex) -> window.release());
        }
        return n;
    }
}
