package io.raet.keep;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dump(data, f, indent=2)} does (defaults {@code ensure_ascii=True},
 * separators {@code ","} and {@code ": "}, no trailing newline). Supported values: {@code null}, {@link Boolean},
 * {@link Integer}, {@link Long}, {@link String}, {@link List} and {@link Map} with string keys (insertion order).
 */
final class PyJson {

    private PyJson() {}

    static byte[] dump(Object value) {
        StringBuilder sb = new StringBuilder(512);
        write(sb, value, 0);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(StringBuilder sb, Object value, int level) {
        switch (value) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Integer i -> sb.append(i.intValue());
            case Long l -> sb.append(l.longValue());
            case String s -> string(sb, s);
            case List<?> list -> {
                if (list.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                boolean first = true;
                for (Object item : list) {
                    sb.append(first ? "\n" : ",\n");
                    first = false;
                    indent(sb, level + 1);
                    write(sb, item, level + 1);
                }
                sb.append('\n');
                indent(sb, level);
                sb.append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(first ? "\n" : ",\n");
                    first = false;
                    indent(sb, level + 1);
                    string(sb, (String) e.getKey());
                    sb.append(": ");
                    write(sb, e.getValue(), level + 1);
                }
                sb.append('\n');
                indent(sb, level);
                sb.append('}');
            }
            default -> throw new IllegalArgumentException("unsupported JSON value " + value.getClass());
        }
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append("  ");
        }
    }

    /** Python's {@code ensure_ascii} escaping, shared with message bodies. */
    private static void string(StringBuilder sb, String s) {
        io.raet.codec.Body.appendJsonString(sb, s);
    }
}
