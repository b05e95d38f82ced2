package io.raet.cli;

import io.raet.codec.Body;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.keep.AutoMode;
import io.raet.road.MessageOptions;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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

    @Option(names = "--size", defaultValue = "-1", description = "exact content size of every message (default: mixed)")
    int size;

    @Option(names = "--any", description = "receiver: count any message, without checking its digest")
    boolean any;

    @Option(names = "--name", description = "estate name")
    String name;

    @Option(names = "--warmup", defaultValue = "0",
            description = "sender: messages sent before the timed run, and a warm join+allow measured after them")
    int warmup;

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Option(names = "--burst", defaultValue = "-1",
            description = "sender: segments per burst of a large message (0: all at once; default: the stack's)")
    int burst;

    @Option(names = "--start-on-stdin",
            description = "sender: after join, allow and warm-up, print a `waiting` event and start the timed run"
                    + " when a line arrives on standard input (to start several senders together)")
    boolean startOnStdin;

    @Option(names = "--shards", defaultValue = "0",
            description = "owner threads of the estate (0: one per core, the stack's default)")
    int shards;

    @Option(names = "--crypto-threads", defaultValue = "0",
            description = "helper threads signing and checking signatures ahead of the owner threads (default 0)")
    int cryptoThreads;

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

    /**
     * Datagrams the road needs for one message when none is lost: 1, or the segment count of the reference's split
     * (the coat cut by the segment size of its unsegmented head). The head is built from the remote's ids as the
     * sender builds it; of the transaction id only its hex width matters, and {@code tid} is an estimate.
     */
    static int segments(Map<String, Object> body, long[] ids, long tid) throws PacketException {
        RoadConfig config = RoadConfig.defaults();
        int coat = Body.encode(config.bodyKind(), body).length + Coat.NACL_OVERHEAD;
        RoadHead head = new RoadHead().hk(config.headKind()).pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE)
                .se(ids[0]).de(ids[1]).si(ids[2]).ti(tid).bk(config.bodyKind()).ck(CoatKind.NACL).fk(FootKind.NACL);
        if (RoadCodec.headSize(head.copy().wf(true)) + coat + RoadCodec.footSize(FootKind.NACL)
                <= config.maxPacketSize()) {
            return 1;
        }
        return RoadCodec.segmentCount(coat, RoadCodec.segmentSize(head, config.maxPacketSize()));
    }

    /** The builder with {@code --shards} and {@code --crypto-threads} applied. */
    private RoadStack.Builder estate(RoadStack.Builder b) {
        return (shards > 0 ? b.shards(shards) : b).cryptoThreads(cryptoThreads);
    }

    @Override
    public Integer call() throws Exception {
        if (receive == send) {
            throw new IllegalArgumentException("give exactly one of --receive and --send");
        }
        return receive ? receiver() : sender();
    }

    private int receiver() throws Exception {
        try (RoadStack stack = estate(RoadStack.builder().name(name != null ? name : "soakmain").main(true))
                .host(host).port(port).auto(AutoMode.ALWAYS).build()) {
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
                if (seen.isEmpty() && duplicates == 0) {
                    start = System.nanoTime();
                }
                Object iv = m.body().get("i");
                if (iv instanceof Number num && num.longValue() < 0) {
                    continue;
                }
                if (any) {
                    seen.add((long) seen.size());
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
                    count, "duplicates", duplicates, "corrupt", corrupt, "seconds", Math.round(secs * 1000) / 1000.0,
                    "stats", stack.stats()));
            // Linger so the last done answers are re-sent if they were lost.
            Thread.sleep(3000);
            return ok ? 0 : 1;
        }
    }

    /** How many times the sender tries a join and allow that timed out (every try of one may be lost). */
    private static final int HANDSHAKE_ATTEMPTS = 3;

    /** Joins {@code target} and allows it, again after a handshake that timed out; returns the remote's name. */
    private static String handshake(RoadStack stack, InetSocketAddress target) throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                String remote = stack.join(target).get(60, TimeUnit.SECONDS);
                stack.allow(remote).get(60, TimeUnit.SECONDS);
                return remote;
            } catch (java.util.concurrent.ExecutionException e) {
                String reason = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                if (attempt >= HANDSHAKE_ATTEMPTS || !reason.contains("timeout")) {
                    throw e;
                }
                Json.line(System.out, Json.obj("event", "handshake_again", "attempt", attempt, "reason", reason));
            }
        }
    }

    private int sender() throws Exception {
        if (to == null) {
            throw new IllegalArgumentException("--send needs --to host:port");
        }
        InetSocketAddress target = SendCommand.parseAddress(to);
        try (RoadStack stack = estate(RoadStack.builder().name(name != null ? name : "soaksender")).host(host)
                .port(port).auto(AutoMode.ALWAYS).build()) {
            long j0 = System.nanoTime();
            String remote = handshake(stack, target);
            double joinAllowMs = (System.nanoTime() - j0) / 1e6;
            MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(timeout));
            if (burst >= 0) {
                opts = opts.withBurst(burst);
            }
            if (warmup > 0) {
                Random w = new Random(seed + 1);
                Semaphore win = new Semaphore(window);
                CompletableFuture<?>[] warm = new CompletableFuture<?>[warmup];
                for (int i = 0; i < warmup; i++) {
                    win.acquire();
                    warm[i] = stack.send(remote, Map.of("i", (long) -1 - i, "content",
                            "w".repeat(size >= 0 ? Math.min(size, 4096) : w.nextInt(900))), opts)
                            .whenComplete((d, e) -> win.release());
                }
                CompletableFuture.allOf(warm).handle((v, e) -> null).get(timeout, TimeUnit.SECONDS);
                try (RoadStack second = estate(RoadStack.builder().name(stack.name() + "2")).host(host).port(0)
                        .auto(AutoMode.ALWAYS).build()) {
                    long w0 = System.nanoTime();
                    handshake(second, target);
                    joinAllowMs = (System.nanoTime() - w0) / 1e6;
                }
            }
            if (startOnStdin) {
                Json.line(System.out, Json.obj("event", "waiting"));
                new BufferedReader(new InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                        .readLine();
            }
            long[] ids = stack.remote(remote).get(10, TimeUnit.SECONDS)
                    .map(rem -> new long[] {rem.uid(), rem.fuid(), rem.sid()}).orElseThrow();
            long segments = 0;
            Json.line(System.out, Json.obj("event", "timed_start", "stats", stack.stats()));
            long cpu0 = processCpuNanos();
            long[] latencies = new long[count];
            Random r = new Random(seed);
            Semaphore inFlight = new Semaphore(window);
            AtomicInteger delivered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
            long start = System.nanoTime();
            CompletableFuture<?>[] all = new CompletableFuture<?>[count];
            for (int i = 0; i < count; i++) {
                StringBuilder sb = new StringBuilder();
                int n = size >= 0 ? size : size(r, maxSize);
                for (int k = 0; k < n; k++) {
                    sb.append((char) ('a' + r.nextInt(26)));
                }
                String content = sb.toString();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("i", (long) i);
                body.put("sha", sha256(content));
                body.put("content", content);
                // (a body this small always fits one datagram; larger ones are measured without timing concerns)
                segments += n <= 700 ? 1 : segments(body, ids, i + 1);
                inFlight.acquire();
                final int idx = i;
                final long sentAt = System.nanoTime();
                all[i] = stack.send(remote, body, opts).whenComplete((d, e) -> {
                    latencies[idx] = System.nanoTime() - sentAt;
                    (e == null ? delivered : failed).incrementAndGet();
                    if (e != null) {
                        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        failures.merge(String.valueOf(cause.getMessage()), 1, Integer::sum);
                    }
                    inFlight.release();
                });
            }
            CompletableFuture.allOf(all).handle((v, e) -> null).get(timeout, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - start) / 1e9;
            long[] sorted = latencies.clone();
            java.util.Arrays.sort(sorted);
            Json.line(System.out, Json.obj("event", "soak_sent", "ok", failed.get() == 0, "delivered", delivered.get(),
                    "failed", failed.get(), "failures", failures, "seconds", Math.round(secs * 1000) / 1000.0, "join_allow_ms",
                    Math.round(joinAllowMs * 100) / 100.0, "p50_us", sorted[sorted.length / 2] / 1000,
                    "p99_us", sorted[(int) (sorted.length * 0.99)] / 1000, "cpu_seconds",
                    (processCpuNanos() - cpu0) / 1e9, "segments", segments, "stats", stack.stats()));
            return failed.get() == 0 ? 0 : 1;
        }
    }
}
