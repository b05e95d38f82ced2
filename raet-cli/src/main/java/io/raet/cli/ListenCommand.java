package io.raet.cli;

import io.raet.metrics.RoadMetrics;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs a main estate that accepts joins and prints what happens; optionally echoes every message back. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Run a main estate: accept joins, print events and messages as JSON lines.",
            "Every road event is a line (join_pending: a join waiting for an operator, see raet keep accept); a"
                    + " failure repeating for one peer is printed once, then once per 10 s with its count."})
final class ListenCommand implements Callable<Integer> {
    @Mixin
    EstateOptions estate;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--echo", description = "send every received message back to its sender (default: off)")
    boolean echo;

    @Option(names = "--not-main", description = "run as a non-main estate, which refuses vacuous joins"
            + " (default: main)")
    boolean notMain;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--stats", description = "print the counters every this many seconds, 0: only at exit"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int statsEvery;

    @Override
    public Integer call() throws Exception {
        configOption.apply();
        if (statsEvery < 0) {
            throw new IllegalArgumentException("--stats must be 0 or more seconds");
        }
        RoadStack stack = EstateOptions.open(estate.builder("main", !notMain));
        CountDownLatch done = new CountDownLatch(1);
        EventPrinter printer = EventPrinter.started(System.out);
        stack.onEvent(e -> {
            if (!(e instanceof RoadEvent.Message)) {
                printer.print(Events.toJson(e));
            }
        });
        Json.line(System.out, Json.obj("event", "ready", "name", stack.name(), "host",
                stack.address().getAddress().getHostAddress(), "port", stack.address().getPort(), "verhex",
                stack.signingKey().verifyKey().hex(), "pubhex", stack.boxKeys().publicKey().hex()));
        MetricsServer metrics = metricsOptions.start(new RoadMetrics(stack), stack);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (metrics != null) {
                metrics.close();
            }
            Json.line(System.out, Json.obj("event", "stats", "stats", stack.stats()));
            stack.close();
            printer.close();
            done.countDown();
        }));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    RoadEvent.Message m = stack.receive();
                    printer.print(Events.toJson(m));
                    if (echo) {
                        stack.send(m.from(), m.body());
                    }
                }
            } catch (InterruptedException | IllegalStateException e) {
                // closed
            }
        });
        Json.statsEvery(statsEvery, stack::stats);
        Json.statsEvery(statsEvery, stack::stats);
        done.await();
        return 0;
    }
}
