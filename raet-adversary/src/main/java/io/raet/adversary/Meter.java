package io.raet.adversary;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The legitimate peer's measure of itself: keeps {@code window} sends in flight through {@code send} (one call per
 * message, numbered from 0) and counts those that complete. A send that fails or times out frees its slot and is
 * counted as failed. The rate over an interval is the completions in it divided by its length.
 */
final class Meter implements AutoCloseable {
    private final LongFunction<CompletableFuture<?>> send;
    private final Semaphore window;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread loop;
    private volatile boolean running = true;

    Meter(String name, int window, LongFunction<CompletableFuture<?>> send) {
        this.send = send;
        this.window = new Semaphore(window);
        this.loop = Thread.ofPlatform().daemon().name("meter-" + name).start(this::run);
    }

    private void run() {
        long n = 0;
        while (running) {
            try {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            CompletableFuture<?> f;
            try {
                f = send.apply(n++);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                window.release();
                pause();
                continue;
            }
            f.whenComplete((v, ex) -> {
                (ex == null ? done : failed).incrementAndGet();
                window.release();
            });
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long done() {
        return done.get();
    }

    long failed() {
        return failed.get();
    }

    /** Completions per second over the next {@code d}. */
    double measure(Duration d) throws InterruptedException {
        Span s = span();
        Thread.sleep(d.toMillis());
        return s.rate();
    }

    /** Starts an interval; {@link Span#rate()} ends it. */
    Span span() {
        return new Span(done.get(), System.nanoTime());
    }

    final class Span {
        private final long count;
        private final long at;

        private Span(long count, long at) {
            this.count = count;
            this.at = at;
        }

        double rate() {
            double secs = (System.nanoTime() - at) / 1e9;
            return secs <= 0 ? 0 : (done.get() - count) / secs;
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sleeps {@code d}. */
    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
