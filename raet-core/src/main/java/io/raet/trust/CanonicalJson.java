package io.raet.trust;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The byte form that governors sign and that version hashes cover: JSON canonicalized as RFC 8785 (JCS) does for
 * the values the trust plane uses: objects with their keys sorted by UTF-16 code units, no white space, strings with
 * only {@code "}, {@code \} and control characters escaped (as {@code \b \t \n \f \r} or
 * <code>&#92;u00xx</code>), UTF-8.
 * Numbers are integers only (a fraction or exponent is refused), so every implementation writes them alike.
 *
 * <p>{@link #parse} reads JSON text into the same value model ({@link Map} with insertion order, {@link List},
 * {@link String}, {@link Long}, {@link Boolean}, null), strictly: no duplicate keys, nothing after the value, a
 * bounded depth and size.
 */
public final class CanonicalJson {
    /** Deepest nesting read. */
    public static final int MAX_DEPTH = 16;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(1 << 20).maxNumberLength(20).build())
            .build();

    private CanonicalJson() {}

    /**
     * {@return the canonical bytes of a value}
     *
     * @param value a JSON value (maps, lists, strings, integers, booleans, null)
     */
    public static byte[] encode(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value, 0);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@return the canonical text of a value}
     *
     * @param value a JSON value (maps, lists, strings, integers, booleans, null)
     */
    public static String text(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    private static void write(StringBuilder sb, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TrustException("JSON nested deeper than " + MAX_DEPTH);
        }
        switch (value) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Integer i -> sb.append(i.intValue());
            case Long l -> sb.append(l.longValue());
            case String s -> string(sb, s);
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, list.get(i), depth + 1);
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                Map<String, Object> sorted = new TreeMap<>(); // String order is UTF-16 code unit order, as JCS
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new TrustException("JSON object keys must be strings, not " + e.getKey());
                    }
                    sorted.put(k, e.getValue());
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, e.getKey());
                    sb.append(':');
                    write(sb, e.getValue(), depth + 1);
                }
                sb.append('}');
            }
            default -> throw new TrustException("not a canonical JSON value: " + value.getClass().getSimpleName());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) {
                    throw new TrustException("string holds a lone surrogate at index " + i);
                }
                sb.append(c).append(s.charAt(++i));
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Parses JSON text of at most {@code maxBytes} bytes.
     *
     * @param json the JSON text
     * @param maxBytes the largest text accepted
     * @return the value: maps, lists, strings, longs, booleans or null
     * @throws TrustException when it is not valid JSON, too large or too deep, has a duplicate key, a fraction or an
     *     integer beyond 64 bits, or anything after the value
     */
    public static Object parse(byte[] json, int maxBytes) {
        if (json.length > maxBytes) {
            throw new TrustException("JSON of " + json.length + " bytes is larger than " + maxBytes);
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new TrustException("empty JSON");
            }
            Object value = read(p, first);
            if (p.nextToken() != null) {
                throw new TrustException("JSON has data after its value");
            }
            return value;
        } catch (IOException e) {
            throw new TrustException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    l.add(read(p, v));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new TrustException("integer " + p.getText() + " is beyond 64 bits");
                }
                yield p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> throw new TrustException("number " + p.getText() + " is not an integer");
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new TrustException("unexpected JSON token " + t);
        };
    }
}
