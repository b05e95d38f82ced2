package io.raet.router;

import io.raet.lane.LaneNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The yards of a lane as its directory shows them: a yard is there while its socket {@code <lane>.<yard>.uxd} is.
 * Each {@link #scan} says which yards arrived and which left since the one before (or since the router last knew
 * them present). At most {@value #MAX_YARDS}
 * sockets are looked at per scan (the directory, mode 0700, is the lane's boundary; beyond the bound the rest is
 * not seen, counted in {@link #truncated()}). Used by one thread.
 */
final class YardWatch {
    static final int MAX_YARDS = 4096;

    /** What changed between two scans. */
    record Change(Set<String> arrived, Set<String> left) {
        boolean isEmpty() {
            return arrived.isEmpty() && left.isEmpty();
        }
    }

    private final Path dir;
    private final String lane;
    private final String self;
    private final Collection<String> admitted;
    private Set<String> present = Set.of();
    private long truncated;

    /**
     * @param self the router's own yard (never reported)
     * @param admitted the only yards reported, or empty for every yard of the lane
     */
    YardWatch(Path dir, String lane, String self, Collection<String> admitted) {
        this.dir = dir;
        this.lane = lane;
        this.self = self;
        this.admitted = admitted;
    }

    /**
     * Looks at the directory: {@code known} are the yards the router already knows present (from their messages,
     * as workers): they are not reported as arriving, and are reported as leaving when their socket is gone even if
     * an earlier scan never saw it.
     */
    Change scan(Collection<String> known) {
        Set<String> now = new LinkedHashSet<>();
        int seen = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LaneNames.SUFFIX)) {
            for (Path p : files) {
                if (++seen > MAX_YARDS) {
                    truncated++;
                    break;
                }
                LaneNames.Names n = LaneNames.fromHa(p.toString());
                if (n == null || !n.lane().equals(lane) || n.yard().equals(self)
                        || !(admitted.isEmpty() || admitted.contains(n.yard())) || !isYardName(n.yard())
                        || !isSocket(p)) {
                    continue;
                }
                now.add(n.yard());
            }
        } catch (IOException | RuntimeException e) {
            return new Change(Set.of(), Set.of()); // not readable now: no change
        }
        Set<String> arrived = new LinkedHashSet<>(now);
        arrived.removeAll(present);
        arrived.removeAll(known);
        Set<String> left = new LinkedHashSet<>(present);
        for (String k : known) {
            if (admitted.isEmpty() || admitted.contains(k)) {
                left.add(k);
            }
        }
        left.removeAll(now);
        present = now;
        return new Change(arrived, left);
    }

    /** Scans that stopped at {@link #MAX_YARDS}. */
    long truncated() {
        return truncated;
    }

    private static boolean isYardName(String yard) {
        try {
            LaneNames.checkYard(yard);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isSocket(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }
}
