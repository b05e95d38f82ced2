package io.raet.adversary;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A target process: a JVM on the harness's own class path ({@code raet listen}, {@code raet router} or
 * {@link PausableEstate}) whose stdout is JSON lines. Keeps its {@code ready} line, its latest {@code stats}, counts
 * the messages it printed by their body's {@code id} (to see a message delivered twice) and queues every other
 * event; stderr goes to a file that is searched for fatal errors.
 */
final class ChildProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every process started and not yet ended: ended when the suite exits, however it exits short of a kill. */
    private static final java.util.Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    final String name;
    final Process process;
    final Path stderr;
    private final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private final CountDownLatch eof = new CountDownLatch(1);
    private volatile Map<String, Object> ready;
    private volatile Map<String, Object> lastStats = Map.of();
    private volatile Map<String, Object> lastStatsLine = Map.of();
    private final List<String> other = new ArrayList<>();

    private ChildProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        Thread.ofPlatform().daemon().name("stdout-" + name).start(this::read);
    }

    /** Starts {@code mainClass args} in a JVM with a heap of {@code heapMb}; stderr goes to {@code dir/<name>.err}. */
    static ChildProcess start(String name, Path dir, int heapMb, String mainClass, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        return new ChildProcess(name, pb.start(), err);
    }

    /** The {@code raet} command line ({@code io.raet.cli.RaetCli}) with {@code args}. */
    static ChildProcess raet(String name, Path dir, int heapMb, List<String> args) throws IOException {
        return start(name, dir, heapMb, "io.raet.cli.RaetCli", args);
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                Map<String, Object> m;
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parsed = JSON.readValue(l, Map.class);
                    m = parsed;
                } catch (IOException | RuntimeException e) {
                    synchronized (other) {
                        if (other.size() < 200) {
                            other.add(l);
                        }
                    }
                    continue;
                }
                Object ev = m.get("event");
                if ("message".equals(ev)) {
                    messages.incrementAndGet();
                    if (m.get("body") instanceof Map<?, ?> body && body.get("id") instanceof String id) {
                        deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    }
                } else if ("stats".equals(ev)) {
                    lastStatsLine = m;
                    if (m.get("stats") instanceof Map<?, ?> s) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> st = (Map<String, Object>) s;
                        lastStats = st;
                    }
                } else {
                    if ("ready".equals(ev) && ready == null) {
                        ready = m;
                    }
                    events.add(m);
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            eof.countDown();
        }
    }

    /** Waits for the {@code ready} line; fails with the process's stderr when it ends or does not print it. */
    Map<String, Object> awaitReady(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (ready == null && System.nanoTime() < end) {
            if (eof.await(20, TimeUnit.MILLISECONDS) && ready == null) {
                break;
            }
        }
        if (ready == null) {
            throw new IOException(name + " did not start: " + stderrTail(800));
        }
        return ready;
    }

    /** The first event (other than messages and stats) matching {@code p} within {@code timeout}, or null. */
    Map<String, Object> await(Predicate<Map<String, Object>> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Map<String, Object> m = events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)),
                    TimeUnit.NANOSECONDS);
            if (m != null && p.test(m)) {
                return m;
            }
            if (m == null && eof.getCount() == 0 && events.isEmpty()) {
                return null;
            }
        }
    }

    Map<String, Object> ready() {
        return ready;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    long rssKb() {
        return Memory.rssKb(pid());
    }

    long peakKb() {
        return Memory.peakKb(pid());
    }

    /** Messages printed so far. */
    long messages() {
        return messages.get();
    }

    /** How many times the message with body {@code id} was printed (delivered). */
    int deliveries(String id) {
        AtomicInteger n = deliveries.get(id);
        return n == null ? 0 : n.get();
    }

    /** Ids printed more than once. */
    List<String> duplicates() {
        List<String> out = new ArrayList<>();
        deliveries.forEach((k, v) -> {
            if (v.get() > 1) {
                out.add(k);
            }
        });
        return out;
    }

    /** The latest counters the process printed ({@code {"event":"stats","stats":{...}}}), as numbers. */
    Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        lastStats.forEach((k, v) -> {
            if (v instanceof Number n) {
                out.put(k, n.longValue());
            }
        });
        return out;
    }

    /** The latest stats line itself (for fields beside the counters). */
    Map<String, Object> statsLine() {
        return lastStatsLine;
    }

    /** Writes a line to the process's stdin. */
    void tell(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    String stderrText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "";
        }
    }

    String stderrTail(int chars) {
        String s = stderrText().strip();
        return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
    }

    /** The first line of stderr that shows a thread died or the heap ran out, or null. */
    String fatal() {
        for (String l : stderrText().split("\n")) {
            if (l.contains("OutOfMemoryError") || l.startsWith("Exception in thread")
                    || l.contains("owner thread failed") || l.contains("StackOverflowError")) {
                return l.strip();
            }
        }
        return null;
    }

    /** Ends the process: SIGTERM, then SIGKILL after 5 s. Returns its exit status. */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            eof.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits for the process to end by itself; its exit status, or null when it still runs after {@code timeout}. */
    Integer exit(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            eof.await(2, TimeUnit.SECONDS);
            return process.exitValue();
        }
        return null;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
