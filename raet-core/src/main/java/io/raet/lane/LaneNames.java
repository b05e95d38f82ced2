package io.raet.lane;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Yard and lane naming as the reference lane does it: a yard's socket is {@code <dir>/<lane>.<yard>.uxd}, and the
 * names are recovered from a path by stripping {@code .uxd} and splitting at the last dot.
 */
public final class LaneNames {
    /** Suffix of every yard socket file. */
    public static final String SUFFIX = ".uxd";
    /** Default lane name. */
    public static final String DEFAULT_LANE = "lane";

    private static final SecureRandom RANDOM = new SecureRandom();

    private LaneNames() {}

    /**
     * Checks a yard name: not empty, no dot (the path split would break), no space (the page head is space
     * separated), no slash, newline or NUL.
     *
     * @param name the name to check
     * @return {@code name}
     * @throws IllegalArgumentException when the name is not usable
     */
    public static String checkYard(String name) {
        check("yard", name);
        if (name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("yard name must not contain a dot: '" + name + "'");
        }
        return name;
    }

    /**
     * Checks a lane name: not empty, no space, slash, newline or NUL.
     *
     * @param name the name to check
     * @return {@code name}
     * @throws IllegalArgumentException when the name is not usable
     */
    public static String checkLane(String name) {
        check("lane", name);
        return name;
    }

    private static void check(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ' ' || c == '/' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                throw new IllegalArgumentException(what + " name must not contain spaces, slashes or control "
                        + "characters: '" + name.replace("\n", "\\n") + "'");
            }
        }
    }

    /**
     * {@return the socket path of yard {@code yard} on lane {@code lane} in {@code dir}: {@code dir/lane.yard.uxd}}
     *
     * @param dir the socket directory
     * @param lane the lane name
     * @param yard the yard name
     */
    public static Path ha(Path dir, String lane, String yard) {
        return dir.toAbsolutePath().normalize().resolve(checkLane(lane) + "." + checkYard(yard) + SUFFIX);
    }

    /**
     * Lane and yard name recovered from a socket path, as the reference does.
     *
     * @param lane the lane name
     * @param yard the yard name
     */
    public record Names(String lane, String yard) {}

    /**
     * Splits a socket path's file name: strips {@code .uxd}, then splits at the last dot.
     *
     * @param ha the socket path
     * @return the names, or null when the path does not have the form {@code .../<lane>.<yard>.uxd}
     */
    public static Names fromHa(String ha) {
        if (ha == null) {
            return null;
        }
        int slash = ha.lastIndexOf('/');
        String tail = ha.substring(slash + 1);
        if (!tail.endsWith(SUFFIX)) {
            return null;
        }
        String root = tail.substring(0, tail.length() - SUFFIX.length());
        int dot = root.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        return new Names(root.substring(0, dot), root.substring(dot + 1));
    }

    /**
     * {@return an 18-character id like the reference's {@code uuid(18)}: microseconds since the epoch in lowercase hex,
     * followed by random hex digits, cut to 18 characters}
     */
    public static String uuid18() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        String front = Long.toHexString(micros);
        int extra = Math.max(0, 18 - front.length());
        byte[] rnd = new byte[extra / 2 + extra % 2];
        RANDOM.nextBytes(rnd);
        String id = front + HexFormat.of().formatHex(rnd);
        return id.substring(0, 18);
    }
}
