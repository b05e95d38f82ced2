package io.raet.trust;

import io.raet.crypto.Hex;
import io.raet.crypto.SigningKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One governor's Ed25519 signature over a version's canonical bytes. Wire form {@code {"governor": name, "sig": 128
 * hex}}.
 *
 * @param governor the governor's name
 * @param sig the signature, 128 hex characters
 */
public record GovernorSignature(String governor, String sig) {
    /**
     * Checks both fields.
     *
     * @throws TrustException naming what is wrong
     */
    public GovernorSignature {
        Fields f = Fields.of("signature", Map.of("governor", governor == null ? "" : governor, "sig",
                sig == null ? "" : sig), List.of("governor", "sig"));
        f.name("governor");
        f.hex("sig", 64);
    }

    /**
     * Signs {@code body} as governor {@code name}, with no vote recorded: {@link Governor#sign} is what an honest
     * governor uses.
     *
     * @param name the governor's name
     * @param key its signing key
     * @param body the version signed
     * @return the signature
     */
    public static GovernorSignature sign(String name, SigningKey key, PolicyVersion body) {
        return new GovernorSignature(name, Hex.encode(key.sign(body.canonical())));
    }

    /** Whether this is {@code key}'s signature over {@code body}. */
    boolean verifies(io.raet.crypto.VerifyKey key, PolicyVersion body) {
        return key.verify(Hex.decode(sig), body.canonical());
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("governor", governor);
        m.put("sig", sig);
        return m;
    }

    static GovernorSignature fromMap(Object value) {
        Fields f = Fields.of("signature", value, List.of("governor", "sig"));
        return new GovernorSignature(f.name("governor"), f.hex("sig", 64));
    }
}
