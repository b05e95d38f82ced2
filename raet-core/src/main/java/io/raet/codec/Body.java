package io.raet.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Serialization of packet and page bodies, byte-compatible with the reference.
 *
 * <p>JSON is written like Python's {@code json.dumps(body, separators=(',', ':'))}: compact, map insertion order,
 * every character outside printable ASCII escaped as {@code \}{@code u} with lowercase hex (astral characters as
 * surrogate pairs), floats spelled like Python's {@code repr} ({@code NaN}, {@code Infinity} included).
 * Msgpack is written like Python msgpack ≥ 1.0 {@code packb}: text as the str family (str8 allowed), {@code byte[]}
 * as bin, floats as float64, integers in their smallest encoding. An empty mapping is written as zero bytes.
 *
 * <p>Decoding returns a {@code LinkedHashMap<String, Object>} with nested {@code LinkedHashMap}s and
 * {@code ArrayList}s, {@code String}, {@code Long} (or {@code BigInteger} beyond a long), {@code Double},
 * {@code Boolean}, {@code null} and, from msgpack bin, {@code byte[]}. Map keys must be strings (msgpack bin or
 * integer keys are rejected). Msgpack extension types are rejected. Nesting is limited to {@value #MAX_DEPTH}
 * levels.
 */
public final class Body {
    /** Maximum nesting of maps and lists, on encode and decode. */
    public static final int MAX_DEPTH = 1000;

    private static final byte[] EMPTY = new byte[0];
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(RoadCodec.MAX_MESSAGE_SIZE)
                    .maxNestingDepth(MAX_DEPTH)
                    .build())
            .build();

    private Body() {}

    /**
     * Appends {@code s} as a JSON string spelled as Python's {@code json.dumps} with {@code ensure_ascii} writes it:
     * short escapes for quote, backslash and the five control characters, {@code \\uXXXX} (lowercase hex, UTF-16
     * units) for everything else outside 0x20..0x7e.
     *
     * @param sb where the string is appended
     * @param s the string
     */
    public static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append(c);
                    } else {
                        sb.append("\\u").append(HEX[c >>> 12]).append(HEX[(c >>> 8) & 0xf])
                                .append(HEX[(c >>> 4) & 0xf]).append(HEX[c & 0xf]);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Serializes {@code body} per {@code bk}; see the class description. {@code null} is an empty mapping.
     *
     * @param bk the body kind
     * @param body the body
     * @return the serialized body
     * @throws PacketException when the body cannot be serialized per {@code bk}
     */
    public static byte[] encode(BodyKind bk, Object body) throws PacketException {
        return switch (bk) {
            case NADA -> EMPTY;
            case RAW -> {
                if (body == null) {
                    yield EMPTY;
                }
                if (body instanceof byte[] raw) {
                    yield raw;
                }
                throw new PacketException(Reason.BAD_BODY, "raw body must be byte[], not " + body.getClass().getName());
            }
            case JSON -> encodeJson(requireMap(body));
            case MSGPACK -> encodeMsgpack(requireMap(body));
        };
    }

    /**
     * Serializes a lane page body per {@code pk}.
     *
     * @param pk the pack kind
     * @param body the body, a mapping
     * @return the serialized body
     * @throws PacketException when the body cannot be serialized
     */
    public static byte[] encode(PackKind pk, Object body) throws PacketException {
        return encode(pk == PackKind.JSON ? BodyKind.JSON : BodyKind.MSGPACK, body);
    }

    /**
     * Deserializes {@code buf[off, off+len)} per {@code bk}; see the class description.
     *
     * @param bk the body kind
     * @param buf the array holding the body
     * @param off its first byte
     * @param len its length
     * @return the body
     * @throws PacketException when the bytes are not a body of that kind
     */
    public static Object decode(BodyKind bk, byte[] buf, int off, int len) throws PacketException {
        checkRange(buf, off, len);
        return switch (bk) {
            case NADA -> new LinkedHashMap<String, Object>();
            case RAW -> java.util.Arrays.copyOfRange(buf, off, off + len);
            case JSON -> decodeJson(buf, off, len);
            case MSGPACK -> decodeMsgpack(buf, off, len);
        };
    }

    /**
     * Deserializes a lane page body per {@code pk}: always a mapping.
     *
     * @param pk the pack kind
     * @param buf the array holding the body
     * @param off its first byte
     * @param len its length
     * @return the body
     * @throws PacketException when the bytes are not a mapping of that kind
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decode(PackKind pk, byte[] buf, int off, int len) throws PacketException {
        return (Map<String, Object>) decode(pk == PackKind.JSON ? BodyKind.JSON : BodyKind.MSGPACK, buf, off, len);
    }

    private static Map<?, ?> requireMap(Object body) throws PacketException {
        if (body == null) {
            return Map.of();
        }
        if (body instanceof Map<?, ?> m) {
            return m;
        }
        throw new PacketException(Reason.BAD_BODY, "body must be a mapping, not " + body.getClass().getName());
    }

    static void checkRange(byte[] buf, int off, int len) throws PacketException {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new PacketException(Reason.BAD_LENGTH, "range [" + off + ", +" + len + ") outside the buffer");
        }
    }

    // ---------------------------------------------------------------- JSON

    private static byte[] encodeJson(Map<?, ?> map) throws PacketException {
        if (map.isEmpty()) {
            return EMPTY;
        }
        StringBuilder sb = new StringBuilder(128);
        writeJson(sb, map, 0);
        // Only ASCII was written.
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Python {@code json.dumps(value, separators=(',', ':'))} of any supported value, as a string. */
    static String toJson(Object value) throws PacketException {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value, 0);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, Object v, int depth) throws PacketException {
        if (depth > MAX_DEPTH) {
            throw new PacketException(Reason.BAD_BODY, "body nested deeper than " + MAX_DEPTH);
        }
        switch (v) {
            case null -> sb.append("null");
            case String s -> appendJsonString(sb, s);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Long n -> sb.append(n.longValue());
            case Integer n -> sb.append(n.intValue());
            case Short n -> sb.append(n.shortValue());
            case Byte n -> sb.append(n.byteValue());
            case BigInteger n -> sb.append(n);
            case Double n -> sb.append(PyText.floatRepr(n));
            case Float n -> sb.append(PyText.floatRepr(n.doubleValue()));
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendJsonString(sb, jsonKey(e.getKey()));
                    sb.append(':');
                    writeJson(sb, e.getValue(), depth + 1);
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                boolean first = true;
                for (Object o : l) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    writeJson(sb, o, depth + 1);
                }
                sb.append(']');
            }
            case Object[] a -> writeJson(sb, java.util.Arrays.asList(a), depth);
            default -> throw new PacketException(Reason.BAD_BODY,
                    "cannot serialize " + v.getClass().getName() + " as JSON");
        }
    }

    /** Map keys as Python's json module converts them. */
    private static String jsonKey(Object k) throws PacketException {
        return switch (k) {
            case null -> "null";
            case String s -> s;
            case Boolean b -> b ? "true" : "false";
            case Long n -> n.toString();
            case Integer n -> n.toString();
            case Short n -> n.toString();
            case Byte n -> n.toString();
            case BigInteger n -> n.toString();
            case Double n -> PyText.floatRepr(n);
            case Float n -> PyText.floatRepr(n.doubleValue());
            default -> throw new PacketException(Reason.BAD_BODY,
                    "JSON keys must be strings, not " + k.getClass().getName());
        };
    }


    private static Map<String, Object> decodeJson(byte[] buf, int off, int len) throws PacketException {
        if (len == 0) {
            return new LinkedHashMap<>();
        }
        String text = utf8(buf, off, len);
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new PacketException(Reason.BAD_BODY, "JSON body is not a mapping");
            }
            Object value = readJson(p, t);
            if (p.nextToken() != null) {
                throw new PacketException(Reason.BAD_BODY, "extra data after the JSON body");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            return map;
        } catch (PacketException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PacketException(Reason.BAD_BODY, "malformed JSON body: " + e.getMessage(), e);
        }
    }

    private static Object readJson(JsonParser p, JsonToken t) throws IOException, PacketException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    map.put(key, readJson(p, p.nextToken()));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new PacketException(Reason.BAD_BODY, "malformed JSON object");
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == null) {
                        throw new PacketException(Reason.BAD_BODY, "truncated JSON array");
                    }
                    list.add(readJson(p, e));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> {
                        BigInteger b = p.getBigIntegerValue();
                        yield b.bitLength() < 64 ? (Object) b.longValue() : b;
                    }
                };
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new PacketException(Reason.BAD_BODY, "unexpected JSON token " + t);
        }
    }

    // ---------------------------------------------------------------- msgpack

    private static byte[] encodeMsgpack(Map<?, ?> map) throws PacketException {
        if (map.isEmpty()) {
            return EMPTY;
        }
        try (MessageBufferPacker pk = MessagePack.newDefaultBufferPacker()) {
            writePack(pk, map, 0);
            return pk.toByteArray();
        } catch (PacketException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PacketException(Reason.BAD_BODY, "cannot serialize body as msgpack: " + e.getMessage(), e);
        }
    }

    private static void writePack(MessageBufferPacker pk, Object v, int depth) throws IOException, PacketException {
        if (depth > MAX_DEPTH) {
            throw new PacketException(Reason.BAD_BODY, "body nested deeper than " + MAX_DEPTH);
        }
        switch (v) {
            case null -> pk.packNil();
            case String s -> {
                byte[] b = utf8Strict(s);
                pk.packRawStringHeader(b.length);
                pk.writePayload(b);
            }
            case Boolean b -> pk.packBoolean(b);
            case Long n -> pk.packLong(n);
            case Integer n -> pk.packLong(n);
            case Short n -> pk.packLong(n);
            case Byte n -> pk.packLong(n);
            case BigInteger n -> {
                if (n.bitLength() > 64 || (n.signum() < 0 && n.bitLength() > 63)) {
                    throw new PacketException(Reason.BAD_BODY, "integer out of msgpack range: " + n);
                }
                pk.packBigInteger(n);
            }
            case Double n -> pk.packDouble(n);
            case Float n -> pk.packDouble(n.doubleValue());
            case byte[] b -> {
                pk.packBinaryHeader(b.length);
                pk.writePayload(b);
            }
            case Map<?, ?> m -> {
                pk.packMapHeader(m.size());
                int count = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    writePack(pk, e.getKey(), depth + 1);
                    writePack(pk, e.getValue(), depth + 1);
                    count++;
                }
                if (count != m.size()) {
                    throw new PacketException(Reason.BAD_BODY, "map changed while serializing");
                }
            }
            case List<?> l -> {
                pk.packArrayHeader(l.size());
                int count = 0;
                for (Object o : l) {
                    writePack(pk, o, depth + 1);
                    count++;
                }
                if (count != l.size()) {
                    throw new PacketException(Reason.BAD_BODY, "list changed while serializing");
                }
            }
            case Object[] a -> writePack(pk, java.util.Arrays.asList(a), depth);
            default -> throw new PacketException(Reason.BAD_BODY,
                    "cannot serialize " + v.getClass().getName() + " as msgpack");
        }
    }

    private static Map<String, Object> decodeMsgpack(byte[] buf, int off, int len) throws PacketException {
        if (len == 0) {
            return new LinkedHashMap<>();
        }
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(buf, off, len)) {
            if (u.getNextFormat().getValueType() != org.msgpack.value.ValueType.MAP) {
                throw new PacketException(Reason.BAD_BODY, "msgpack body is not a mapping");
            }
            Object value = readPack(u, len, 0);
            if (u.hasNext()) {
                throw new PacketException(Reason.BAD_BODY, "extra data after the msgpack body");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            return map;
        } catch (PacketException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PacketException(Reason.BAD_BODY, "malformed msgpack body: " + e.getMessage(), e);
        }
    }

    private static long remaining(MessageUnpacker u, int len) {
        return len - u.getTotalReadBytes();
    }

    private static Object readPack(MessageUnpacker u, int len, int depth) throws IOException, PacketException {
        if (depth > MAX_DEPTH) {
            throw new PacketException(Reason.BAD_BODY, "msgpack body nested deeper than " + MAX_DEPTH);
        }
        MessageFormat f = u.getNextFormat();
        switch (f.getValueType()) {
            case NIL:
                u.unpackNil();
                return null;
            case BOOLEAN:
                return u.unpackBoolean();
            case INTEGER:
                if (f == MessageFormat.UINT64) {
                    BigInteger b = u.unpackBigInteger();
                    return b.bitLength() < 64 ? (Object) b.longValue() : b;
                }
                return u.unpackLong();
            case FLOAT:
                return u.unpackDouble();
            case STRING:
                return utf8(readPayload(u, u.unpackRawStringHeader(), len));
            case BINARY:
                return readPayload(u, u.unpackBinaryHeader(), len);
            case ARRAY: {
                int n = u.unpackArrayHeader();
                if (n < 0 || n > remaining(u, len)) {
                    throw new PacketException(Reason.BAD_BODY, "msgpack array longer than its data");
                }
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readPack(u, len, depth + 1));
                }
                return list;
            }
            case MAP: {
                int n = u.unpackMapHeader();
                if (n < 0 || 2L * n > remaining(u, len)) {
                    throw new PacketException(Reason.BAD_BODY, "msgpack map longer than its data");
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    if (u.getNextFormat().getValueType() != org.msgpack.value.ValueType.STRING) {
                        throw new PacketException(Reason.BAD_BODY, "msgpack map key is not a string");
                    }
                    String key = utf8(readPayload(u, u.unpackRawStringHeader(), len));
                    map.put(key, readPack(u, len, depth + 1));
                }
                return map;
            }
            default:
                throw new PacketException(Reason.BAD_BODY, "unsupported msgpack type " + f);
        }
    }

    private static byte[] readPayload(MessageUnpacker u, int n, int len) throws IOException, PacketException {
        if (n < 0 || n > remaining(u, len)) {
            throw new PacketException(Reason.BAD_BODY, "msgpack value longer than its data");
        }
        return u.readPayload(n);
    }

    // ---------------------------------------------------------------- UTF-8

    private static String utf8(byte[] b) throws PacketException {
        return utf8(b, 0, b.length);
    }

    /** Strict UTF-8 decoding as Python's {@code bytes.decode()}: malformed input is {@link Reason#BAD_BODY}. */
    static String utf8(byte[] b, int off, int len) throws PacketException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PacketException(Reason.BAD_BODY, "invalid UTF-8", e);
        }
    }

    /** UTF-8 encoding that rejects unpaired surrogates, as Python's {@code str.encode()}. */
    static byte[] utf8Strict(String s) throws PacketException {
        try {
            ByteBuffer bb = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[bb.remaining()];
            bb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new PacketException(Reason.BAD_BODY, "string with an unpaired surrogate", e);
        }
    }
}
