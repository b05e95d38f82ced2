package io.raet.adversary;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.road.RoadStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Join floods (issue 10, finding 3): join requests from many loopback addresses, each with its own name, role and
 * keys, left half-open or completed with the joiner's acknowledgement. A join proves nothing (it is neither signed
 * nor encrypted), so the target's keep must not grow from it.
 */
final class JoinAttacks {
    /** How long a completed join waits for the target's answer. */
    static final Duration ANSWER_WAIT = Duration.ofMillis(1500);

    private JoinAttacks() {}

    /** The {@code i}-th source host of a flood: 127.1.x.y (the whole of 127/8 reaches the loopback interface). */
    static InetAddress host(int i) throws java.net.UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 1, (byte) (i / 250), (byte) (i % 250 + 1)});
    }

    /** Public keys of a fresh identity: {@code [verhex, pubhex]}. */
    static String[] keys() {
        return new String[] {SigningKey.generate().verifyKey().hex(), BoxKeyPair.generate().publicKey().hex()};
    }

    static Row flood(Context c, boolean complete) throws Exception {
        int n = c.settings.joinFlood();
        int hosts = c.settings.joinHosts();
        Row row = new Row("3 " + (complete ? "completed" : "half-open") + " join flood, " + n + " joins", "listen");
        Path dir = c.dir(complete ? "joins-done" : "joins-open");
        Path keep = dir.resolve("keep");
        try (ChildProcess target = c.listen(dir, "once", keep, false, 0);
                RoadStack legit = Context.estate("legit", "legit").build()) {
            InetSocketAddress at = Context.address(target);
            String remote = Context.connect(legit, at);
            String[][] ids = new String[n][];
            for (int i = 0; i < n; i++) {
                ids[i] = keys();
            }
            Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
            long files0;
            long bytes0;
            try (Meter meter = c.meter(legit, remote, "joins")) {
                Thread.sleep(200);
                files0 = KeepFiles.count(keep);
                bytes0 = KeepFiles.bytes(keep);
                Phases.run(c, row, target, meter, d -> {
                    long pause = d.toNanos() / Math.max(1, n / hosts);
                    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                        List<Future<?>> all = new ArrayList<>();
                        for (int h = 0; h < hosts; h++) {
                            int host = h;
                            all.add(pool.submit(() -> {
                                joinsFrom(host, hosts, n, ids, at, complete, pause, answers);
                                return null;
                            }));
                        }
                        for (Future<?> f : all) {
                            f.get();
                        }
                    }
                });
            }
            long files1 = KeepFiles.count(keep);
            long bytes1 = KeepFiles.bytes(keep);
            row.counters("answers " + new java.util.TreeMap<>(answers) + "; keep " + files0 + " -> " + files1
                    + " files (" + Phases.bytes(bytes0) + " -> " + Phases.bytes(bytes1) + ")");
            if (files1 > files0) {
                row.fail("the keep grew by " + (files1 - files0) + " files (" + Phases.bytes(bytes1 - bytes0)
                        + ") from unauthenticated joins");
            }
            SegmentAttacks.finish(c, row, target);
        }
        return row;
    }

    /**
     * The joins of one source host (every {@code hosts}-th of the {@code n}), one every {@code pauseNanos}; a completed
     * join has a socket of its own and waits for its answer on a virtual thread of its own.
     */
    private static void joinsFrom(int host, int hosts, int n, String[][] ids, InetSocketAddress at, boolean complete,
            long pauseNanos, Map<String, AtomicInteger> answers) throws Exception {
        InetAddress from = host(host);
        try (JoinClient shared = complete ? null : new JoinClient(from, at);
                ExecutorService waits = Executors.newVirtualThreadPerTaskExecutor()) {
            long next = System.nanoTime();
            for (int i = host; i < n; i += hosts) {
                int j = i;
                if (complete) {
                    waits.submit(() -> {
                        try (JoinClient one = new JoinClient(from, at)) {
                            JoinClient.Answer a = one.join(j + 1, 1, "joiner" + j, false, ids[j][0], ids[j][1],
                                    "role" + j, ANSWER_WAIT, true);
                            answers.computeIfAbsent(a.kind(), k -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    });
                } else {
                    shared.request(j + 1, 1, "joiner" + j, ids[j][0], ids[j][1], "role" + j);
                    answers.computeIfAbsent("sent", k -> new AtomicInteger()).incrementAndGet();
                }
                next += pauseNanos;
                long left = next - System.nanoTime();
                if (left > 0) {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        }
    }
}
