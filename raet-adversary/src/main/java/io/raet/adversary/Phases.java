package io.raet.adversary;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Before, during and after: the legitimate peer's rate in each phase and the target's resident memory throughout
 * (sampled every 50 ms; the peak is the larger of the samples and the kernel's {@code VmHWM}).
 */
final class Phases {
    /** An attack that lasts as long as it is told. */
    interface Attack {
        void run(Duration during) throws Exception;
    }

    private Phases() {}

    /**
     * Warms the peer up, measures {@code before}, runs {@code attack} for {@code during} while measuring, waits
     * {@code settle}, measures {@code after}; fills the row's rates and memory ({@code target} may be null when the
     * target is in this process).
     */
    static void run(Context c, Row row, ChildProcess target, Meter legit, Attack attack) throws Exception {
        Settings s = c.settings;
        try (Sampler mem = target == null ? null : new Sampler(target.pid())) {
            warmUp(legit, s.warmup());
            row.rssBeforeKb = target == null ? -1 : target.rssKb();
            double before = legit == null ? Double.NaN : legit.measure(s.before());
            Meter.Span span = legit == null ? null : legit.span();
            long t0 = System.nanoTime();
            attack.run(s.during());
            long left = s.during().toNanos() - (System.nanoTime() - t0);
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
            double during = span == null ? Double.NaN : span.rate();
            Meter.sleep(s.settle());
            double after = legit == null ? Double.NaN : legit.measure(s.after());
            row.rates(before, during, after);
            if (target != null) {
                row.rssAfterKb = target.alive() ? target.rssKb() : -1;
                row.rssPeakKb = Math.max(mem.max(), target.alive() ? target.peakKb() : -1);
            }
        }
    }

    /**
     * Lets the peer run until its rate is steady (three windows of 250 ms within 20 % of each other), at most
     * {@code max}: a target fresh from its start is still compiling its hot paths.
     */
    static void warmUp(Meter legit, Duration max) throws InterruptedException {
        if (legit == null) {
            Meter.sleep(max);
            return;
        }
        long end = System.nanoTime() + max.toNanos();
        double[] last = {-1, -1, -1};
        int i = 0;
        while (System.nanoTime() < end) {
            last[i++ % 3] = legit.measure(Duration.ofMillis(250));
            double lo = Math.min(last[0], Math.min(last[1], last[2]));
            double hi = Math.max(last[0], Math.max(last[1], last[2]));
            if (lo > 0 && hi <= 1.2 * lo) {
                return;
            }
        }
    }

    /** The target still answers and no thread of it died: the process runs and its stderr shows no fatal error. */
    static void judgeAlive(Row row, ChildProcess target) {
        if (!target.alive()) {
            row.fail("the target process ended (" + target.stderrTail(200) + ")");
            return;
        }
        String fatal = target.fatal();
        if (fatal != null) {
            row.fail("the target reported: " + (fatal.length() > 160 ? fatal.substring(0, 160) + "…" : fatal));
        }
    }

    /** {@code key +delta} for each key whose value changed between {@code a} and {@code b}, in key order. */
    static String delta(Map<String, Long> a, Map<String, Long> b, String... keys) {
        StringJoiner j = new StringJoiner(", ");
        for (String k : keys) {
            if (k.endsWith("*")) {
                String prefix = k.substring(0, k.length() - 1);
                Map<String, Long> sorted = new TreeMap<>(b);
                sorted.forEach((key, v) -> {
                    if (key.startsWith(prefix)) {
                        long d = v - a.getOrDefault(key, 0L);
                        if (d != 0) {
                            j.add(key + " +" + d);
                        }
                    }
                });
                continue;
            }
            long d = b.getOrDefault(k, 0L) - a.getOrDefault(k, 0L);
            if (d != 0) {
                j.add(k + " +" + d);
            }
        }
        return j.toString();
    }

    static String bytes(long n) {
        if (n >= 10L << 20) {
            return String.format(Locale.ROOT, "%.0f MB", n / 1e6);
        }
        if (n >= 10L << 10) {
            return String.format(Locale.ROOT, "%.0f KB", n / 1e3);
        }
        return n + " B";
    }

    /** Samples a process's resident memory until closed. */
    static final class Sampler implements AutoCloseable {
        private final long pid;
        private final Thread thread;
        private volatile long max = -1;
        private volatile boolean running = true;

        Sampler(long pid) {
            this.pid = pid;
            this.thread = Thread.ofPlatform().daemon().name("rss-" + pid).start(() -> {
                while (running) {
                    long kb = Memory.rssKb(pid);
                    if (kb > max) {
                        max = kb;
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long max() {
            return max;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
