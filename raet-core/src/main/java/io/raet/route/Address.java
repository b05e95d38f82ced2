package io.raet.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A four-level address {@code [estate, yard, share, channel]}, outermost first. An empty level ({@code ""}) is
 * relative: the local estate, the estate's router yard, the yard's default share, no channel. Levels beyond the
 * fourth are kept verbatim and written back unchanged.
 *
 * <p>On the wire the levels are in the reference's order, outermost first; the design writes the same parts as the
 * tuple {@code (share, yard, estate, channel)}, innermost first. {@link #builder()} names the parts, so nobody has
 * to remember either order: {@code Address.builder().share("jobs").yard("svc").estate("beta").build()} is
 * {@code ["beta", "svc", "jobs", ""]}.
 *
 * <p>{@link #parse} also reads an address object of named parts ({@code {"share": "jobs", "estate": "beta"}}, any
 * subset of {@link #PARTS}), and arrays in another {@link Order} when the route says so; {@link #toList()} always
 * writes the wire array.
 *
 * @param estate road estate name, or "" for the local estate
 * @param yard lane yard name, or "" for the estate's router yard
 * @param share dotted share name, or "" for the yard's default share
 * @param channel free text telling flows apart, or ""
 * @param extra levels after the fourth, verbatim (any JSON/msgpack values); never null
 */
public record Address(String estate, String yard, String share, String channel, List<Object> extra) {
    /** The yard name of every estate's router. */
    public static final String ROUTER_YARD = "router";

    /** The fully relative address: this estate, its router yard, the default share. */
    public static final Address EMPTY = new Address("", "", "", "", List.of());

    /** The names of the four parts, in the wire array's order: the keys an address object may have. */
    public static final List<String> PARTS = List.of("estate", "yard", "share", "channel");

    /** What an error about an address's reading tells the sender: the forms an address may take. */
    public static final String FORMS = "an address is [estate, yard, share, channel], or an object of named parts"
            + " {\"estate\", \"yard\", \"share\", \"channel\"}; route \"order\": \"design\" reads arrays as"
            + " [channel, estate, yard, share]";

    /**
     * The order of the levels in the address arrays of a route (its {@code "order"} key): {@link #WIRE}, the
     * reference's and this project's {@code [estate, yard, share, channel]} (the default), or {@link #DESIGN}, the
     * order of the design's example message {@code [channel, estate, yard, share]}. Arrays are never reordered by
     * guessing: only this key says they are not in the wire order.
     */
    public enum Order {
        /** {@code [estate, yard, share, channel]}, extra levels after the fourth: the wire's order. */
        WIRE("wire", 0, 1, 2, 3),
        /** {@code [channel, estate, yard, share]}, at most four levels: the design's example message. */
        DESIGN("design", 3, 0, 1, 2);

        private final String wire;
        private final int[] level;

        Order(String wire, int... level) {
            this.wire = wire;
            this.level = level;
        }

        /** {@return the value of the route's {@code "order"} key} */
        public String wire() {
            return wire;
        }

        /** {@return the names of the parts at each position of an array in this order} */
        public List<String> parts() {
            List<String> out = new ArrayList<>(4);
            for (int l : level) {
                out.add(PARTS.get(l));
            }
            return out;
        }

        /**
         * {@return the order a route's {@code "order"} value names; null (no key) is {@link #WIRE}}
         *
         * @param value the route's {@code "order"} value, or null
         * @throws FlowException {@link ErrorCode#BAD_ROUTE} for any other value
         */
        public static Order of(Object value) {
            if (value == null) {
                return WIRE;
            }
            for (Order o : values()) {
                if (o.wire.equals(value)) {
                    return o;
                }
            }
            throw new FlowException(ErrorCode.BAD_ROUTE, "route.order must be \"wire\" [estate, yard, share, channel]"
                    + " or \"design\" [channel, estate, yard, share], not "
                    + (value instanceof String s ? "'" + s + "'" : describe(value)));
        }
    }

    /** Takes a null level as empty; copies the extra levels. */
    public Address {
        estate = estate == null ? "" : estate;
        yard = yard == null ? "" : yard;
        share = share == null ? "" : share;
        channel = channel == null ? "" : channel;
        extra = extra == null || extra.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(extra));
    }

    /**
     * {@return the address of these levels}
     *
     * @param estate the road estate
     * @param yard the lane yard
     * @param share the share
     * @param channel the channel
     */
    public static Address of(String estate, String yard, String share, String channel) {
        return new Address(estate, yard, share, channel, List.of());
    }

    /**
     * {@return the address of these levels, on no channel}
     *
     * @param estate the road estate
     * @param yard the lane yard
     * @param share the share
     */
    public static Address of(String estate, String yard, String share) {
        return new Address(estate, yard, share, "", List.of());
    }

    /**
     * {@return the address of this yard's default share}
     *
     * @param estate the road estate
     * @param yard the lane yard
     */
    public static Address of(String estate, String yard) {
        return new Address(estate, yard, "", "", List.of());
    }

    /**
     * A builder with every level empty: name the parts in any order.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Address} from named parts; a part not given is empty. */
    public static final class Builder {
        private String estate = "";
        private String yard = "";
        private String share = "";
        private String channel = "";

        private Builder() {}

        /**
         * The dotted share name inside the yard ("" or not given: the yard's default share).
         *
         * @param share the share name
         * @return this builder
         */
        public Builder share(String share) {
            this.share = share;
            return this;
        }

        /**
         * The lane yard ("" or not given: the estate's router yard).
         *
         * @param yard the yard
         * @return this builder
         */
        public Builder yard(String yard) {
            this.yard = yard;
            return this;
        }

        /**
         * The road estate ("" or not given: this estate).
         *
         * @param estate the estate
         * @return this builder
         */
        public Builder estate(String estate) {
            this.estate = estate;
            return this;
        }

        /**
         * The channel telling flows apart ("" or not given: none).
         *
         * @param channel the channel
         * @return this builder
         */
        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** {@return the address} */
        public Address build() {
            return new Address(estate, yard, share, channel, List.of());
        }
    }

    /**
     * Parses an address in the wire order: a list {@code [estate, yard, share, channel, extra...]} or an object of
     * named parts. See {@link #parse(Object, Order)}.
     *
     * @param value a list or an object of named parts
     * @return the address
     */
    public static Address parse(Object value) {
        return parse(value, Order.WIRE);
    }

    /**
     * Parses an address: a list whose levels are in {@code order}, or an object of named parts.
     *
     * <p>A list: {@code null}, {@code ""} and missing levels are empty; shorter lists are accepted, and in the
     * {@link Order#WIRE wire order} longer ones too (the levels after the fourth are kept verbatim); an
     * {@code Object[]} is accepted like a list. An object ({@link Map}): keys among {@link #PARTS}, any subset, each
     * value a string or null (a part not given is empty).
     *
     * @param value a list or an object of named parts
     * @param order the order of a list's levels
     * @return the address
     * @throws FlowException {@link ErrorCode#BAD_ROUTE} when the value is neither, one of the first four levels or
     *     a part is neither a string nor null, an object has another key, or a list in another order than the wire's
     *     has more than four levels
     */
    public static Address parse(Object value, Order order) {
        if (value instanceof Map<?, ?> m) {
            return parseNamed(m);
        }
        List<?> list;
        if (value instanceof List<?> l) {
            list = l;
        } else if (value instanceof Object[] a) {
            list = java.util.Arrays.asList(a);
        } else {
            throw new FlowException(ErrorCode.BAD_ROUTE, "address must be a list [estate, yard, share, channel] or an"
                    + " object of named parts, not " + describe(value));
        }
        if (order != Order.WIRE && list.size() > 4) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "an address in the " + order.wire() + " order "
                    + order.parts() + " has at most 4 levels, not " + list.size());
        }
        String[] levels = new String[4];
        for (int i = 0; i < 4; i++) {
            Object v = i < list.size() ? list.get(i) : null;
            levels[order.level[i]] = level(PARTS.get(order.level[i]), v);
        }
        List<Object> extra = list.size() > 4 ? new ArrayList<>(list.subList(4, list.size())) : List.of();
        return new Address(levels[0], levels[1], levels[2], levels[3], extra);
    }

    private static Address parseNamed(Map<?, ?> parts) {
        String[] levels = {"", "", "", ""};
        for (Map.Entry<?, ?> e : parts.entrySet()) {
            int i = e.getKey() instanceof String k ? PARTS.indexOf(k) : -1;
            if (i < 0) {
                throw new FlowException(ErrorCode.BAD_ROUTE, "an address object has no part "
                        + (e.getKey() instanceof String k ? "'" + k + "'" : describe(e.getKey()))
                        + " (its parts: estate, yard, share, channel)");
            }
            levels[i] = level(PARTS.get(i), e.getValue());
        }
        return new Address(levels[0], levels[1], levels[2], levels[3], List.of());
    }

    private static String level(String name, Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        throw new FlowException(ErrorCode.BAD_ROUTE, "address " + name + " must be a string or null, not " + describe(v));
    }

    static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /**
     * {@return the list form: four strings (empty levels as {@code ""}) followed by the extra levels} A fresh mutable
     * list.
     */
    public List<Object> toList() {
        List<Object> l = new ArrayList<>(4 + extra.size());
        l.add(estate);
        l.add(yard);
        l.add(share);
        l.add(channel);
        l.addAll(extra);
        return l;
    }

    /**
     * {@return whether the estate level names {@code localEstate} (or is empty, which means the local estate)}
     *
     * @param localEstate the router's estate name
     */
    public boolean isLocalEstate(String localEstate) {
        return estate.isEmpty() || estate.equals(localEstate);
    }

    /** {@return whether the yard level names the router yard (or is empty, which means the router yard)} */
    public boolean isRouterYard() {
        return yard.isEmpty() || yard.equals(ROUTER_YARD);
    }

    /**
     * {@return whether this address is the router yard of {@code localEstate}}
     *
     * @param localEstate the router's estate name
     */
    public boolean isLocalRouter(String localEstate) {
        return isLocalEstate(localEstate) && isRouterYard();
    }

    /**
     * Fills the empty estate with {@code localEstate} and the empty yard with {@code arrivingYard} (either may be
     * empty or null to leave that level alone), as the first router does to a message's {@code src}.
     *
     * @param localEstate the router's estate name, or null
     * @param arrivingYard the yard the message came from, or null
     * @return the resolved address
     */
    public Address resolve(String localEstate, String arrivingYard) {
        String e = estate.isEmpty() && localEstate != null ? localEstate : estate;
        String y = yard.isEmpty() && arrivingYard != null ? arrivingYard : yard;
        return e.equals(estate) && y.equals(yard) ? this : new Address(e, y, share, channel, extra);
    }

    /**
     * {@return the {@code estate/yard/share} key the authorization table matches, with empty levels as the router's own
     * names: {@code localEstate}, {@value #ROUTER_YARD}, {@code ""}}
     *
     * @param localEstate the router's estate name
     */
    public String policyKey(String localEstate) {
        return (estate.isEmpty() ? localEstate : estate) + "/" + (yard.isEmpty() ? ROUTER_YARD : yard) + "/" + share;
    }

    /**
     * {@return this address with another estate}
     *
     * @param e the estate
     */
    public Address withEstate(String e) {
        return new Address(e, yard, share, channel, extra);
    }

    /**
     * {@return this address with another yard}
     *
     * @param y the yard
     */
    public Address withYard(String y) {
        return new Address(estate, y, share, channel, extra);
    }

    /**
     * {@return this address with another share}
     *
     * @param s the share
     */
    public Address withShare(String s) {
        return new Address(estate, yard, s, channel, extra);
    }

    /**
     * {@return this address with another channel}
     *
     * @param c the channel
     */
    public Address withChannel(String c) {
        return new Address(estate, yard, share, c, extra);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (Object o : toList()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(o instanceof String s ? '"' + s + '"' : Objects.toString(o));
        }
        return sb.append(']').toString();
    }
}
