package io.raet.route;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The {@code stamp} a router puts on a message that has none: the time it first handled it, in UTC with
 * microseconds, ISO 8601 ({@code 2026-12-04T17:03:12.123456Z}; always six digits of fraction). Later routers keep
 * the stamp they find.
 */
public final class Stamp {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Stamp() {}

    /**
     * {@code time} as a stamp, truncated to the microsecond.
     *
     * @param time the time
     * @return the stamp
     */
    public static String format(Instant time) {
        return FORMAT.format(time.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * {@return the instant of a stamp this class wrote}
     *
     * @param stamp the stamp
     */
    public static Instant parse(String stamp) {
        return Instant.from(FORMAT.parse(stamp));
    }
}
