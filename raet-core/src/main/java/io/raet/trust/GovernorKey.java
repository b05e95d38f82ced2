package io.raet.trust;

import io.raet.crypto.VerifyKey;
import io.raet.keep.KeepNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A governor as the genesis names it: a name and an Ed25519 verify key. Wire form {@code {"name": n, "verhex": v}}.
 *
 * @param name the governor's name
 * @param key its verify key
 */
public record GovernorKey(String name, VerifyKey key) {
    /**
     * Checks the name.
     *
     * @throws TrustException when it is not a valid name
     */
    public GovernorKey {
        KeepNames.problem(name).ifPresent(p -> {
            throw new TrustException("governor name " + p);
        });
        if (key == null) {
            throw new TrustException("governor " + name + " has no key");
        }
    }

    /** {@return the verify key as 64 hex characters} */
    public String verhex() {
        return key.hex();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("verhex", key.hex());
        return m;
    }

    static GovernorKey fromMap(Object value) {
        Fields f = Fields.of("governor", value, List.of("name", "verhex"));
        return new GovernorKey(f.name("name"), VerifyKey.fromHex(f.hex("verhex", 32)));
    }
}
