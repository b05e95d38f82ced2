package io.raet.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repeated delivery (sans-IO): a message is sent again every period until cancelled, or until it was sent
 * {@code times} times when a limit is given. {@link #start} returns a handle; the caller sends the message at once
 * and whatever {@link #tick} returns later. Thread safe.
 */
public final class Repeater {
    private static final class Entry {
        final FlowMessage message;
        final long period;
        final long times;
        long due;
        long sent = 1;

        Entry(FlowMessage message, long period, long times, long due) {
            this.message = message;
            this.period = period;
            this.times = times;
            this.due = due;
        }
    }

    private final Map<Long, Entry> active = new LinkedHashMap<>();
    private long nextHandle;

    /** A repeater with nothing to repeat yet. */
    public Repeater() {}

    /**
     * Repeats {@code message} every {@code periodNanos} until cancelled; the first copy is the caller's to send now.
     *
     * @param message the message
     * @param periodNanos the period
     * @param now the time, in nanoseconds
     * @return the handle
     */
    public long start(FlowMessage message, long periodNanos, long now) {
        return start(message, periodNanos, 0, now);
    }

    /**
     * Repeats {@code message} every {@code periodNanos}, {@code times} times in all; the first copy is the caller's
     * to send now.
     *
     * @param message the message
     * @param periodNanos the period
     * @param times how many copies in all, counting the first ({@code 0} for no limit)
     * @param now the time, in nanoseconds
     * @return the handle
     */
    public synchronized long start(FlowMessage message, long periodNanos, long times, long now) {
        if (periodNanos <= 0 || times < 0) {
            throw new IllegalArgumentException("period must be positive and times not negative");
        }
        long h = ++nextHandle;
        if (times != 1) {
            active.put(h, new Entry(message, periodNanos, times, now + periodNanos));
        }
        return h;
    }

    /**
     * Stops repeating; false when the handle is not active.
     *
     * @param handle the handle {@link #start} returned
     * @return true when it was active
     */
    public synchronized boolean cancel(long handle) {
        return active.remove(handle) != null;
    }

    /**
     * {@return the copies due now}
     *
     * @param now the time, in nanoseconds
     */
    public synchronized List<FlowMessage> tick(long now) {
        List<FlowMessage> out = new ArrayList<>();
        var it = active.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.due - now > 0) {
                continue;
            }
            out.add(e.message);
            e.sent++;
            // next period from the schedule, not from now, so the rate does not drift; skip missed periods
            e.due += e.period;
            if (e.due - now <= 0) {
                e.due = now + e.period;
            }
            if (e.times != 0 && e.sent >= e.times) {
                it.remove();
            }
        }
        return out;
    }

    /** {@return when {@link #tick} next has work, or {@link Long#MAX_VALUE}} */
    public synchronized long nextWakeup() {
        long w = Long.MAX_VALUE;
        for (Entry e : active.values()) {
            w = w == Long.MAX_VALUE || e.due - w < 0 ? e.due : w;
        }
        return w;
    }

    /** {@return the messages being repeated} */
    public synchronized int active() {
        return active.size();
    }
}
