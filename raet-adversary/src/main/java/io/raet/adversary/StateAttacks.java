package io.raet.adversary;

import io.raet.road.MessageOptions;
import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Unbounded state at the application's edge (issue 10, finding 3): an application that stops reading. */
final class StateAttacks {
    /** Messages in flight from the flooding peer. */
    static final int FLOOD_WINDOW = 256;
    /** The flood lasts at least this long, whatever the run's setting. */
    static final Duration MIN_FLOOD = Duration.ofSeconds(5);

    private StateAttacks() {}

    static long unread(ChildProcess p) {
        Map<String, Object> m = p.statsLine();
        if (m.get("received") instanceof Number r && m.get("read") instanceof Number d) {
            return r.longValue() - d.longValue();
        }
        return -1;
    }

    /**
     * An application on the Java API stops reading while a peer floods it: the stack must stop taking messages
     * once its inbox is full (back pressure) instead of queueing without bound. The legitimate peer is measured
     * before (the application reads) and after (it reads again); during the attack nobody can get through, so
     * that rate is not judged.
     */
    static Row neverReading(Context c) throws Exception {
        Row row = new Row("3 application stops reading, peer floods", "Java API");
        try (ChildProcess target = ChildProcess.start("pausable", c.dir("unread"), c.settings.heapMb(),
                PausableEstate.class.getName(), List.of("target"))) {
            target.awaitReady(Context.START);
            InetSocketAddress at = Context.address(target);
            try (RoadStack legit = Context.estate("legit", "legit").build();
                    RoadStack flood = Context.estate("flood", "flood").build()) {
                String remote = Context.connect(legit, at);
                Context.connect(flood, at);
                long[] unread = new long[2];
                MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(3));
                try (Meter meter = c.meter(legit, remote, "unread")) {
                    Phases.run(c, row, target, meter, d -> {
                        // long enough for an inbox of some thousands to fill: the last quarter must see it full
                        long ms = Math.max(d.toMillis(), MIN_FLOOD.toMillis());
                        target.tell("pause");
                        try (Meter f = new Meter("flood", FLOOD_WINDOW,
                                n -> flood.send(remote, Map.of("flood", n, "pad", "x".repeat(400)), opts))) {
                            Thread.sleep(ms * 3 / 4);
                            unread[0] = unread(target);
                            Thread.sleep(ms / 4);
                            unread[1] = unread(target);
                        }
                        target.tell("resume");
                    });
                }
                row.counters("unread at 3/4 of the attack " + unread[0] + ", at its end " + unread[1]);
                if (unread[1] > unread[0] + Math.max(100, unread[0] / 20)) {
                    row.fail("the unread messages still grew from " + unread[0] + " to " + unread[1]
                            + " while nothing was read (no back pressure)");
                }
            }
            row.judgeRates(false).judgeMemory(c.memoryBoundKb());
            Phases.judgeAlive(row, target);
        }
        return row;
    }
}
