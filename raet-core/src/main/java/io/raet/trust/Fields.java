package io.raet.trust;

import io.raet.crypto.Hex;
import io.raet.keep.KeepNames;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A JSON object of the trust plane whose key set was checked; accessors throw {@link TrustException} naming the field. */
final class Fields {
    private final String what;
    private final Map<?, ?> map;

    private Fields(String what, Map<?, ?> map) {
        this.what = what;
        this.map = map;
    }

    /** {@code value} as an object with exactly the keys {@code keys}. */
    static Fields of(String what, Object value, List<String> keys) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new TrustException(what + " must be a JSON object, not " + describe(value));
        }
        Set<Object> present = new LinkedHashSet<>(m.keySet());
        if (!present.equals(new LinkedHashSet<Object>(keys))) {
            Set<String> missing = new TreeSet<>(keys);
            present.forEach(missing::remove);
            Set<String> unexpected = new TreeSet<>();
            for (Object k : present) {
                if (!keys.contains(k)) {
                    unexpected.add(String.valueOf(k));
                }
            }
            throw new TrustException(what + " has the wrong keys:" + (missing.isEmpty() ? "" : " missing " + missing)
                    + (unexpected.isEmpty() ? "" : " unexpected " + unexpected));
        }
        return new Fields(what, m);
    }

    Object get(String key) {
        return map.get(key);
    }

    String string(String key, int maxLength) {
        Object v = map.get(key);
        if (!(v instanceof String s)) {
            throw new TrustException(what + "." + key + " must be a string, not " + describe(v));
        }
        if (s.length() > maxLength) {
            throw new TrustException(what + "." + key + " is longer than " + maxLength + " characters");
        }
        return s;
    }

    /** A valid keep name (the rules of estate and role names). */
    String name(String key) {
        String s = string(key, KeepNames.MAX_BYTES);
        KeepNames.problem(s).ifPresent(p -> {
            throw new TrustException(what + "." + key + " " + p);
        });
        return s;
    }

    long integer(String key, long min, long max) {
        Object v = map.get(key);
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if (v instanceof Integer i) {
            n = i;
        } else {
            throw new TrustException(what + "." + key + " must be an integer, not " + describe(v));
        }
        if (n < min || n > max) {
            throw new TrustException(what + "." + key + " must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    List<?> list(String key, int maxSize) {
        Object v = map.get(key);
        if (!(v instanceof List<?> l)) {
            throw new TrustException(what + "." + key + " must be a list, not " + describe(v));
        }
        if (l.size() > maxSize) {
            throw new TrustException(what + "." + key + " has " + l.size() + " entries, more than " + maxSize);
        }
        return l;
    }

    /** Lowercase hex of exactly {@code bytes} bytes. */
    String hex(String key, int bytes) {
        String s = string(key, 2 * bytes);
        if (s.length() != 2 * bytes || !s.equals(s.toLowerCase(Locale.ROOT))) {
            throw new TrustException(what + "." + key + " must be " + 2 * bytes + " lowercase hex characters");
        }
        try {
            Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw new TrustException(what + "." + key + ": " + e.getMessage());
        }
        return s;
    }

    static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "a list";
            case Boolean b -> b.toString();
            default -> v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + v;
        };
    }
}
