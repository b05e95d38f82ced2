package io.raet.adversary;

import io.raet.road.MessageOptions;
import io.raet.road.RoadStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What every attack needs: the settings, a work directory, and ways to start targets and peers. */
final class Context {
    static final Duration START = Duration.ofSeconds(20);
    static final Duration HANDSHAKE = Duration.ofSeconds(5);
    /** Memory a target process may use beyond its heap (metaspace, code, threads, native buffers). */
    static final long OVERHEAD_MB = 192;

    final Settings settings;
    final Path work;
    private final AtomicInteger seq = new AtomicInteger();

    Context(Settings settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    /** A fresh directory under the work directory. */
    Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name + "-" + seq.incrementAndGet()));
    }

    /** The bound on a target process's resident memory: its heap plus {@link #OVERHEAD_MB}. */
    long memoryBoundKb() {
        return (settings.heapMb() + OVERHEAD_MB) * 1024;
    }

    /** {@code raet listen} as a main estate named {@code target}, printing its counters every second. */
    ChildProcess listen(Path dir, String auto, Path keep, boolean echo, int port) throws Exception {
        List<String> args = new ArrayList<>(List.of("listen", "--name", "target", "--port", Integer.toString(port),
                "--auto", auto, "--stats", "1"));
        if (keep != null) {
            args.add("--keep");
            args.add(keep.toString());
        }
        if (echo) {
            args.add("--echo");
        }
        ChildProcess p = ChildProcess.raet("listen", dir, settings.heapMb(), args);
        p.awaitReady(START);
        return p;
    }

    static InetSocketAddress address(ChildProcess p) {
        Map<String, Object> r = p.ready();
        return new InetSocketAddress((String) r.get("host"), ((Number) r.get("port")).intValue());
    }

    /** A road estate of the suite on loopback. */
    static RoadStack.Builder estate(String name, String role) {
        return RoadStack.builder().name(name).role(role).host("127.0.0.1").port(0);
    }

    /** Joins and allows {@code stack} with the estate at {@code at}; returns the remote's name. */
    static String connect(RoadStack stack, InetSocketAddress at) throws Exception {
        String name = stack.join(at).get(HANDSHAKE.toMillis(), TimeUnit.MILLISECONDS);
        stack.allow(name).get(HANDSHAKE.toMillis(), TimeUnit.MILLISECONDS);
        return name;
    }

    /** Reads and discards every message {@code s} receives, so that its inbox does not grow; interrupt to stop. */
    static Thread drain(RoadStack s) {
        return Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    s.receive();
                }
            } catch (InterruptedException | IllegalStateException e) {
                // stopped or closed
            }
        });
    }

    /**
     * The legitimate peer's meter: {@code window} messages in flight to {@code remote}, each
     * {@code {"id": "<tag>-<n>", "n": n}} with a 3 s timeout.
     */
    Meter meter(RoadStack stack, String remote, String tag) {
        MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(3));
        return new Meter(tag, settings.window(), n -> stack.send(remote, Map.of("id", tag + "-" + n, "n", n), opts));
    }
}
