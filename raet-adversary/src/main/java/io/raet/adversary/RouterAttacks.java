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
 * Each service takes {@value #SERVICE_MILLIS} ms per request (about 1,000 a second); the flood sends
 * {@value #FLOOD_RATE} requests a second, eight times what its service can answer. (A flood at whatever speed the
 * flooding process reaches would mostly measure how the machine's cores are shared between the processes, all on the
 * same host: the router cannot stop a local process from using a core.) Asking another service, the measuring yard
 * keeps {@code window} requests in flight; asking the flooded service itself, it asks one at a time: its demand is
 * then below its fair share of that service (the service answers its senders in turns), so fairness lets it keep
 * more than half its rate; with a window it would compete for the whole service and get exactly the half.
 */
final class RouterAttacks {
    /** Requests the flooding yard keeps queued in its own lane stack. */
    static final int FLOOD_WINDOW = 512;
    /** Requests a second of the flood. */
    static final int FLOOD_RATE = 8000;
    /** What a service spends on one request. */
    static final int SERVICE_MILLIS = 1;

    private RouterAttacks() {}

    static Row laneFlood(Context c, boolean sameService) throws Exception {
        String measured = sameService ? "svc" : "svc2";
        Row row = new Row("3 router: a yard floods svc, another asks " + measured
                + (sameService ? " (one at a time)" : ""), "router");
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
                svc.serve("jobs", RouterAttacks::work);
                svc2.serve("jobs", RouterAttacks::work);
                Address target = Address.of("", measured, "jobs");
                asker.request(target, "warm-up").get(5, TimeUnit.SECONDS);
                Map<String, Long> before = router.stats();
                long[] sent = new long[1];
                int window = sameService ? 1 : c.settings.window();
                try (Meter meter = new Meter("asker", window, n -> asker.request(target, n))) {
                    Phases.run(c, row, router, meter, d -> sent[0] = flood(flood, d));
                }
                Map<String, Long> after = router.stats();
                row.counters("flood sent " + sent[0] + " reqs; " + Phases.delta(before, after, "route_to_lane",
                        "route_errors_sent", "forward_failed_lane", "lane_busy_transmit_yard", "lane_tx_queue_full",
                        "lane_inbox_source_full", "forward_refused_lane", "restricted_refused", "errors_paced"));
            }
            SegmentAttacks.finish(c, row, router);
        }
        return row;
    }

    /** A service's answer: the request's data, after {@value #SERVICE_MILLIS} ms of work. */
    static Object work(Object data) {
        try {
            Thread.sleep(SERVICE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return data;
    }

    /** Sends {@value #FLOOD_RATE} requests a second to {@code ["", "svc", "jobs"]}, in bursts every 10 ms. */
    private static long flood(LaneStack lane, Duration d) throws InterruptedException {
        Semaphore window = new Semaphore(FLOOD_WINDOW);
        long start = System.nanoTime();
        long end = start + d.toNanos();
        long n = 0;
        Address src = Address.of("", "flood");
        Address dst = Address.of("", "svc", "jobs");
        while (System.nanoTime() < end) {
            long due = (System.nanoTime() - start) * FLOOD_RATE / 1_000_000_000L;
            while (n < due && window.tryAcquire()) {
                FlowMessage m = FlowMessage.builder(Kind.REQ, src, dst).id("f" + n++).data(n).build();
                lane.send("router", m.toBody()).whenComplete((v, ex) -> window.release());
            }
            Thread.sleep(10);
        }
        return n;
    }
}
