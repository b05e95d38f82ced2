package io.raet.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Prints event lines, one line per cause per peer per interval: an event with a {@code reason} (a failure) is
 * printed the first time; the same event (same kind, peer and reason) again within the interval is only counted,
 * and when the interval ends one line says how many more came: the event with {@code "repeats": 25, "window_s": 10}.
 * The cause stays quiet, one summary line per interval, as long as it keeps coming; after a quiet interval it is
 * printed at once again. Events without a reason (joined, allowed, messages) are always printed.
 */
final class EventPrinter implements AutoCloseable {
    static final long WINDOW_NANOS = 10_000_000_000L;
    /** Causes counted at once at most; beyond, events are printed as they come. */
    static final int MAX_HELD = 1024;

    private final PrintStream out;
    private final LongSupplier clock;
    private final long window;
    private final Map<Map<String, Object>, Held> held = new LinkedHashMap<>();
    private Thread flusher;

    private static final class Held {
        final Map<String, Object> event;
        long windowEnd;
        int count;

        Held(Map<String, Object> event, long windowEnd) {
            this.event = event;
            this.windowEnd = windowEnd;
        }
    }

    EventPrinter(PrintStream out, LongSupplier clock, long windowNanos) {
        this.out = out;
        this.clock = clock;
        this.window = windowNanos;
    }

    /** A printer on the system clock that prints the summaries of ended intervals every second until closed. */
    static EventPrinter started(PrintStream out) {
        EventPrinter p = new EventPrinter(out, System::nanoTime, WINDOW_NANOS);
        p.flusher = Thread.ofVirtual().name("raet-event-summaries").start(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    p.flush();
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
        return p;
    }

    void print(Map<String, Object> event) {
        List<Map<String, Object>> lines = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            due(now, lines);
            if (event.get("reason") == null) {
                lines.add(event);
            } else {
                Held h = held.get(event);
                if (h == null) {
                    if (held.size() < MAX_HELD) {
                        held.put(event, new Held(event, now + window));
                    }
                    lines.add(event);
                } else {
                    h.count++;
                }
            }
        }
        lines.forEach(l -> Json.line(out, l));
    }

    /** Prints the summaries of the intervals that ended. */
    void flush() {
        List<Map<String, Object>> lines = new ArrayList<>();
        synchronized (this) {
            due(clock.getAsLong(), lines);
        }
        lines.forEach(l -> Json.line(out, l));
    }

    private void due(long now, List<Map<String, Object>> lines) {
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (now - h.windowEnd < 0) {
                continue;
            }
            if (h.count == 0) {
                it.remove();
            } else {
                lines.add(summary(h));
                h.count = 0;
                h.windowEnd = now + window;
            }
        }
    }

    private Map<String, Object> summary(Held h) {
        Map<String, Object> m = new LinkedHashMap<>(h.event);
        m.put("repeats", h.count);
        m.put("window_s", window / 1_000_000_000L);
        return m;
    }

    /** Prints what was counted and not yet printed. */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.interrupt();
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        synchronized (this) {
            for (Held h : held.values()) {
                if (h.count > 0) {
                    lines.add(summary(h));
                }
            }
            held.clear();
        }
        lines.forEach(l -> Json.line(out, l));
    }
}
