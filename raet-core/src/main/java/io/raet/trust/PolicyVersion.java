package io.raet.trust;

import io.raet.route.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of the governed policy: what the governors sign. Wire form (docs/security.md):
 *
 * <pre>
 * {"trust": "policy", "genesis": genesis hash, "version": n, "prev": hash of version n−1 (the genesis hash for 1),
 *  "table": {"default": "allow"|"deny", "rules": [{"role": glob, "dst": glob, "action": "allow"|"deny"}, …]},
 *           (a rule names its "channel": glob only when it is not "*")
 *  "accept": [{"role": r, "verhex": v, "pubhex": p}, …],     sorted by role, one entry per role
 *  "note": free text}
 * </pre>
 *
 * The table is {@link Policy}'s, in its normal form (what {@link Policy#toRules()} writes). The hash of a version is
 * SHA-256 of its {@link CanonicalJson canonical} bytes, which are also what each governor signs.
 */
public final class PolicyVersion {
    private final String genesis;
    private final long version;
    private final String prev;
    private final Policy table;
    private final List<KeyAcceptance> accept;
    private final String note;
    private final byte[] canonical;
    private final String hash;

    /**
     * A version's body.
     *
     * @param genesis the hash of the genesis it belongs to
     * @param version its number, from 1
     * @param prev the hash of the version before it (the genesis's for version 1)
     * @param table the policy table
     * @param accept the key acceptances it carries
     * @param note a line for the audit log
     * @throws TrustException when a field is not valid
     */
    public PolicyVersion(String genesis, long version, String prev, Policy table, List<KeyAcceptance> accept,
            String note) {
        if (version < 1) {
            throw new TrustException("a policy version is numbered from 1, got " + version);
        }
        if (table == null) {
            throw new TrustException("a policy version needs a table");
        }
        if (table.rules().size() > Limits.MAX_RULES) {
            throw new TrustException("the table has " + table.rules().size() + " rules, more than " + Limits.MAX_RULES);
        }
        for (Policy.Rule r : table.rules()) {
            if (r.role().length() > Limits.MAX_TEXT || r.dst().length() > Limits.MAX_TEXT
                    || r.channel().length() > Limits.MAX_TEXT) {
                throw new TrustException("a rule's glob is longer than " + Limits.MAX_TEXT + " characters");
            }
        }
        if (accept == null || accept.size() > Limits.MAX_ACCEPTANCES) {
            throw new TrustException("a version accepts at most " + Limits.MAX_ACCEPTANCES + " roles");
        }
        List<KeyAcceptance> sorted = new ArrayList<>(accept);
        sorted.sort(Comparator.comparing(KeyAcceptance::role));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).role().equals(sorted.get(i - 1).role())) {
                throw new TrustException("role " + sorted.get(i).role() + " is accepted twice");
            }
        }
        if (note == null || note.length() > Limits.MAX_TEXT) {
            throw new TrustException("note must be text of at most " + Limits.MAX_TEXT + " characters");
        }
        this.genesis = hex("genesis", genesis);
        this.version = version;
        this.prev = hex("prev", prev);
        this.table = table;
        this.accept = List.copyOf(sorted);
        this.note = note;
        this.canonical = CanonicalJson.encode(toMap());
        this.hash = Hashes.sha256Hex(canonical);
    }

    private static String hex(String what, String h) {
        return Fields.of("version", Map.of(what, h == null ? "" : h), List.of(what)).hex(what, 32);
    }

    /** {@return the hash of the genesis it belongs to} */
    public String genesis() {
        return genesis;
    }

    /** {@return the version's number} */
    public long version() {
        return version;
    }

    /** {@return the hash of the version before it} */
    public String prev() {
        return prev;
    }

    /** {@return the policy table} */
    public Policy table() {
        return table;
    }

    /** {@return the key acceptances it carries} */
    public List<KeyAcceptance> accept() {
        return accept;
    }

    /** {@return the note for the audit log} */
    public String note() {
        return note;
    }

    /** {@return the bytes each governor signs (a copy)} */
    public byte[] canonical() {
        return canonical.clone();
    }

    /** {@return SHA-256 of {@link #canonical()}, hex} */
    public String hash() {
        return hash;
    }

    /**
     * {@return a table in the form versions carry it}
     *
     * @param table the policy table
     */
    public static Map<String, Object> tableMap(Policy table) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("default", table.defaultEffect().wire());
        m.put("rules", new ArrayList<Object>(table.toRules()));
        return m;
    }

    /** {@return the body in its JSON-ready form} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust", "policy");
        m.put("genesis", genesis);
        m.put("version", version);
        m.put("prev", prev);
        m.put("table", tableMap(table));
        List<Object> as = new ArrayList<>();
        accept.forEach(a -> as.add(a.toMap()));
        m.put("accept", as);
        m.put("note", note);
        return m;
    }

    /**
     * Reads a body from its JSON-ready form.
     *
     * @param value the parsed JSON
     * @return the body
     * @throws TrustException naming what is wrong
     */
    @SuppressWarnings("unchecked")
    public static PolicyVersion fromMap(Object value) {
        Fields f = Fields.of("version", value, List.of("trust", "genesis", "version", "prev", "table", "accept", "note"));
        if (!"policy".equals(f.get("trust"))) {
            throw new TrustException("version.trust must be \"policy\"");
        }
        Fields t = Fields.of("table", f.get("table"), List.of("default", "rules"));
        List<?> rows = t.list("rules", Limits.MAX_RULES);
        for (Object row : rows) {
            if (!(row instanceof Map<?, ?>)) {
                throw new TrustException("table rule must be an object, not " + Fields.describe(row));
            }
        }
        Policy table;
        try {
            table = Policy.fromRules((List<Map<String, ?>>) rows, Policy.Effect.parse(t.get("default")));
        } catch (IllegalArgumentException e) {
            throw new TrustException("table: " + e.getMessage());
        }
        if (!CanonicalJson.text(tableMap(table)).equals(CanonicalJson.text(f.get("table")))) {
            throw new TrustException("table is not in normal form: every rule is exactly {role, dst, action} (and"
                    + " channel when it is not \"*\"), actions and the default in lowercase");
        }
        List<KeyAcceptance> accept = new ArrayList<>();
        for (Object a : f.list("accept", Limits.MAX_ACCEPTANCES)) {
            accept.add(KeyAcceptance.fromMap(a));
        }
        PolicyVersion v = new PolicyVersion(f.hex("genesis", 32), f.integer("version", 1, Long.MAX_VALUE),
                f.hex("prev", 32), table, accept, f.string("note", Limits.MAX_TEXT));
        if (!CanonicalJson.text(v.toMap()).equals(CanonicalJson.text(value))) {
            throw new TrustException("version is not in normal form: accept must be sorted by role");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyVersion other && hash.equals(other.hash);
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return "PolicyVersion[" + version + ", " + hash.substring(0, 12) + "]";
    }
}
