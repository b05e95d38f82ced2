package io.raet.keep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Conversion between keep records and the reference's JSON documents, with strict validation on read. */
final class Codec {
    static final List<String> LOCAL_ESTATE_KEYS =
            List.of("name", "uid", "ha", "iha", "natted", "fqdn", "dyned", "sid", "puid", "aha", "role");
    static final List<String> LOCAL_ROLE_KEYS = List.of("role", "sighex", "prihex");
    static final List<String> REMOTE_ESTATE_KEYS = List.of(
            "name", "uid", "fuid", "ha", "iha", "natted", "fqdn", "dyned", "sid", "main", "kind", "joined", "role");
    static final List<String> REMOTE_ROLE_KEYS = List.of("role", "acceptance", "verhex", "pubhex");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Codec() {}

    // ---- write ----

    static byte[] encode(LocalEstateData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("uid", d.uid());
        m.put("ha", address(d.ha()));
        m.put("iha", address(d.iha()));
        m.put("natted", d.natted());
        m.put("fqdn", d.fqdn());
        m.put("dyned", d.dyned());
        m.put("sid", d.sid());
        m.put("puid", d.puid());
        m.put("aha", address(d.aha()));
        m.put("role", d.role());
        return PyJson.dump(m);
    }

    static byte[] encode(LocalRoleData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", d.role());
        m.put("sighex", d.sighex());
        m.put("prihex", d.prihex());
        return PyJson.dump(m);
    }

    static byte[] encode(RemoteEstateData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("uid", d.uid());
        m.put("fuid", d.fuid());
        m.put("ha", address(d.ha()));
        m.put("iha", address(d.iha()));
        m.put("natted", d.natted());
        m.put("fqdn", d.fqdn());
        m.put("dyned", d.dyned());
        m.put("sid", d.sid());
        m.put("main", d.main());
        m.put("kind", d.kind());
        m.put("joined", d.joined());
        m.put("role", d.role());
        return PyJson.dump(m);
    }

    static byte[] encode(RemoteRoleData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", d.role());
        m.put("acceptance", d.acceptance() == null ? null : d.acceptance().value());
        m.put("verhex", d.verhex());
        m.put("pubhex", d.pubhex());
        return PyJson.dump(m);
    }

    private static List<Object> address(HostPort hp) {
        return hp == null ? null : List.of(hp.host(), hp.port());
    }

    // ---- read ----

    static LocalEstateData decodeLocalEstate(byte[] bytes) {
        Doc d = Doc.parse(bytes, LOCAL_ESTATE_KEYS);
        return new LocalEstateData(
                d.string("name"),
                d.u32("uid"),
                d.address("ha"),
                d.nullableAddress("iha"),
                d.nullableBool("natted"),
                d.string("fqdn"),
                d.nullableBool("dyned"),
                d.u32("sid"),
                d.u32("puid"),
                d.address("aha"),
                d.string("role"));
    }

    static LocalRoleData decodeLocalRole(byte[] bytes) {
        Doc d = Doc.parse(bytes, LOCAL_ROLE_KEYS);
        return new LocalRoleData(d.string("role"), d.string("sighex"), d.string("prihex"));
    }

    static RemoteEstateData decodeRemoteEstate(byte[] bytes) {
        Doc d = Doc.parse(bytes, REMOTE_ESTATE_KEYS);
        return new RemoteEstateData(
                d.string("name"),
                d.u32("uid"),
                d.u32("fuid"),
                d.address("ha"),
                d.nullableAddress("iha"),
                d.nullableBool("natted"),
                d.string("fqdn"),
                d.nullableBool("dyned"),
                d.u32("sid"),
                d.bool("main"),
                (int) d.integer("kind", 0, 0xff),
                d.nullableBool("joined"),
                d.string("role"));
    }

    static RemoteRoleData decodeRemoteRole(byte[] bytes) {
        Doc d = Doc.parse(bytes, REMOTE_ROLE_KEYS);
        Acceptance acceptance =
                d.node("acceptance").isNull() ? null : Acceptance.fromValue(d.integer("acceptance", 0, 2));
        return new RemoteRoleData(d.string("role"), acceptance, d.string("verhex"), d.string("pubhex"));
    }

    /** Parses a keep file that must be one JSON object (strict: no duplicate keys, nothing after it). */
    static JsonNode readObject(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new KeepException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new KeepException("not valid JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new KeepException("empty file");
        }
        if (!root.isObject()) {
            throw new KeepException("not a JSON object");
        }
        return root;
    }

    /** A parsed JSON object whose key set was checked; accessors throw {@link KeepException} naming the field. */
    record Doc(JsonNode root) {
        static Doc parse(byte[] bytes, List<String> keys) {
            return parse(readObject(bytes), keys);
        }

        /** A JSON object whose key set must be exactly {@code keys}. */
        static Doc parse(JsonNode root, List<String> keys) {
            Set<String> present = new LinkedHashSet<>();
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                present.add(it.next());
            }
            if (!present.equals(new LinkedHashSet<>(keys))) {
                Set<String> missing = new TreeSet<>(keys);
                missing.removeAll(present);
                Set<String> unexpected = new TreeSet<>(present);
                keys.forEach(unexpected::remove);
                List<String> parts = new ArrayList<>();
                if (!missing.isEmpty()) {
                    parts.add("missing keys " + missing);
                }
                if (!unexpected.isEmpty()) {
                    parts.add("unexpected keys " + unexpected);
                }
                throw new KeepException("wrong key set: " + String.join(", ", parts));
            }
            return new Doc(root);
        }

        JsonNode node(String key) {
            return root.get(key);
        }

        String string(String key) {
            JsonNode n = node(key);
            if (!n.isTextual()) {
                throw new KeepException("field '" + key + "' must be a string, got " + kind(n));
            }
            return n.textValue();
        }

        long integer(String key, long min, long max) {
            JsonNode n = node(key);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new KeepException("field '" + key + "' must be an integer, got " + kind(n));
            }
            long v = n.longValue();
            if (v < min || v > max) {
                throw new KeepException("field '" + key + "' must be " + min + ".." + max + ", got " + v);
            }
            return v;
        }

        long u32(String key) {
            return integer(key, 0, Checks.MAX_U32);
        }

        boolean bool(String key) {
            JsonNode n = node(key);
            if (!n.isBoolean()) {
                throw new KeepException("field '" + key + "' must be true or false, got " + kind(n));
            }
            return n.booleanValue();
        }

        Boolean nullableBool(String key) {
            return node(key).isNull() ? null : bool(key);
        }

        HostPort address(String key) {
            JsonNode n = node(key);
            if (!n.isArray() || n.size() != 2 || !n.get(0).isTextual() || !n.get(1).isIntegralNumber()
                    || !n.get(1).canConvertToInt()) {
                throw new KeepException("field '" + key + "' must be [host, port], got " + kind(n));
            }
            int port = n.get(1).intValue();
            if (port < 0 || port > 0xffff) {
                throw new KeepException("field '" + key + "' port must be 0..65535, got " + port);
            }
            try {
                return new HostPort(n.get(0).textValue(), port);
            } catch (KeepException e) {
                throw new KeepException("field '" + key + "': " + e.getMessage());
            }
        }

        HostPort nullableAddress(String key) {
            return node(key).isNull() ? null : address(key);
        }

        private static String kind(JsonNode n) {
            return switch (n.getNodeType()) {
                case ARRAY -> "an array of " + n.size();
                case BOOLEAN -> n.asText();
                case NULL -> "null";
                case NUMBER -> "number " + n.asText();
                case OBJECT -> "an object";
                case STRING -> "a string";
                default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }
}
