package io.raet.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs errors once per kind per interval: the first of a kind with its stack trace, then at most one line per
 * interval saying how many came since. A kind is the exception's class and the place it was thrown, so a peer that
 * sends the same bad input a million times costs a million counts and a few log lines. Not thread-safe: one owner
 * thread logs. Holds at most {@value #MAX_KINDS} kinds.
 */
public final class DistinctErrorLog {
    static final int MAX_KINDS = 256;
    private static final long DEFAULT_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final long interval;
    private final Map<String, long[]> kinds = new HashMap<>();

    public DistinctErrorLog(Logger log) {
        this(log, DEFAULT_INTERVAL);
    }

    public DistinctErrorLog(Logger log, long intervalNanos) {
        this.log = log;
        this.interval = intervalNanos;
    }

    /**
     * Logs {@code e} (as an error, with {@code what} before it) unless its kind was logged in the last interval.
     *
     * @return whether it was logged
     */
    public boolean log(String what, Throwable e, long now) {
        String kind = kind(e);
        long[] seen = kinds.get(kind);
        if (seen == null) {
            if (kinds.size() >= MAX_KINDS) {
                kinds.clear();
            }
            kinds.put(kind, new long[] {now, 0});
            log.error("{}", what, e);
            return true;
        }
        if (now - seen[0] < interval) {
            seen[1]++;
            return false;
        }
        log.error("{}: {} ({} more of this kind since the last report)", what, e.toString(), seen[1]);
        seen[0] = now;
        seen[1] = 0;
        return true;
    }

    private static String kind(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return e.getClass().getName() + (st.length > 0 ? "@" + st[0] : "");
    }
}
