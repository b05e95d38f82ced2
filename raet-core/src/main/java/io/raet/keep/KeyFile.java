package io.raet.keep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A file of long-term secret keys given by path (never on a command line): a JSON object with {@code sighex} (the
 * Ed25519 seed) and {@code prihex} (the Curve25519 secret), 64 hex digits each, and optionally {@code verhex} and
 * {@code pubhex}, which must then be the public keys of those secrets: what {@code raet keygen} prints. The file must
 * be a regular file private to its owner (mode 0600 or 0400, as the keep's own key file), and at most 4 KiB.
 */
public final class KeyFile {
    /** Most bytes read from a key file. */
    public static final int MAX_BYTES = 4096;
    private static final Set<String> KEYS = Set.of("sighex", "prihex", "verhex", "pubhex");
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyFile() {}

    /**
     * The secret keys of a key file: the caller wipes them ({@code destroy()}) once they are used.
     *
     * @param signingKey the Ed25519 key
     * @param boxKeys the Curve25519 pair
     */
    public record Keys(SigningKey signingKey, BoxKeyPair boxKeys) {}

    /**
     * Reads and checks a key file.
     *
     * @param file the key file
     * @return its keys
     * @throws KeepException naming the file and what is wrong (never a key)
     */
    public static Keys read(Path file) {
        Checks.notNull("key file", file);
        KeyFiles.check(file, true);
        byte[] bytes;
        try {
            bytes = AtomicFiles.read(file, MAX_BYTES);
        } catch (IOException e) {
            throw new KeepException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        if (bytes == null) {
            throw new KeepException("key file " + file + " does not exist");
        }
        Map<?, ?> m;
        try {
            m = JSON.readValue(bytes, Map.class);
        } catch (IOException e) {
            throw new KeepException("key file " + file + " is not a JSON object with sighex and prihex (as raet"
                    + " keygen writes it)");
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
        if (m == null || !KEYS.containsAll(m.keySet().stream().map(String::valueOf).toList())) {
            throw new KeepException("key file " + file + " holds other keys than sighex, prihex, verhex and pubhex");
        }
        String sighex = text(m, "sighex", file);
        String prihex = text(m, "prihex", file);
        LocalRoleData data;
        try {
            data = new LocalRoleData("key", sighex, prihex);
        } catch (KeepException e) {
            throw new KeepException("key file " + file + ": " + e.getMessage());
        }
        if (m.get("verhex") != null && !data.verhex().equalsIgnoreCase(String.valueOf(m.get("verhex")))) {
            throw new KeepException("key file " + file + ": verhex is not the verify key of sighex");
        }
        if (m.get("pubhex") != null && !data.pubhex().equalsIgnoreCase(String.valueOf(m.get("pubhex")))) {
            throw new KeepException("key file " + file + ": pubhex is not the public key of prihex");
        }
        return new Keys(data.signingKey(), data.boxKeyPair());
    }

    private static String text(Map<?, ?> m, String key, Path file) {
        if (!(m.get(key) instanceof String s)) {
            throw new KeepException("key file " + file + " has no " + key + " (64 hex digits)");
        }
        return s;
    }

    /**
     * Writes the keys to {@code file} (mode 0600, atomically): {@code sighex}, {@code verhex}, {@code prihex},
     * {@code pubhex}.
     *
     * @param file the key file written
     * @param signingKey the Ed25519 key
     * @param boxKeys the Curve25519 pair
     */
    public static void write(Path file, SigningKey signingKey, BoxKeyPair boxKeys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sighex", signingKey.hex());
        m.put("verhex", signingKey.verifyKey().hex());
        m.put("prihex", boxKeys.hex());
        m.put("pubhex", boxKeys.publicKey().hex());
        try {
            AtomicFiles.write(file, (JSON.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new KeepException("cannot encode keys: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new KeepException("cannot write key file " + file + ": " + e, e);
        }
    }
}
