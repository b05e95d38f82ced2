package io.raet.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The authorization table (docs/routing.md): an immutable list of rules, first match wins, and a default effect
 * when nothing matches. A router holds one snapshot and replaces it whole at run time.
 *
 * <p>A rule matches when its {@code role} glob matches the sender's role ({@code local} for yards on the same host,
 * otherwise the authenticated road role; an unknown role is matched as {@code ""}) and its {@code dst} glob matches
 * {@code estate/yard/share} of the destination, empty levels written as the router's own names
 * ({@link Address#policyKey}), and its {@code channel} glob (default {@code *}, every channel) matches the channel
 * the message travels on at this router: the channel it arrived on from the road, the one it leaves on to the road,
 * or else the channel level of its destination ({@code ""} is the default channel). A rule with a {@code tag} glob
 * also needs the message's {@code tag} to match it (a message without a tag is matched as {@code ""}); a rule
 * without one ignores tags. In globs {@code *} matches any run of characters (including none, {@code /} and
 * {@code .}); every other character matches itself.
 */
public final class Policy {
    /** What a rule or the default does. */
    public enum Effect {
        /** The message passes. */
        ALLOW,
        /** The message is refused, answered with an {@code err} {@code denied}. */
        DENY;

        /** {@return the effect as a table spells it} */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads an effect as a table spells it ({@code allow} or {@code deny}, any case).
         *
         * @param v the value
         * @return the effect
         * @throws IllegalArgumentException for any other value
         */
        public static Effect parse(Object v) {
            if (v instanceof String s) {
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "allow" -> {
                        return ALLOW;
                    }
                    case "deny" -> {
                        return DENY;
                    }
                    default -> { }
                }
            }
            throw new IllegalArgumentException("action must be \"allow\" or \"deny\", not " + v);
        }
    }

    /**
     * One row of the table.
     *
     * @param role    glob over the sender's role
     * @param dst     glob over {@code estate/yard/share} of the destination
     * @param action  allow or deny
     * @param channel glob over the channel the message travels on at this router; {@code "*"} (the default) matches
     *     every channel, {@code ""} only the default channel
     * @param tag     glob over the message's tag, or null for any message
     */
    public record Rule(String role, String dst, Effect action, String channel, String tag) {
        /** Any channel. */
        public static final String ANY_CHANNEL = "*";

        /**
         * Checks that the role, the destination, the action and the channel are given.
         *
         * @throws NullPointerException when one is null
         */
        public Rule {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(dst, "dst");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(channel, "channel");
        }

        /**
         * A rule for every channel and any tag.
         *
         * @param role the glob over the sender's role
         * @param dst the glob over the destination's {@code estate/yard/share}
         * @param action what the rule does
         */
        public Rule(String role, String dst, Effect action) {
            this(role, dst, action, ANY_CHANNEL, null);
        }

        /**
         * {@return a rule that allows}
         *
         * @param role the glob over the sender's role
         * @param dst the glob over the destination's {@code estate/yard/share}
         */
        public static Rule allow(String role, String dst) {
            return new Rule(role, dst, Effect.ALLOW);
        }

        /**
         * {@return a rule that denies}
         *
         * @param role the glob over the sender's role
         * @param dst the glob over the destination's {@code estate/yard/share}
         */
        public static Rule deny(String role, String dst) {
            return new Rule(role, dst, Effect.DENY);
        }

        /**
         * {@return this rule, for the channels {@code channel} matches only}
         *
         * @param channel the glob over the channel
         */
        public Rule onChannel(String channel) {
            return new Rule(role, dst, action, channel, tag);
        }

        /**
         * {@return this rule, for messages whose tag {@code tag} matches only}
         *
         * @param tag the glob over the tag
         */
        public Rule withTag(String tag) {
            return new Rule(role, dst, action, channel, tag);
        }

        /**
         * {@return whether the rule matches a sender's role and destination, on any channel and tag it names}
         *
         * @param senderRole the sender's role
         * @param dstKey the destination's {@code estate/yard/share}
         */
        public boolean matches(String senderRole, String dstKey) {
            return glob(role, senderRole == null ? "" : senderRole) && glob(dst, dstKey);
        }

        /**
         * {@return whether the rule applies to a message from {@code senderRole} to {@code dstKey} on {@code
         * messageChannel} tagged {@code messageTag} (null: no tag)}
         *
         * @param senderRole the sender's role
         * @param dstKey the destination's {@code estate/yard/share}
         * @param messageChannel the channel
         * @param messageTag the tag, or null
         */
        public boolean matches(String senderRole, String dstKey, String messageChannel, String messageTag) {
            return matches(senderRole, dstKey) && glob(channel, messageChannel == null ? "" : messageChannel)
                    && (tag == null || glob(tag, messageTag == null ? "" : messageTag));
        }
    }

    /**
     * The outcome of {@link #decide}.
     *
     * @param effect allow or deny
     * @param rule the index of the matching rule, or -1 when the default applied
     * @param dstKey the {@code estate/yard/share} that was matched
     */
    public record Decision(Effect effect, int rule, String dstKey) {
        /** {@return whether the message may pass} */
        public boolean allowed() {
            return effect == Effect.ALLOW;
        }
    }

    private static final Policy ALLOW_ALL = new Policy(List.of(), Effect.ALLOW);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<String> RULE_KEYS = java.util.Set.of("role", "dst", "channel", "tag",
            "action");

    private final List<Rule> rules;
    private final Effect defaultEffect;

    /**
     * A table.
     *
     * @param rules the rules, first match
     * @param defaultEffect what the table does when no rule matches
     */
    public Policy(List<Rule> rules, Effect defaultEffect) {
        this.rules = List.copyOf(rules);
        this.defaultEffect = Objects.requireNonNull(defaultEffect, "defaultEffect");
    }

    /**
     * No rules, default allow (the default when nothing is configured).
     *
     * @return the table
     */
    public static Policy allowAll() {
        return ALLOW_ALL;
    }

    /**
     * A table from its JSON form: a list of {@code {"role": glob, "dst": glob, "channel": glob, "tag": glob,
     * "action": "allow"|"deny"}}. A missing {@code role}, {@code dst} or {@code channel} is {@code "*"}, a missing
     * {@code tag} matches any message; {@code action} is required, any other key is refused.
     *
     * @param rows the rules
     * @param defaultEffect what the table does when no rule matches
     * @return the table
     * @throws IllegalArgumentException naming the row that is malformed
     */
    public static Policy fromRules(List<? extends Map<String, ?>> rows, Effect defaultEffect) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, ?> row = rows.get(i);
            try {
                if (row == null) {
                    throw new IllegalArgumentException("rule must be a mapping");
                }
                for (Object k : row.keySet()) {
                    if (!RULE_KEYS.contains(String.valueOf(k))) {
                        throw new IllegalArgumentException("unknown key '" + k + "' (a rule has role, dst, channel,"
                                + " tag and action)");
                    }
                }
                rules.add(new Rule(globField(row, "role"), globField(row, "dst"), Effect.parse(row.get("action")),
                        globField(row, "channel"), row.get("tag") == null ? null : globField(row, "tag")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy rule " + i + ": " + e.getMessage(), e);
            }
        }
        return new Policy(rules, defaultEffect);
    }

    private static String globField(Map<String, ?> row, String name) {
        Object v = row.get(name);
        if (v == null) {
            return "*";
        }
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(name + " must be a string, not " + Address.describe(v));
    }

    /**
     * Parses JSON text: either the list of rules (default allow), or {@code {"default": "deny", "rules": [...]}}.
     *
     * @param json the JSON text
     * @return the table
     * @throws IllegalArgumentException when the text is not a valid table
     */
    @SuppressWarnings("unchecked")
    public static Policy parseJson(String json) {
        Object tree;
        try {
            tree = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("policy is not valid JSON: " + e.getOriginalMessage(), e);
        }
        Effect def = Effect.ALLOW;
        Object rows = tree;
        if (tree instanceof Map<?, ?> m) {
            if (m.get("default") != null) {
                def = Effect.parse(m.get("default"));
            }
            rows = m.get("rules") == null ? List.of() : m.get("rules");
        }
        if (!(rows instanceof List<?> list)) {
            throw new IllegalArgumentException("policy must be a list of rules");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("policy rule must be a mapping, not " + Address.describe(o));
            }
        }
        return fromRules((List<Map<String, ?>>) list, def);
    }

    /** {@return the rules, in table order} */
    public List<Rule> rules() {
        return rules;
    }

    /** {@return what the table does when no rule matches} */
    public Effect defaultEffect() {
        return defaultEffect;
    }

    /**
     * This table with another default.
     *
     * @param effect the default
     * @return the table
     */
    public Policy withDefault(Effect effect) {
        return new Policy(rules, effect);
    }

    /**
     * {@return the decision for a message from a sender with {@code role} to {@code dst}, at a router of {@code
     * localEstate}, on the channel {@code dst} names}
     *
     * @param role the sender's role
     * @param dst the destination
     * @param localEstate the router's estate name
     */
    public Decision decide(String role, Address dst, String localEstate) {
        return decide(role, dst, localEstate, dst.channel(), null);
    }

    /**
     * {@return the decision for a message from a sender with {@code role} to {@code dst} travelling on {@code channel}
     * at a router of {@code localEstate} (the channel it arrived on from the road, or leaves on to the road), tagged
     * {@code tag} (null: no tag)}
     *
     * @param role the sender's role
     * @param dst the destination
     * @param localEstate the router's estate name
     * @param channel the channel
     * @param tag the tag, or null
     */
    public Decision decide(String role, Address dst, String localEstate, String channel, String tag) {
        String key = dst.policyKey(localEstate);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(role, key, channel, tag)) {
                return new Decision(rules.get(i).action(), i, key);
            }
        }
        return new Decision(defaultEffect, -1, key);
    }

    /** {@return the table in its JSON-ready form (a list of mappings; {@code channel} only when a rule names one)} */
    public List<Map<String, Object>> toRules() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Rule r : rules) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("role", r.role());
            row.put("dst", r.dst());
            if (!Rule.ANY_CHANNEL.equals(r.channel())) {
                row.put("channel", r.channel());
            }
            if (r.tag() != null) {
                row.put("tag", r.tag());
            }
            row.put("action", r.action().wire());
            out.add(row);
        }
        return out;
    }

    /**
     * {@return whether {@code pattern}, with {@code *} matching any run of characters, matches all of {@code text}}
     *
     * @param pattern the glob
     * @param text the text
     */
    public static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return "Policy" + rules + " default " + defaultEffect.wire();
    }
}
