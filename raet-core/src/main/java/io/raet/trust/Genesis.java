package io.raet.trust;

import io.raet.crypto.VerifyKey;
import io.raet.keep.KeepNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The root of a trust domain, provisioned to every router and governor out of band: the domain's id, its N
 * governors with their verify keys, and the threshold M of distinct governor signatures a policy version needs.
 * Wire form (docs/security.md):
 *
 * <pre>
 * {"trust": "genesis", "id": "prod", "threshold": 2,
 *  "governors": [{"name": "gov1", "verhex": "…"}, …]}     governors sorted by name
 * </pre>
 *
 * <p>M must be more than half of N: then any two sets of M governors share at least {@code 2M − N} governors, so two
 * different versions with the same number both gather M signatures only if at least {@code 2M − N} governors signed
 * both. Honest governors never do (each records its one vote per version); so with at most {@link #forkTolerance()}
 * compromised governors no fork is possible, and with at most {@link #outageTolerance()} governors away versions
 * still pass.
 */
public final class Genesis {
    private final String id;
    private final int threshold;
    private final List<GovernorKey> governors;
    private final String hash;

    /**
     * A genesis: a trust domain's id, how many governors must sign a version, and the governors.
     *
     * @param id the trust domain's id
     * @param threshold the least number of distinct governor signatures a version needs
     * @param governors the governors
     * @throws TrustException when the id, the threshold or a governor is not valid
     */
    public Genesis(String id, int threshold, List<GovernorKey> governors) {
        if (id == null || id.length() > Limits.MAX_TEXT) {
            throw new TrustException("genesis id must be a name of at most " + Limits.MAX_TEXT + " characters");
        }
        KeepNames.problem(id).ifPresent(p -> {
            throw new TrustException("genesis id " + p);
        });
        if (governors == null || governors.isEmpty() || governors.size() > Limits.MAX_GOVERNORS) {
            throw new TrustException("a genesis names 1.." + Limits.MAX_GOVERNORS + " governors");
        }
        List<GovernorKey> sorted = new ArrayList<>(governors);
        sorted.sort(Comparator.comparing(GovernorKey::name));
        Set<String> names = new HashSet<>();
        Set<VerifyKey> keys = new HashSet<>();
        for (GovernorKey g : sorted) {
            if (!names.add(g.name())) {
                throw new TrustException("governor " + g.name() + " is named twice");
            }
            if (!keys.add(g.key())) {
                throw new TrustException("governor " + g.name() + " has the key of another governor");
            }
        }
        int n = sorted.size();
        if (threshold < 1 || threshold > n) {
            throw new TrustException("threshold must be 1.." + n + " (the number of governors), got " + threshold);
        }
        if (2 * threshold <= n) {
            throw new TrustException("threshold " + threshold + " of " + n + " governors is not more than half: two"
                    + " conflicting versions could both pass; use at least " + (n / 2 + 1));
        }
        this.id = id;
        this.threshold = threshold;
        this.governors = List.copyOf(sorted);
        this.hash = Hashes.sha256Hex(CanonicalJson.encode(toMap()));
    }

    /** {@return the trust domain's id} */
    public String id() {
        return id;
    }

    /** {@return the least number of distinct governor signatures a version needs} */
    public int threshold() {
        return threshold;
    }

    /** {@return the governors, sorted by name} */
    public List<GovernorKey> governors() {
        return governors;
    }

    /**
     * {@return the governor named {@code name}, if the genesis names one}
     *
     * @param name the governor's name
     */
    public Optional<GovernorKey> governor(String name) {
        return governors.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** {@return SHA-256 of the canonical form, hex: what version 1 links to and every version names} */
    public String hash() {
        return hash;
    }

    /**
     * {@return how many governors may be compromised (sign two versions of one number) with no fork possible: {@code 2M
     * − N − 1}} A fork needs at least {@code 2M − N} double signers, and honest governors to split their votes.
     */
    public int forkTolerance() {
        return 2 * threshold - governors.size() - 1;
    }

    /** {@return how many governors may be away (or refuse) with versions still passing: {@code N − M}} */
    public int outageTolerance() {
        return governors.size() - threshold;
    }

    /** {@return the genesis in its JSON-ready form} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust", "genesis");
        m.put("id", id);
        m.put("threshold", (long) threshold);
        List<Object> gs = new ArrayList<>();
        governors.forEach(g -> gs.add(g.toMap()));
        m.put("governors", gs);
        return m;
    }

    /**
     * Reads a genesis from its JSON-ready form.
     *
     * @param value the parsed JSON
     * @return the genesis
     * @throws TrustException naming what is wrong
     */
    public static Genesis fromMap(Object value) {
        Fields f = Fields.of("genesis", value, List.of("trust", "id", "threshold", "governors"));
        if (!"genesis".equals(f.get("trust"))) {
            throw new TrustException("genesis.trust must be \"genesis\"");
        }
        List<GovernorKey> gs = new ArrayList<>();
        for (Object g : f.list("governors", Limits.MAX_GOVERNORS)) {
            gs.add(GovernorKey.fromMap(g));
        }
        return new Genesis(f.string("id", Limits.MAX_TEXT), (int) f.integer("threshold", 1, Limits.MAX_GOVERNORS), gs);
    }

    /**
     * Reads a genesis from JSON text.
     *
     * @param json the text
     * @return the genesis
     * @throws TrustException naming what is wrong
     */
    public static Genesis parse(byte[] json) {
        return fromMap(CanonicalJson.parse(json, Limits.MAX_DOCUMENT_BYTES));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genesis other && hash.equals(other.hash);
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return "Genesis[" + id + ", " + threshold + " of " + governors.size() + ", " + hash.substring(0, 12) + "]";
    }
}
