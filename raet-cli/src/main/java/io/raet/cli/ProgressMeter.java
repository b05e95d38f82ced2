package io.raet.cli;

import io.raet.road.RoadEvent;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one large send on standard error: segments acknowledged of the total, the rate and the time left. On
 * a terminal the line is rewritten in place (at most every 100 ms, as the road reports); otherwise one line at most
 * every second.
 */
final class ProgressMeter {
    private final PrintStream err;
    private final boolean terminal;
    private final long bytes;
    private final LongSupplier clock;
    private final long start;
    private long printedAt;
    private boolean printed;
    private int width;

    ProgressMeter(PrintStream err, boolean terminal, long bytes, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.bytes = bytes;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.printedAt = start;
    }

    /** Whether standard error is a terminal: {@code scripts/raet} says so ({@code -Draet.stderr.tty=true}). */
    static boolean stderrIsTerminal() {
        return Boolean.getBoolean("raet.stderr.tty");
    }

    synchronized void update(RoadEvent.Progress p) {
        long now = clock.getAsLong();
        if (!terminal && now - printedAt < 1_000_000_000L) {
            return;
        }
        printedAt = now;
        show(line(p.acked(), p.total(), now - start));
    }

    /** Ends the display: the whole message acknowledged, of {@code total} segments (0: not reported). */
    synchronized void done(int total) {
        show(line(total, total, clock.getAsLong() - start));
        if (terminal) {
            err.println();
            err.flush();
        }
    }

    /** Ends the display without a last line (the send failed; the failure is printed next). */
    synchronized void abandon() {
        if (printed && terminal) {
            err.println();
            err.flush();
        }
    }

    private void show(String s) {
        printed = true;
        if (terminal) {
            err.print("\r" + s + " ".repeat(Math.max(0, width - s.length())));
            width = s.length();
        } else {
            err.println(s);
        }
        err.flush();
    }

    /** {@code raet send: 1200 of 20000 segments acknowledged (6%), 4.1 MB/s, 0:04 left}. */
    String line(int acked, int total, long elapsedNanos) {
        double share = total == 0 ? 1 : (double) acked / total;
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = bytes * share / seconds;
        String what = total > 0 ? String.format(Locale.ROOT, "%d of %d segments", acked, total) : size(bytes);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "raet send: %s acknowledged (%d%%), %s/s",
                what, (int) (share * 100), size(rate)));
        if (acked < total && rate > 0) {
            sb.append(", ").append(clock(bytes * (1 - share) / rate)).append(" left");
        } else if (acked >= total) {
            sb.append(", ").append(clock(seconds)).append(" in all");
        }
        return sb.toString();
    }

    /** Bytes as {@code 19.5 MB} (decimal units). */
    static String size(double b) {
        if (b < 1000) {
            return String.format(Locale.ROOT, "%.0f B", b);
        }
        if (b < 1e6) {
            return String.format(Locale.ROOT, "%.1f kB", b / 1e3);
        }
        if (b < 1e9) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f GB", b / 1e9);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
