package io.raet.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    public Address {
        estate = estate == null ? "" : estate;
        yard = yard == null ? "" : yard;
        share = share == null ? "" : share;
        channel = channel == null ? "" : channel;
        extra = extra == null || extra.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(extra));
    }

    public static Address of(String estate, String yard, String share, String channel) {
        return new Address(estate, yard, share, channel, List.of());
    }

    public static Address of(String estate, String yard, String share) {
        return new Address(estate, yard, share, "", List.of());
    }

    public static Address of(String estate, String yard) {
        return new Address(estate, yard, "", "", List.of());
    }

    /** A builder with every level empty: name the parts in any order. */
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

        /** The dotted share name inside the yard ("" or not given: the yard's default share). */
        public Builder share(String share) {
            this.share = share;
            return this;
        }

        /** The lane yard ("" or not given: the estate's router yard). */
        public Builder yard(String yard) {
            this.yard = yard;
            return this;
        }

        /** The road estate ("" or not given: this estate). */
        public Builder estate(String estate) {
            this.estate = estate;
            return this;
        }

        /** The channel telling flows apart ("" or not given: none). */
        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        public Address build() {
            return new Address(estate, yard, share, channel, List.of());
        }
    }

    /**
     * Parses an address from its list form. {@code null}, {@code ""} and missing levels are empty; shorter and
     * longer lists are accepted. An {@code Object[]} is accepted like a list.
     *
     * @throws FlowException {@link ErrorCode#BAD_ROUTE} when the value is not a list or one of the first four
     *     levels is neither a string nor null
     */
    public static Address parse(Object value) {
        List<?> list;
        if (value instanceof List<?> l) {
            list = l;
        } else if (value instanceof Object[] a) {
            list = java.util.Arrays.asList(a);
        } else {
            throw new FlowException(ErrorCode.BAD_ROUTE,
                    "address must be a list [estate, yard, share, channel], not " + describe(value));
        }
        String[] levels = new String[4];
        String[] names = {"estate", "yard", "share", "channel"};
        for (int i = 0; i < 4; i++) {
            Object v = i < list.size() ? list.get(i) : null;
            if (v == null) {
                levels[i] = "";
            } else if (v instanceof String s) {
                levels[i] = s;
            } else {
                throw new FlowException(ErrorCode.BAD_ROUTE,
                        "address " + names[i] + " must be a string or null, not " + describe(v));
            }
        }
        List<Object> extra = list.size() > 4 ? new ArrayList<>(list.subList(4, list.size())) : List.of();
        return new Address(levels[0], levels[1], levels[2], levels[3], extra);
    }

    static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /** The list form: four strings (empty levels as {@code ""}) followed by the extra levels. A fresh mutable list. */
    public List<Object> toList() {
        List<Object> l = new ArrayList<>(4 + extra.size());
        l.add(estate);
        l.add(yard);
        l.add(share);
        l.add(channel);
        l.addAll(extra);
        return l;
    }

    /** Whether the estate level names {@code localEstate} (or is empty, which means the local estate). */
    public boolean isLocalEstate(String localEstate) {
        return estate.isEmpty() || estate.equals(localEstate);
    }

    /** Whether the yard level names the router yard (or is empty, which means the router yard). */
    public boolean isRouterYard() {
        return yard.isEmpty() || yard.equals(ROUTER_YARD);
    }

    /** Whether this address is the router yard of {@code localEstate}. */
    public boolean isLocalRouter(String localEstate) {
        return isLocalEstate(localEstate) && isRouterYard();
    }

    /**
     * Fills the empty estate with {@code localEstate} and the empty yard with {@code arrivingYard} (either may be
     * empty or null to leave that level alone), as the first router does to a message's {@code src}.
     */
    public Address resolve(String localEstate, String arrivingYard) {
        String e = estate.isEmpty() && localEstate != null ? localEstate : estate;
        String y = yard.isEmpty() && arrivingYard != null ? arrivingYard : yard;
        return e.equals(estate) && y.equals(yard) ? this : new Address(e, y, share, channel, extra);
    }

    /**
     * The {@code estate/yard/share} key the authorization table matches, with empty levels as the router's own
     * names: {@code localEstate}, {@value #ROUTER_YARD}, {@code ""}.
     */
    public String policyKey(String localEstate) {
        return (estate.isEmpty() ? localEstate : estate) + "/" + (yard.isEmpty() ? ROUTER_YARD : yard) + "/" + share;
    }

    public Address withEstate(String e) {
        return new Address(e, yard, share, channel, extra);
    }

    public Address withYard(String y) {
        return new Address(estate, y, share, channel, extra);
    }

    public Address withShare(String s) {
        return new Address(estate, yard, s, channel, extra);
    }

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
