package io.raet.route;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A routed message: a validated, immutable view over a RAET body mapping with its {@code route}, {@code kind},
 * {@code id}, {@code re}, {@code seq}, {@code data}, {@code error}, {@code code}, {@code tag} and {@code stamp}
 * ({@code tag}, and a subscription's tag pattern {@code tags}, must be strings of at most {@value #MAX_TAG}
 * characters when present; {@code stamp} may be any value). Fields this class does not know
 * (and keys inside {@code route} other than {@code src}, {@code dst} and {@code order}) are kept and written back
 * unchanged.
 *
 * <p>The body holds its route as it goes on the wire: addresses given as objects of named parts, or as arrays in the
 * order a route's {@code "order"} key names ({@link Address.Order}), are written back as arrays in the wire order
 * {@code [estate, yard, share, channel]}, without the {@code order} key ({@link Route#parse}); a route of arrays
 * only is kept as it came.
 */
public final class FlowMessage {
    /** Most characters of a {@code tag} or of a subscription's tag pattern {@code tags}. */
    public static final int MAX_TAG = 256;

    private final Map<String, Object> body;
    private final Route route;
    private final Kind kind;
    private final String id;
    private final String re;
    private final Long seq;

    private FlowMessage(Map<String, Object> body, Route route, Kind kind, String id, String re, Long seq) {
        this.body = body;
        this.route = route;
        this.kind = kind;
        this.id = id;
        this.re = re;
        this.seq = seq;
    }

    /**
     * Validates a body.
     *
     * @param body the message's body
     * @return the message
     * @throws FlowException {@link ErrorCode#BAD_ROUTE} with the reason when the body is not a valid routed message
     */
    public static FlowMessage parse(Map<String, ?> body) {
        if (body == null) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "body is missing");
        }
        Route route = Route.parse(body.get("route"));
        Object k = body.get("kind");
        Kind kind;
        if (k == null) {
            kind = Kind.MSG;
        } else if (k instanceof String s) {
            kind = Kind.fromWire(s).orElseThrow(() -> new FlowException(ErrorCode.BAD_ROUTE, "unknown kind '" + s + "'"));
        } else {
            throw new FlowException(ErrorCode.BAD_ROUTE, "kind must be a string, not " + Address.describe(k));
        }
        String id = optString(body, "id");
        String re = optString(body, "re");
        optString(body, "error");
        optString(body, "code");
        checkTag(body, "tag");
        checkTag(body, "tags");
        Long seq = null;
        Object s = body.get("seq");
        if (s != null) {
            long v = switch (s) {
                case Long l -> l;
                case Integer i -> i;
                case Short sh -> sh;
                case Byte b -> b;
                case BigInteger b -> throw new FlowException(ErrorCode.BAD_ROUTE, "seq out of range: " + b);
                default -> throw new FlowException(ErrorCode.BAD_ROUTE,
                        "seq must be an integer, not " + Address.describe(s));
            };
            if (v < 0) {
                throw new FlowException(ErrorCode.BAD_ROUTE, "seq must not be negative: " + v);
            }
            seq = v;
        }
        if (id == null && (kind == Kind.REQ || kind == Kind.ACKD)) {
            throw new FlowException(ErrorCode.BAD_ROUTE, kind.wire() + " needs an id");
        }
        if (id == null && seq != null) {
            throw new FlowException(ErrorCode.BAD_ROUTE, "a sequential message needs an id");
        }
        if (re == null && (kind == Kind.RSP || kind == Kind.ACK)) {
            throw new FlowException(ErrorCode.BAD_ROUTE, kind.wire() + " needs re");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : body.entrySet()) {
            if (e.getKey() == null) {
                throw new FlowException(ErrorCode.BAD_ROUTE, "field names must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        Map<String, Object> wire = Route.wireForm((Map<?, ?>) body.get("route"), route);
        if (wire != null) {
            copy.put("route", wire);
        }
        return new FlowMessage(Collections.unmodifiableMap(copy), route, kind, id, re, seq);
    }

    private static void checkTag(Map<String, ?> body, String field) {
        String t = optString(body, field);
        if (t != null && t.length() > MAX_TAG) {
            throw new FlowException(ErrorCode.BAD_ROUTE, field + " longer than " + MAX_TAG + " characters");
        }
    }

    private static String optString(Map<String, ?> body, String field) {
        Object v = body.get(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new FlowException(ErrorCode.BAD_ROUTE, field + " must be a string, not " + Address.describe(v));
    }

    /**
     * A builder for a new message of this kind from {@code src} to {@code dst}.
     *
     * @param kind the kind
     * @param src the source
     * @param dst the destination
     * @return the builder
     */
    public static Builder builder(Kind kind, Address src, Address dst) {
        return new Builder(kind, new Route(src, dst));
    }

    /**
     * A plain {@code msg}.
     *
     * @param src the source
     * @param dst the destination
     * @param data the {@code data}
     * @return the message
     */
    public static FlowMessage msg(Address src, Address dst, Object data) {
        return builder(Kind.MSG, src, dst).data(data).build();
    }

    /**
     * The {@code err} answering {@code original}, from {@code from} to the original's {@code src}.
     *
     * @param original the message answered
     * @param from the error's source
     * @param code the code
     * @param text the error text, or null for the code
     * @return the error
     * @throws IllegalArgumentException when {@code original} is itself an {@code err}: errors are never answered
     */
    public static FlowMessage errorFor(FlowMessage original, Address from, ErrorCode code, String text) {
        if (original.kind == Kind.ERR) {
            throw new IllegalArgumentException("an err is never answered with an err");
        }
        return errorTo(original.route.src(), from, original.id, code, text);
    }

    /**
     * An {@code err} to {@code to} answering the message with id {@code re} (may be null).
     *
     * @param to the destination
     * @param from the source
     * @param re the id answered, or null
     * @param code the code
     * @param text the error text, or null for the code
     * @return the error
     */
    public static FlowMessage errorTo(Address to, Address from, String re, ErrorCode code, String text) {
        Builder b = builder(Kind.ERR, from, to).error(code, text);
        if (re != null) {
            b.re(re);
        }
        return b.build();
    }

    /**
     * {@return the body as it was parsed (its route in the wire form), with any changes made through the {@code with}
     * methods} Unmodifiable.
     */
    public Map<String, Object> body() {
        return body;
    }

    /** {@return a fresh mutable copy of the body, ready to send} */
    public Map<String, Object> toBody() {
        return new LinkedHashMap<>(body);
    }

    /** {@return the route} */
    public Route route() {
        return route;
    }

    /** {@return the source} */
    public Address src() {
        return route.src();
    }

    /** {@return the destination} */
    public Address dst() {
        return route.dst();
    }

    /** {@return the kind} */
    public Kind kind() {
        return kind;
    }

    /** {@return the sender's id of this message, or null} */
    public String id() {
        return id;
    }

    /** {@return the id this message answers, or null} */
    public String re() {
        return re;
    }

    /** {@return the sequence number, or null when the message is not sequential} */
    public Long seq() {
        return seq;
    }

    /** {@return the payload, or null} */
    public Object data() {
        return body.get("data");
    }

    /**
     * {@return the application's {@code tag} of this message (a string), or null} Policy rules and subscriptions match
     * it.
     */
    public String tag() {
        return (String) body.get("tag");
    }

    /**
     * {@return the {@code stamp}, or null: set by the first router that handles the message (UTC with microseconds,
     * {@link Stamp#format}) and kept by every later one, whatever its value}
     */
    public Object stamp() {
        return body.get("stamp");
    }

    /**
     * {@return whether the sender marked this message {@code "idempotent": true} (a pool may send it again elsewhere)}
     */
    public boolean idempotent() {
        return Boolean.TRUE.equals(body.get("idempotent"));
    }

    /** {@return the error text of an {@code err}, or null} */
    public String error() {
        return (String) body.get("error");
    }

    /** {@return the error code as spelled in the message, or null} */
    public String code() {
        return (String) body.get("code");
    }

    /** {@return the error code when it is one this implementation knows, else null} */
    public ErrorCode errorCode() {
        String c = code();
        return c == null ? null : ErrorCode.fromWire(c).orElse(null);
    }

    /**
     * {@return any field, including ones this class does not interpret}
     *
     * @param field the field's name
     */
    public Object get(String field) {
        return body.get(field);
    }

    /**
     * This message with another route; other keys inside {@code route} and all other fields are kept.
     *
     * @param r the route
     * @return the message
     */
    public FlowMessage withRoute(Route r) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        Map<String, Object> rm = new LinkedHashMap<>();
        if (body.get("route") instanceof Map<?, ?> old) {
            for (Map.Entry<?, ?> e : old.entrySet()) {
                rm.put(String.valueOf(e.getKey()), e.getValue());
            }
        }
        rm.putAll(r.toMap());
        copy.put("route", rm);
        return new FlowMessage(Collections.unmodifiableMap(copy), r, kind, id, re, seq);
    }

    /**
     * A copy of this message for a third party that must never answer it (a topic's subscriber, a tap): a plain
     * {@code msg} from {@code from} to {@code to} with the data and every field, less {@code id} and {@code seq},
     * plus {@code fields} (which say what it is a copy of).
     *
     * @param from the copy's source
     * @param to the copy's destination
     * @param fields the fields to add
     * @return the copy
     */
    public FlowMessage copy(Address from, Address to, Map<String, ?> fields) {
        Map<String, Object> b = toBody();
        b.remove("id");
        b.remove("seq");
        b.put("kind", Kind.MSG.wire());
        b.putAll(fields);
        return parse(b).withRoute(new Route(from, to));
    }

    /**
     * {@return this message with another source}
     *
     * @param src the source
     */
    public FlowMessage withSrc(Address src) {
        return withRoute(route.withSrc(src));
    }

    /**
     * {@return this message with another destination}
     *
     * @param dst the destination
     */
    public FlowMessage withDst(Address dst) {
        return withRoute(route.withDst(dst));
    }

    /**
     * This message with a field set ({@code null} removes it), validated again.
     *
     * @param field the field's name
     * @param value its value, or null
     * @return the message
     * @throws FlowException {@link ErrorCode#BAD_ROUTE} when the result is not valid
     */
    public FlowMessage with(String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        if (value == null) {
            copy.remove(field);
        } else {
            copy.put(field, value);
        }
        return parse(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowMessage m && body.equals(m.body);
    }

    @Override
    public int hashCode() {
        return body.hashCode();
    }

    @Override
    public String toString() {
        return "FlowMessage" + body;
    }

    /** Builds a new message; {@link #build()} validates it. */
    public static final class Builder {
        private final Map<String, Object> body = new LinkedHashMap<>();

        private Builder(Kind kind, Route route) {
            body.put("route", route.toMap());
            body.put("kind", kind.wire());
        }

        /**
         * The message's {@code id}.
         *
         * @param id the id
         * @return this builder
         */
        public Builder id(String id) {
            return field("id", id);
        }

        /**
         * The id the message answers ({@code re}).
         *
         * @param re the id answered
         * @return this builder
         */
        public Builder re(String re) {
            return field("re", re);
        }

        /**
         * The message's {@code seq}.
         *
         * @param seq the sequence number
         * @return this builder
         */
        public Builder seq(long seq) {
            return field("seq", seq);
        }

        /**
         * The message's {@code data}.
         *
         * @param data the payload
         * @return this builder
         */
        public Builder data(Object data) {
            return field("data", data);
        }

        /**
         * The message's {@code tag} (policy rules and subscriptions match it).
         *
         * @param tag the tag
         * @return this builder
         */
        public Builder tag(String tag) {
            return field("tag", tag);
        }

        /**
         * The error code and text of an {@code err}.
         *
         * @param code the code
         * @param text the text, or null for the code
         * @return this builder
         */
        public Builder error(ErrorCode code, String text) {
            field("error", text == null ? code.wire() : text);
            return field("code", code.wire());
        }

        /**
         * Any field; {@code null} removes it.
         *
         * @param name the field's name
         * @param value its value
         * @return this builder
         */
        public Builder field(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                body.remove(name);
            } else {
                body.put(name, value);
            }
            return this;
        }

        /**
         * {@return the message}
         *
         * @throws FlowException {@link ErrorCode#BAD_ROUTE} when it is not valid
         */
        public FlowMessage build() {
            return parse(body);
        }
    }
}
