package io.raet.cli;

import io.raet.keep.AutoMode;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A soak run between two estates: the sender sends messages of mixed sizes carrying their own digest, the
 * receiver checks every one arrives exactly once and intact.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Send (--send) or receive and verify (--receive) a run of messages of mixed sizes.")
final class SoakCommand implements Callable<Integer> {
    @Option(names = "--receive", description = "be the receiving main estate")
    boolean receive;

    @Option(names = "--send", description = "be the sender; needs --to")
    boolean send;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", defaultValue = "0")
    int port;

    @Option(names = "--to", description = "host:port of the receiver")
    String to;

    @Option(names = "--count", defaultValue = "1000")
    int count;

    @Option(names = "--max-size", defaultValue = "1048576", description = "largest message content in bytes")
    int maxSize;

    @Option(names = "--window", defaultValue = "32", description = "messages in flight")
    int window;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--timeout", defaultValue = "600", description = "seconds for the whole run")
    int timeout;

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Mostly small messages, some tens of KiB, a few up to {@code max} (segmented into hundreds of packets). */
    static int size(Random r, int max) {
        double p = r.nextDouble();
        if (p < 0.85) {
            return r.nextInt(Math.min(900, max) + 1);
        }
        if (p < 0.98) {
            return Math.min(max, 1000 + r.nextInt(64_000));
        }
        return Math.min(max, 100_000 + r.nextInt(Math.max(1, max - 100_000)));
    }

    @Override
    public Integer call() throws Exception {
        if (receive == send) {
            throw new IllegalArgumentException("give exactly one of --receive and --send");
        }
        return receive ? receiver() : sender();
    }

    private int receiver() throws Exception {
        try (RoadStack stack = RoadStack.builder().name("soakmain").main(true).host(host).port(port)
                .auto(AutoMode.ALWAYS).build()) {
            Json.line(System.out, Json.obj("event", "ready", "port", stack.address().getPort()));
            Set<Long> seen = new HashSet<>();
            int duplicates = 0;
            int corrupt = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(timeout);
            while (seen.size() < count && System.nanoTime() < end) {
                RoadEvent.Message m = stack.receive(Duration.ofMillis(500));
                if (m == null) {
                    continue;
                }
                long i = ((Number) m.body().get("i")).longValue();
                String content = (String) m.body().get("content");
                if (!sha256(content).equals(m.body().get("sha"))) {
                    corrupt++;
                } else if (!seen.add(i)) {
                    duplicates++;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            boolean ok = seen.size() == count && duplicates == 0 && corrupt == 0;
            Json.line(System.out, Json.obj("event", "soak_received", "ok", ok, "received", seen.size(), "expected",
                    count, "duplicates", duplicates, "corrupt", corrupt, "seconds", Math.round(secs * 10) / 10.0,
                    "stats", stack.stats()));
            // Linger so the last done answers are re-sent if they were lost.
            Thread.sleep(3000);
            return ok ? 0 : 1;
        }
    }

    private int sender() throws Exception {
        if (to == null) {
            throw new IllegalArgumentException("--send needs --to host:port");
        }
        InetSocketAddress target = SendCommand.parseAddress(to);
        try (RoadStack stack = RoadStack.builder().name("soaksender").host(host).port(port).auto(AutoMode.ALWAYS)
                .build()) {
            String remote = stack.join(target).get(60, TimeUnit.SECONDS);
            stack.allow(remote).get(60, TimeUnit.SECONDS);
            Random r = new Random(seed);
            Semaphore inFlight = new Semaphore(window);
            AtomicInteger delivered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(timeout));
            long start = System.nanoTime();
            CompletableFuture<?>[] all = new CompletableFuture<?>[count];
            for (int i = 0; i < count; i++) {
                StringBuilder sb = new StringBuilder();
                int n = size(r, maxSize);
                for (int k = 0; k < n; k++) {
                    sb.append((char) ('a' + r.nextInt(26)));
                }
                String content = sb.toString();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("i", (long) i);
                body.put("sha", sha256(content));
                body.put("content", content);
                inFlight.acquire();
                all[i] = stack.send(remote, body, opts).whenComplete((d, e) -> {
                    (e == null ? delivered : failed).incrementAndGet();
                    inFlight.release();
                });
            }
            CompletableFuture.allOf(all).handle((v, e) -> null).get(timeout, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - start) / 1e9;
            Json.line(System.out, Json.obj("event", "soak_sent", "ok", failed.get() == 0, "delivered", delivered.get(),
                    "failed", failed.get(), "seconds", Math.round(secs * 10) / 10.0, "stats", stack.stats()));
            return failed.get() == 0 ? 0 : 1;
        }
    }
}
