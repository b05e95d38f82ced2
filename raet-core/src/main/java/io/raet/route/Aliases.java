package io.raet.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Virtual names (docs/routing.md): a table that maps logical destinations to real ones, and taps that mirror a
 * flow to another address. Immutable; a router holds one snapshot and replaces it whole at run time.
 *
 * <pre>
 * {"aliases": [{"dst": "prod/*&#47;*",      "estate": "beta"},
 *              {"dst": "*&#47;router/jobs", "yard": "staging"},
 *              {"dst": "*&#47;db/query",    "yard": "db-debug", "share": "query.trace"}],
 *  "taps":    [{"dst": "*&#47;svc/jobs",    "yard": "tap"}]}
 * </pre>
 *
 * <p>Each rule has a {@code dst} glob over the destination's {@code estate/yard/share} (empty levels written as
 * the router's own names, as in the {@link Policy}; {@code *} matches any run of characters) and one or more of
 * {@code estate}, {@code yard}, {@code share}: the levels it replaces (the others, the channel and any extra
 * levels are kept). The first alias whose glob matches rewrites the message's {@code dst}, once (the result is not
 * looked up again). Every tap whose glob matches the destination so found (at most {@value #MAX_TAPS_PER_MESSAGE})
 * gets a copy at the address its levels make of it; a copy is never answered.
 *
 * <p>At most {@value #MAX_ALIASES} aliases and {@value #MAX_TAPS} taps; unknown keys are an error, so a misspelt
 * rule is never silently ignored.
 */
public final class Aliases {
    /** The most aliases in one table. */
    public static final int MAX_ALIASES = 1024;
    /** The most taps in one table. */
    public static final int MAX_TAPS = 64;
    /** The most tap copies of one message. */
    public static final int MAX_TAPS_PER_MESSAGE = 16;
    private static final int MAX_NAME = 256;
    private static final Set<String> FILE_KEYS = Set.of("aliases", "taps");
    private static final Set<String> RULE_KEYS = Set.of("dst", "estate", "yard", "share");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Aliases NONE = new Aliases(List.of(), List.of());

    /**
     * One rule: a glob over {@code estate/yard/share} and the levels it sets (null: kept).
     *
     * @param dst the glob over {@code estate/yard/share}
     * @param estate the estate it sets, or null
     * @param yard the yard it sets, or null
     * @param share the share it sets, or null
     */
    public record Rule(String dst, String estate, String yard, String share) {
        /**
         * Checks the rule.
         *
         * @throws IllegalArgumentException when the glob is missing, no level is set or a level is not valid
         */
        public Rule {
            if (dst == null) {
                throw new IllegalArgumentException("dst is required");
            }
            if (estate == null && yard == null && share == null) {
                throw new IllegalArgumentException("a rule sets at least one of estate, yard, share");
            }
            checkLevel("estate", estate);
            checkLevel("yard", yard);
            if (share != null && !Shares.isValidName(share)) {
                throw new IllegalArgumentException("share '" + share + "' is not a share name");
            }
        }

        private static void checkLevel(String what, String name) {
            if (name != null && (name.length() > MAX_NAME || name.contains("/") || name.contains("*")
                    || !name.strip().equals(name) || name.chars().anyMatch(Character::isWhitespace))) {
                throw new IllegalArgumentException(what + " '" + name + "' is not a name");
            }
        }

        /**
         * {@return whether the rule applies to the destination {@code key} ({@code estate/yard/share})}
         *
         * @param key the destination's {@code estate/yard/share}
         */
        public boolean matches(String key) {
            return Policy.glob(dst, key);
        }

        /**
         * {@code to} with this rule's levels.
         *
         * @param to the destination
         * @return the rewritten destination
         */
        public Address apply(Address to) {
            return new Address(estate == null ? to.estate() : estate, yard == null ? to.yard() : yard,
                    share == null ? to.share() : share, to.channel(), to.extra());
        }
    }

    private final List<Rule> aliases;
    private final List<Rule> taps;

    /**
     * A table.
     *
     * @param aliases the aliases, first match
     * @param taps the taps, every match
     * @throws IllegalArgumentException beyond {@link #MAX_ALIASES} or {@link #MAX_TAPS}
     */
    public Aliases(List<Rule> aliases, List<Rule> taps) {
        if (aliases.size() > MAX_ALIASES || taps.size() > MAX_TAPS) {
            throw new IllegalArgumentException("at most " + MAX_ALIASES + " aliases and " + MAX_TAPS + " taps");
        }
        this.aliases = List.copyOf(aliases);
        this.taps = List.copyOf(taps);
    }

    /**
     * No aliases, no taps.
     *
     * @return the empty table
     */
    public static Aliases none() {
        return NONE;
    }

    /** {@return the aliases, in table order} */
    public List<Rule> aliases() {
        return aliases;
    }

    /** {@return the taps, in table order} */
    public List<Rule> taps() {
        return taps;
    }

    /** {@return whether the table has no alias and no tap} */
    public boolean isEmpty() {
        return aliases.isEmpty() && taps.isEmpty();
    }

    /**
     * {@return the real destination of {@code dst} at a router of {@code localEstate} (itself when no alias matches)}
     *
     * @param dst the destination
     * @param localEstate the router's estate name
     */
    public Address resolve(Address dst, String localEstate) {
        if (aliases.isEmpty()) {
            return dst;
        }
        String key = dst.policyKey(localEstate);
        for (Rule r : aliases) {
            if (r.matches(key)) {
                return r.apply(dst);
            }
        }
        return dst;
    }

    /**
     * {@return where copies of a message to the real destination {@code dst} go (in table order; usually none)}
     *
     * @param dst the real destination
     * @param localEstate the router's estate name
     */
    public List<Address> taps(Address dst, String localEstate) {
        if (taps.isEmpty()) {
            return List.of();
        }
        String key = dst.policyKey(localEstate);
        List<Address> out = new ArrayList<>();
        for (Rule r : taps) {
            if (r.matches(key) && out.size() < MAX_TAPS_PER_MESSAGE) {
                out.add(r.apply(dst));
            }
        }
        return out;
    }

    /**
     * Parses the JSON form shown in the class comment (either key may be missing).
     *
     * @param json the JSON text
     * @return the table
     * @throws IllegalArgumentException naming the rule that is wrong
     */
    public static Aliases parseJson(String json) {
        Object tree;
        try {
            tree = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("aliases are not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(tree instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("aliases must be an object {\"aliases\": [...], \"taps\": [...]}");
        }
        for (Object k : m.keySet()) {
            if (!FILE_KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' (aliases, taps)");
            }
        }
        return new Aliases(rules(m.get("aliases"), "aliases", MAX_ALIASES), rules(m.get("taps"), "taps", MAX_TAPS));
    }

    private static List<Rule> rules(Object v, String what, int max) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("'" + what + "' must be a list of rules");
        }
        if (list.size() > max) {
            throw new IllegalArgumentException("'" + what + "': at most " + max + " rules, not " + list.size());
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                if (!(list.get(i) instanceof Map<?, ?> row)) {
                    throw new IllegalArgumentException("a rule is an object, not " + Address.describe(list.get(i)));
                }
                for (Object k : row.keySet()) {
                    if (!RULE_KEYS.contains(k)) {
                        throw new IllegalArgumentException("unknown key '" + k + "' (dst, estate, yard, share)");
                    }
                }
                out.add(new Rule(text(row, "dst"), text(row, "estate"), text(row, "yard"), text(row, "share")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " rule " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String text(Map<?, ?> row, String key) {
        Object v = row.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException(key + " must be a string, not " + Address.describe(v));
    }

    @Override
    public String toString() {
        return "Aliases" + aliases + " taps " + taps;
    }
}
