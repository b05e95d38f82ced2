package io.raet.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The reference wire vectors (JSON lines) and the keys needed to check them. */
public final class Vectors {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Vectors() {}

    /**
     * The directory of the reference vectors: {@code testdata/raet-reference} of the repository, which the build
     * puts on the test classpath as {@code vectors/raet-reference}.
     */
    public static Path dir() {
        URL keys = Vectors.class.getResource("/vectors/raet-reference/keys.json");
        if (keys == null) {
            throw new IllegalStateException("reference vectors missing from the test classpath "
                    + "(testdata/raet-reference in the repository, copied to vectors/raet-reference by the build)");
        }
        try {
            return Path.of(keys.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> files(String glob) {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> lines(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> lines(Path file, String type) {
        return lines(file).stream().filter(n -> type.equals(n.path("type").asText())).toList();
    }

    static JsonNode keys() {
        try {
            return MAPPER.readTree(dir().resolve("keys.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(JsonNode n) {
        return Hex.decode(n.asText());
    }

    /**
     * Every Curve25519 secret the vectors reveal (long-term keys and the session keys of every file), indexed by
     * the hex of its public key.
     */
    static Map<String, BoxKeyPair> boxSecrets() {
        Map<String, BoxKeyPair> out = new HashMap<>();
        JsonNode keys = keys();
        for (String who : List.of("alpha", "beta")) {
            BoxKeyPair kp = BoxKeyPair.fromHex(keys.get(who).get("prihex").asText());
            out.put(kp.publicKey().hex(), kp);
        }
        for (Path f : files("*.jsonl")) {
            for (JsonNode s : lines(f, "session")) {
                s.get("remotes").forEach(r -> {
                    String pri = r.path("short_prihex").asText("");
                    if (pri.length() == 64) {
                        BoxKeyPair kp = BoxKeyPair.fromHex(pri);
                        out.put(kp.publicKey().hex(), kp);
                    }
                });
            }
        }
        return out;
    }
}
