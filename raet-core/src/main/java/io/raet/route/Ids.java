package io.raet.route;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Message ids unique per sender: a prefix (random unless given, so a restarted sender does not reuse ids a
 * receiver still remembers) and a counter, {@code "<prefix>-<n>"}.
 */
public final class Ids implements Supplier<String> {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    /**
     * Ids {@code <prefix>-1}, {@code <prefix>-2}, … (counted in base 36).
     *
     * @param prefix the prefix
     */
    public Ids(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Ids with a fresh random 8-hex-digit prefix.
     *
     * @return the ids
     */
    public static Ids random() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return new Ids(HexFormat.of().formatHex(b));
    }

    @Override
    public String get() {
        return prefix + "-" + Long.toString(next.incrementAndGet(), 36);
    }
}
