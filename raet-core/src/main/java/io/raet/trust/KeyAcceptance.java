package io.raet.trust;

import io.raet.crypto.Hex;
import io.raet.keep.KeepNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Accept role R with these keys": an estate's long-term keys, accepted by the governors for every router at once
 * (a router applies it as {@code RoadKeep.acceptRole(role, verhex, pubhex)}). Wire form
 * {@code {"role": r, "verhex": v, "pubhex": p}}.
 *
 * @param role the role
 * @param verhex the verify key, hex
 * @param pubhex the public key, hex
 */
public record KeyAcceptance(String role, String verhex, String pubhex) {
    /**
     * Checks the role and both keys.
     *
     * @throws TrustException naming what is wrong
     */
    public KeyAcceptance {
        KeepNames.problem(role).ifPresent(p -> {
            throw new TrustException("accepted role " + p);
        });
        verhex = key("verhex", verhex);
        pubhex = key("pubhex", pubhex);
    }

    private static String key(String what, String hex) {
        if (hex == null || hex.length() != 64) {
            throw new TrustException(what + " must be 64 hex characters");
        }
        try {
            Hex.decode(hex);
        } catch (IllegalArgumentException e) {
            throw new TrustException(what + ": " + e.getMessage());
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("verhex", verhex);
        m.put("pubhex", pubhex);
        return m;
    }

    static KeyAcceptance fromMap(Object value) {
        Fields f = Fields.of("acceptance", value, List.of("role", "verhex", "pubhex"));
        return new KeyAcceptance(f.name("role"), f.hex("verhex", 32), f.hex("pubhex", 32));
    }
}
