package io.raet.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.router.ConfigFile;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** One JSON object per output line. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Reads one JSON value and nothing after it. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static synchronized void line(PrintStream out, Map<String, ?> m) {
        try {
            out.println(MAPPER.writeValueAsString(m));
            out.flush();
        } catch (JsonProcessingException e) {
            out.println("{\"event\":\"error\",\"error\":\"unprintable value\"}");
        }
    }

    /**
     * Prints {@code {"event": "stats", "stats": counters}} every {@code seconds} (0: never) on a virtual thread until
     * the counters can no longer be had.
     */
    static void statsEvery(int seconds, java.util.function.Supplier<Map<String, Long>> counters) {
        if (seconds <= 0) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(seconds * 1000L);
                    line(System.out, obj("event", "stats", "stats", counters.get()));
                }
            } catch (InterruptedException | IllegalStateException e) {
                // closed
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) throws JsonProcessingException {
        Object o = MAPPER.readValue(text, Object.class);
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("not a JSON object");
    }

    /**
     * One JSON value given on the command line, or a usage error in one line: {@code <what> is not valid JSON:
     * <reason> at line L column C<hint>}.
     */
    static Object value(String text, String what, String hint) {
        try {
            return STRICT.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw CliException.usage(what + " is not valid JSON: " + ConfigFile.problem(e) + hint);
        }
    }
}
