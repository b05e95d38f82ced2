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
        description = "Run a main estate: accept joins, print events and messages as JSON lines.")
final class ListenCommand implements Callable<Integer> {
    @Mixin
    EstateOptions estate;

    @Option(names = "--echo", description = "send every received message back to its sender")
    boolean echo;

    @Option(names = "--not-main", description = "run as a non-main estate (refuses vacuous joins)")
    boolean notMain;

    @Mixin
    MetricsOptions metricsOptions;

    @Override
    public Integer call() throws Exception {
        RoadStack stack = estate.builder("main", !notMain).build();
        CountDownLatch done = new CountDownLatch(1);
        stack.onEvent(e -> {
            if (!(e instanceof RoadEvent.Message)) {
                Json.line(System.out, Events.toJson(e));
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
            stack.close();
            done.countDown();
        }));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    RoadEvent.Message m = stack.receive();
                    Json.line(System.out, Events.toJson(m));
                    if (echo) {
                        stack.send(m.from(), m.body());
                    }
                }
            } catch (InterruptedException | IllegalStateException e) {
                // closed
            }
        });
        done.await();
        return 0;
    }
}
