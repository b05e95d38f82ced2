package io.raet.cli;

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

    @Option(names = "--stats", description = "print the counters every this many seconds, 0: only at exit"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int statsEvery;

    @Override
    public Integer call() throws Exception {
        if (statsEvery < 0) {
            throw new IllegalArgumentException("--stats must be 0 or more seconds");
        }
        RoadStack stack = estate.builder("main", !notMain).build();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Json.line(System.out, Json.obj("event", "stats", "stats", stack.stats()));
            stack.close();
            done.countDown();
        }));
        stack.onEvent(e -> {
            if (!(e instanceof RoadEvent.Message)) {
                Json.line(System.out, Events.toJson(e));
            }
        });
        Json.line(System.out, Json.obj("event", "ready", "name", stack.name(), "host",
                stack.address().getAddress().getHostAddress(), "port", stack.address().getPort(), "verhex",
                stack.signingKey().verifyKey().hex(), "pubhex", stack.boxKeys().publicKey().hex()));
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
        Json.statsEvery(statsEvery, stack::stats);
        done.await();
        return 0;
    }
}
