package io.raet.route;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code route} of a message: where it comes from and where it goes.
 *
 * @param src where the message comes from
 * @param dst where it goes
 */
public record Route(Address src, Address dst) {
    /**
     * Takes a null source as fully relative.
     *
     * @throws IllegalArgumentException when there is no destination
     */
    public Route {
        src = src == null ? Address.EMPTY : src;
        if (dst == null) {
            throw new IllegalArgumentException("dst is required");
        }
    }

    /** The key of a route that names the order of its address arrays ({@link Address.Order}). */
    public static final String ORDER = "order";

    /**
     * Parses {@code {"src": [...], "dst": [...]}}. A missing {@code src} is fully relative (the first router fills
     * it); {@code dst} is required. Each address is an array or an object of named parts ({@link Address#parse});
     * the arrays are in the order the route's {@value #ORDER} key names ({@link Address.Order}; the wire order when
     * it has none).
     *
     * @param value the route mapping
     * @return the route
     * @throws FlowException {@link ErrorCode#BAD_ROUTE}
     */
    public static Route parse(Object value) {
        if (value == null) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route is missing");
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route must be a mapping, not " + Address.describe(value));
        }
        Object dst = m.get("dst");
        if (dst == null) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.dst is missing");
        }
        Address.Order order = Address.Order.of(m.get(ORDER));
        Object src = m.get("src");
        Address s;
        try {
            s = src == null ? Address.EMPTY : Address.parse(src, order);
        } catch (FlowException e) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.src: " + e.getMessage());
        }
        Address d;
        try {
            d = Address.parse(dst, order);
        } catch (FlowException e) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.dst: " + e.getMessage());
        }
        return new Route(s, d);
    }

    /**
     * {@return the {@code src} of a route mapping that may be invalid otherwise, read as {@link #parse} reads it, or
     * {@link Address#EMPTY} when it has none or it cannot be read (for answering a malformed message)}
     *
     * @param route the route mapping
     */
    public static Address sourceOf(Object route) {
        if (route instanceof Map<?, ?> m && m.get("src") != null) {
            try {
                return Address.parse(m.get("src"), Address.Order.of(m.get(ORDER)));
            } catch (FlowException e) {
                return Address.EMPTY;
            }
        }
        return Address.EMPTY;
    }

    /**
     * The route mapping {@code original} (already parsed to {@code parsed}) as it goes on the wire: its addresses as
     * arrays in the wire order and without the {@value #ORDER} key, every other key kept. Null when it is already
     * so (only arrays, no {@value #ORDER} key): the mapping is then forwarded as it came.
     */
    static Map<String, Object> wireForm(Map<?, ?> original, Route parsed) {
        if (!original.containsKey(ORDER) && isArray(original.get("src")) && isArray(original.get("dst"))) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : original.entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        out.remove(ORDER);
        if (original.get("src") != null) {
            out.put("src", parsed.src().toList());
        }
        out.put("dst", parsed.dst().toList());
        return out;
    }

    private static boolean isArray(Object address) {
        return address == null || address instanceof java.util.List<?> || address instanceof Object[];
    }

    /** {@return the mapping form {@code {"src": [...], "dst": [...]}}} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("src", src.toList());
        m.put("dst", dst.toList());
        return m;
    }

    /**
     * {@return this route with another source}
     *
     * @param s the source
     */
    public Route withSrc(Address s) {
        return new Route(s, dst);
    }

    /**
     * {@return this route with another destination}
     *
     * @param d the destination
     */
    public Route withDst(Address d) {
        return new Route(src, d);
    }

    /**
     * The route of an answer: from this {@code dst} back to this {@code src}.
     *
     * @return the reversed route
     */
    public Route reversed() {
        return new Route(dst, src);
    }
}
