package io.raet.router;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON configuration file: one object whose keys must all be known (a misspelt setting is an error, never
 * silently ignored), read with typed getters that name the setting when its value has the wrong type. Relative
 * paths in it are taken from the file's directory. {@link RouterConfig} reads its file with it, and so do the
 * command-line tools.
 */
public final class ConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<?, ?> values;
    private final Path base;

    private ConfigFile(Map<?, ?> values, Path base) {
        this.values = values;
        this.base = base;
    }

    /**
     * Reads {@code file}; errors name the file.
     *
     * @param file the file
     * @param known the keys it may set
     * @param what what the file configures, for the message when it cannot be read (e.g. {@code router configuration})
     * @return the configuration
     * @throws IllegalArgumentException when the file cannot be read, is not a JSON object or has an unknown key
     */
    public static ConfigFile load(Path file, Set<String> known, String what) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text, file.toAbsolutePath().getParent(), known);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses configuration JSON; relative paths are resolved against {@code base} (null: as they are).
     *
     * @param json the JSON text
     * @param base the directory relative paths are taken from, or null
     * @param known the keys it may set
     * @return the configuration
     * @throws IllegalArgumentException when it is not a JSON object or has a key not in {@code known}
     */
    public static ConfigFile parse(String json, Path base, Set<String> known) {
        Object tree;
        try {
            tree = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + problem(e), e);
        }
        if (!(tree instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the configuration must be a JSON object");
        }
        for (Object k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown setting '" + k + "' (known: " + new TreeSet<>(known)
                        + ")");
            }
        }
        return new ConfigFile(m, base);
    }

    /**
     * {@return what is wrong with a JSON text, in one line: Jackson's reason without its internal detail, and where:
     * {@code Unexpected character ('x'): was expecting double-quote to start field name at line 1 column 3}}
     *
     * @param e the parse failure
     */
    public static String problem(JsonProcessingException e) {
        String reason = String.valueOf(e.getOriginalMessage());
        int nl = reason.indexOf('\n');
        if (nl >= 0) {
            reason = reason.substring(0, nl);
        }
        reason = reason.replaceAll(" \\(code \\d+\\)", "").replaceAll("\\s+", " ").strip();
        if (reason.length() > 160) {
            reason = reason.substring(0, 157) + "...";
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? reason
                : reason + " at line " + at.getLineNr() + " column " + at.getColumnNr();
    }

    /** {@return the keys present} */
    public Set<String> keys() {
        Set<String> out = new TreeSet<>();
        values.keySet().forEach(k -> out.add(String.valueOf(k)));
        return Collections.unmodifiableSet(out);
    }

    /**
     * {@return whether the file sets {@code key}}
     *
     * @param key the key
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * {@return the value as parsed (String, Integer, Long, Double, Boolean, List, Map or null)}
     *
     * @param key the key
     */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * {@return a string; {@link IllegalArgumentException} naming the key when it is something else}
     *
     * @param key the key
     */
    public String string(String key) {
        if (!(values.get(key) instanceof String s)) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return s;
    }

    /**
     * {@return an integer that fits an int; {@link IllegalArgumentException} naming the key when it is something else}
     *
     * @param key the key
     */
    public int integer(String key) {
        if (!(values.get(key) instanceof Integer i)) {
            throw new IllegalArgumentException("'" + key + "' must be an integer");
        }
        return i;
    }

    /**
     * {@return an integer that fits a long; {@link IllegalArgumentException} naming the key when it is something else}
     *
     * @param key the key
     */
    public long longInteger(String key) {
        Object v = values.get(key);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new IllegalArgumentException("'" + key + "' must be an integer");
        }
        return ((Number) v).longValue();
    }

    /**
     * {@code true} or {@code false}; {@link IllegalArgumentException} naming the key when it is something else.
     *
     * @param key the key
     * @return the boolean
     */
    public boolean bool(String key) {
        if (!(values.get(key) instanceof Boolean b)) {
            throw new IllegalArgumentException("'" + key + "' must be true or false");
        }
        return b;
    }

    /**
     * {@return a number (an integer or a decimal); {@link IllegalArgumentException} naming the key when it is something
     * else}
     *
     * @param key the key
     */
    public double number(String key) {
        if (!(values.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("'" + key + "' must be a number");
        }
        return n.doubleValue();
    }

    /**
     * A nested object as a configuration of its own (same directory for relative paths), its keys checked against
     * {@code known}; errors name {@code key}.
     *
     * @param key the key
     * @param known the keys the section may set
     * @return the section
     */
    public ConfigFile section(String key, Set<String> known) {
        if (!(values.get(key) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("'" + key + "' must be an object");
        }
        for (Object k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("'" + key + "': unknown setting '" + k + "' (known: "
                        + new TreeSet<>(known) + ")");
            }
        }
        return new ConfigFile(m, base);
    }

    /**
     * {@return a list; an absent key is an empty list}
     *
     * @param key the key
     */
    public List<?> list(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("'" + key + "' must be a list");
        }
        return l;
    }

    /**
     * {@return a list of strings ({@code what} they are, for the message when they are not); absent: an empty list}
     *
     * @param key the key
     * @param what what the strings are, for the message
     */
    public List<String> strings(String key, String what) {
        List<?> l = list(key);
        for (Object o : l) {
            if (!(o instanceof String)) {
                throw new IllegalArgumentException("'" + key + "' must be a list of " + what);
            }
        }
        @SuppressWarnings("unchecked")
        List<String> s = (List<String>) l;
        return s;
    }

    /**
     * {@return a path; a relative one is taken from the file's directory}
     *
     * @param key the key
     */
    public Path path(String key) {
        return resolve(string(key));
    }

    /**
     * {@code path} as the file means it: a relative one is taken from the file's directory.
     *
     * @param path the path as written
     * @return the path
     */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return base == null || p.isAbsolute() ? p : base.resolve(p);
    }
}
