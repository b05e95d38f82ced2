package io.raet.bench;

import io.raet.keep.AutoMode;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-in in one process on loopback: k senders (one owner thread each) to one receiving estate, 100 B messages with
 * a window in flight per sender, started together after a warm-up. Prints, per k, the receiver's messages per second
 * (first timed message to last), the CPU its threads (owners and reader) spent per message, and how that CPU split
 * over them (microseconds per message, by thread: the owner threads by shard number, the reader).
 *
 * <p>Senders and receiver share the machine's cores: with fewer cores than busy threads the rate is what the cores
 * give, and the receiver's CPU per message is the figure that compares one driver with another.
 *
 * <pre>
 * java -cp … io.raet.bench.FanIn [--ks 1,2,4] [--count 2000] [--window 64] [--shards N] [--sender-shards 1]
 *     [--warmup 500] [--rounds 1]
 * </pre>
 */
public final class FanIn {
    private FanIn() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int count = Integer.parseInt(a.getOrDefault("count", "2000"));
        int window = Integer.parseInt(a.getOrDefault("window", "64"));
        int shards = Integer.parseInt(a.getOrDefault("shards", String.valueOf(
                Runtime.getRuntime().availableProcessors())));
        int senderShards = Integer.parseInt(a.getOrDefault("sender-shards", "1"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "500"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "1"));
        System.out.printf("# fan-in: %d cores, receiver shards %d, sender shards %d, %d x 100 B per sender, "
                + "%d in flight%n", Runtime.getRuntime().availableProcessors(), shards, senderShards, count, window);
        for (int r = 0; r < rounds; r++) {
            for (String k : a.getOrDefault("ks", "1,2,4").split(",")) {
                Result res = run(Integer.parseInt(k.trim()), count, window, shards, senderShards, warmup);
                System.out.printf("k=%d  %8.0f msgs/s at the receiver  %6.1f us receiver CPU per message  %s%n",
                        res.k, res.rate, res.cpuMicrosPerMessage, res.split);
            }
        }
    }

    record Result(int k, double rate, double cpuMicrosPerMessage, Map<String, String> split) {}

    static Result run(int k, int count, int window, int shards, int senderShards, int warmup) throws Exception {
        String body = "x".repeat(100);
        MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(120));
        try (RoadStack recv = RoadStack.builder().name("recv").main(true).host("127.0.0.1").port(0)
                .auto(AutoMode.ALWAYS).shards(shards).build()) {
            List<RoadStack> senders = new ArrayList<>();
            try {
                for (int i = 0; i < k; i++) {
                    RoadStack s = RoadStack.builder().name("send" + i).host("127.0.0.1").port(0)
                            .auto(AutoMode.ALWAYS).shards(senderShards).build();
                    senders.add(s);
                    String remote = s.join(recv.address()).get(60, TimeUnit.SECONDS);
                    s.allow(remote).get(60, TimeUnit.SECONDS);
                }
                int expected = k * (warmup + count);
                AtomicInteger timed = new AtomicInteger();
                long[] firstLast = new long[2];
                CountDownLatch done = new CountDownLatch(1);
                Thread consumer = Thread.ofPlatform().name("fanin-consumer").start(() -> {
                    try {
                        for (int n = 0; n < expected; n++) {
                            RoadEvent.Message m = recv.receive(Duration.ofSeconds(120));
                            if (m == null) {
                                return;
                            }
                            if (((Number) m.body().get("i")).longValue() >= 0) {
                                long now = System.nanoTime();
                                if (timed.getAndIncrement() == 0) {
                                    firstLast[0] = now;
                                }
                                firstLast[1] = now;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
                // Warm-up, then the timed run with every sender started at once.
                send(senders, warmup, window, body, opts, true);
                Map<String, Long> cpu0 = cpu("raet-road-recv");
                send(senders, count, window, body, opts, false);
                if (!done.await(300, TimeUnit.SECONDS) || timed.get() != k * count) {
                    throw new IllegalStateException("received " + timed.get() + " of " + k * count);
                }
                Map<String, Long> cpu1 = cpu("raet-road-recv");
                consumer.join();
                double seconds = (firstLast[1] - firstLast[0]) / 1e9;
                long total = 0;
                Map<String, String> split = new TreeMap<>();
                for (Map.Entry<String, Long> e : cpu1.entrySet()) {
                    long d = e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
                    total += d;
                    String owner = e.getKey().substring("raet-road-recv".length()).replaceFirst("^-", "");
                    split.put(owner.isEmpty() ? "owner" : owner, String.format("%.1f", d / 1e3 / (k * count)));
                }
                return new Result(k, k * count / seconds, total / 1e3 / (k * count), split);
            } finally {
                for (RoadStack s : senders) {
                    s.close();
                }
            }
        }
    }

    /** Each sender sends {@code n} messages with {@code window} in flight; waits for all to be delivered. */
    private static void send(List<RoadStack> senders, int n, int window, String body,
            MessageOptions opts, boolean warmup) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (RoadStack s : senders) {
            threads.add(Thread.ofPlatform().name("fanin-" + s.name()).start(() -> {
                try {
                    Semaphore inFlight = new Semaphore(window);
                    CompletableFuture<?>[] all = new CompletableFuture<?>[n];
                    start.await();
                    for (int i = 0; i < n; i++) {
                        inFlight.acquire();
                        all[i] = s.send("recv", Map.of("i", warmup ? -1L - i : (long) i, "content", body), opts)
                                .whenComplete((d, e) -> inFlight.release());
                    }
                    CompletableFuture.allOf(all).get(300, TimeUnit.SECONDS);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a sender failed", failures.get(0));
        }
    }

    /** CPU nanoseconds of the live threads whose name starts with {@code prefix}, by name. */
    private static Map<String, Long> cpu(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long c = mx.getThreadCpuTime(t.threadId());
                if (c >= 0) {
                    out.put(t.getName(), c);
                }
            }
        }
        return out;
    }
}
