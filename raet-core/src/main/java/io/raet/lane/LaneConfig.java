package io.raet.lane;

import io.raet.codec.PackKind;
import io.raet.codec.RoadCodec;
import java.nio.file.Path;
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
 * @param maxPartialBooks most incomplete multi-page messages held at once; the oldest is dropped beyond
 * @param maxPartialBytes most bytes held in incomplete messages; the oldest are dropped beyond
 */
public record LaneConfig(String lane, String name, Path dir, boolean accept, Set<String> allowed, PackKind packKind,
        int maxPartialBooks, long maxPartialBytes) {
    public static final int DEFAULT_MAX_PARTIAL_BOOKS = 256;
    public static final long DEFAULT_MAX_PARTIAL_BYTES = 2L * RoadCodec.MAX_MESSAGE_SIZE;

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
    }

    /** Defaults: accept unknown yards, JSON bodies, default bounds. */
    public static LaneConfig of(String lane, String name, Path dir) {
        return new LaneConfig(lane, name, dir, true, Set.of(), PackKind.JSON, DEFAULT_MAX_PARTIAL_BOOKS,
                DEFAULT_MAX_PARTIAL_BYTES);
    }

    /** This yard's socket path. */
    public Path ha() {
        return LaneNames.ha(dir, lane, name);
    }
}
