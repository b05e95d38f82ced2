package io.raet.route;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code route} of a message: where it comes from and where it goes. */
public record Route(Address src, Address dst) {
    public Route {
        src = src == null ? Address.EMPTY : src;
        if (dst == null) {
            throw new IllegalArgumentException("dst is required");
        }
    }

    /**
     * Parses {@code {"src": [...], "dst": [...]}}. A missing {@code src} is fully relative (the first router fills
     * it); {@code dst} is required.
     *
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
        Object src = m.get("src");
        Address s;
        try {
            s = src == null ? Address.EMPTY : Address.parse(src);
        } catch (FlowException e) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.src: " + e.getMessage());
        }
        Address d;
        try {
            d = Address.parse(dst);
        } catch (FlowException e) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.dst: " + e.getMessage());
        }
        return new Route(s, d);
    }

    /** {@return the mapping form {@code {"src": [...], "dst": [...]}}} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("src", src.toList());
        m.put("dst", dst.toList());
        return m;
    }

    public Route withSrc(Address s) {
        return new Route(s, dst);
    }

    public Route withDst(Address d) {
        return new Route(src, d);
    }

    /** The route of an answer: from this {@code dst} back to this {@code src}. */
    public Route reversed() {
        return new Route(dst, src);
    }
}
