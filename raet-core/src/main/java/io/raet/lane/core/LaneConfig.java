package io.raet.lane.core;

import io.raet.codec.PackKind;
import io.raet.codec.RoadCodec;
import io.raet.lane.LaneNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a lane yard.
 *
 * @param lane lane name (the socket file prefix)
 * @param name this yard's name
 * @param dir directory of the socket files
 * @param accept whether pages from unknown yards add them (the reference default); when false only yards added
 *     explicitly or named in {@code allowed} are heard
 * @param allowed yard names admitted on first contact even when {@code accept} is false
 * @param packKind serialization of sent bodies (received pages say their own)
 * @param maxPartialBooks most incomplete multi-page messages held at once; the least recently active is dropped
 *     beyond
 * @param maxPartialBytes most bytes held in incomplete messages; the least recently active are dropped beyond
 * @param maxQueued most messages queued for one destination
 * @param maxQueuedPerSource most messages of one source queued for one destination
 * @param maxQueuedBytes most bytes (pages) queued for one destination; a larger message is taken only by an empty
 *     queue
 * @param sendTimeout how long a destination may take no page before its queued messages fail
 * @param bookTimeout how long an incomplete multi-page message is held without a new page
 * @param yardIdleTimeout how long a yard admitted on first contact (or found by a send to its name) is kept with
 *     nothing received from it, sent to it or queued for it; {@link Duration#ZERO}: forever. Yards added explicitly
 *     are kept until removed.
 */
public record LaneConfig(String lane, String name, Path dir, boolean accept, Set<String> allowed, PackKind packKind,
        int maxPartialBooks, long maxPartialBytes, int maxQueued, int maxQueuedPerSource, long maxQueuedBytes,
        Duration sendTimeout, Duration bookTimeout, Duration yardIdleTimeout) {
    public static final int DEFAULT_MAX_PARTIAL_BOOKS = 256;
    public static final long DEFAULT_MAX_PARTIAL_BYTES = 2L * RoadCodec.MAX_MESSAGE_SIZE;
    public static final int DEFAULT_MAX_QUEUED = 4096;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BOOK_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_YARD_IDLE_TIMEOUT = Duration.ofHours(1);

    public LaneConfig {
        LaneNames.checkLane(lane);
        LaneNames.checkYard(name);
        Objects.requireNonNull(dir, "dir");
        dir = dir.toAbsolutePath().normalize();
        allowed = Set.copyOf(allowed == null ? Set.of() : allowed);
        allowed.forEach(LaneNames::checkYard);
        Objects.requireNonNull(packKind, "packKind");
        if (maxPartialBooks < 1) {
            throw new IllegalArgumentException("maxPartialBooks must be at least 1");
        }
        if (maxPartialBytes < RoadCodec.MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxPartialBytes must be at least " + RoadCodec.MAX_MESSAGE_SIZE);
        }
        if (maxQueued < 1 || maxQueuedPerSource < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("queue bounds must be at least 1");
        }
        positive("send timeout", sendTimeout);
        positive("book timeout", bookTimeout);
        Objects.requireNonNull(yardIdleTimeout, "yardIdleTimeout");
        if (yardIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("yard idle timeout must not be negative");
        }
    }

    /** With the default queue bounds and timeouts. */
    public LaneConfig(String lane, String name, Path dir, boolean accept, Set<String> allowed, PackKind packKind,
            int maxPartialBooks, long maxPartialBytes) {
        this(lane, name, dir, accept, allowed, packKind, maxPartialBooks, maxPartialBytes, DEFAULT_MAX_QUEUED,
                Integer.MAX_VALUE, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_SEND_TIMEOUT, DEFAULT_BOOK_TIMEOUT,
                DEFAULT_YARD_IDLE_TIMEOUT);
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }

    /** Defaults: accept unknown yards, JSON bodies, default bounds. */
    public static LaneConfig of(String lane, String name, Path dir) {
        return new LaneConfig(lane, name, dir, true, Set.of(), PackKind.JSON, DEFAULT_MAX_PARTIAL_BOOKS,
                DEFAULT_MAX_PARTIAL_BYTES);
    }

    /** This configuration with other bounds on the messages queued for one destination. */
    public LaneConfig withQueues(int maxQueued, int maxQueuedPerSource, long maxQueuedBytes) {
        return new LaneConfig(lane, name, dir, accept, allowed, packKind, maxPartialBooks, maxPartialBytes,
                maxQueued, maxQueuedPerSource, maxQueuedBytes, sendTimeout, bookTimeout, yardIdleTimeout);
    }

    /** This configuration with other timeouts. */
    public LaneConfig withTimeouts(Duration sendTimeout, Duration bookTimeout, Duration yardIdleTimeout) {
        return new LaneConfig(lane, name, dir, accept, allowed, packKind, maxPartialBooks, maxPartialBytes,
                maxQueued, maxQueuedPerSource, maxQueuedBytes, sendTimeout, bookTimeout, yardIdleTimeout);
    }

    /** This yard's socket path. */
    public Path ha() {
        return LaneNames.ha(dir, lane, name);
    }
}
