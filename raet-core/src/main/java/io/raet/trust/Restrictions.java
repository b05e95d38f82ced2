package io.raet.trust;

import io.raet.util.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Behaviour-driven restriction (docs/security.md), sans-IO: a score per source (an estate or a yard) from what the
 * router observes it doing, and an overlay on the policy that the score drives.
 *
 * <p>Each {@link Offence} adds its weight to the source's score; the score halves every {@link Settings#halfLife}.
 * At {@link Settings#throttleAt} the source is <b>throttled</b>: its messages pass at {@link Settings#throttleRate} a
 * second, the rest are refused, each an offence of its own ({@link Offence#THROTTLED}: a source that keeps on is
 * soon denied). At {@link Settings#denyAt} it is <b>denied</b> for {@link Settings#cooling}: every message is
 * refused. When the cooling period is over the source is throttled again if its score (which decayed
 * meanwhile) is still at the throttle level, otherwise free; a throttled source is freed once its score fell to half
 * the throttle level. Messages beyond {@link Settings#rate} a second (burst {@link Settings#rateBurst}) are an
 * offence of their own ({@link Offence#RATE}), also while the source is refused: a source that keeps flooding stays
 * restricted; so are requests beyond {@link Settings#openRequests} not answered yet ({@link Offence#UNANSWERED}): a
 * source asking faster than it is answered floods what it asks, however fast a quick asker may go. The score is capped at twice the deny level, so a source that stops recovers in bounded time.
 *
 * <p>Each change is an {@link Event} ({@link #poll()}): {@code restricted} with the level, score and the offence that
 * weighed most, and {@code restriction_lifted}. At most {@link Settings#maxSources} sources are tracked (the least
 * recently seen is forgotten, counted {@code sources_forgotten}). Times are the caller's clock in nanoseconds
 * ({@link System#nanoTime()} in a router, a virtual clock in tests). Thread-safe (one lock).
 */
public final class Restrictions {
    /** What a source can do wrong, each with a default weight. */
    public enum Offence {
        /** A packet of the estate failed its signature check. */
        BAD_SIGNATURE(5),
        /** A packet of the estate was a replay. */
        REPLAY(5),
        /** A message the policy denied. */
        DENIED(1),
        /** A malformed routed message, or one whose {@code src} claims another sender. */
        BAD_ROUTE(1),
        /** A message for an estate, yard, share or channel that does not exist. */
        UNKNOWN_DESTINATION(0.5),
        /** A message refused because the source's share of a destination's queue, or its messages in flight, is full. */
        OVER_SHARE(0.02),
        /** A message beyond the rate threshold. */
        RATE(0.05),
        /** A request (or acknowledged message) beyond the open requests a source may have unanswered. */
        UNANSWERED(0.05),
        /** A message sent while throttled beyond the throttled rate: a source that keeps on is denied. */
        THROTTLED(0.5),
        /**
         * A new session with the estate opened (an allow) again: many in a short time is churn. A router does not
         * count the renewals it started itself (its own setting, not the estate's doing).
         */
        SESSION_CHURN(1);

        private final double weight;

        Offence(double weight) {
            this.weight = weight;
        }

        /** {@return the default weight} */
        public double weight() {
            return weight;
        }

        /** {@return the offence as counters and events name it} */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a source stands. */
    public enum Level {
        /** Free: every message passes. */
        NONE,
        /** Throttled: its messages pass up to the throttled rate. */
        THROTTLED,
        /** Denied: every message is refused until the cooling period ends. */
        DENIED;

        /** {@return the level as events name it} */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The thresholds.
     *
     * @param enabled      false: nothing is scored or refused
     * @param throttleAt   score from which a source is throttled
     * @param denyAt       score from which a source is denied for the cooling period
     * @param halfLife     how fast a score (and a count of open requests) decays
     * @param cooling      how long a denial lasts
     * @param throttleRate messages a second a throttled source may send
     * @param rate         messages a second above which each message is an offence ({@link Offence#RATE})
     * @param rateBurst    messages a source may send at once before the rate counts
     * @param openRequests requests of one source not answered yet above which each new one is an offence
     *                     ({@link Offence#UNANSWERED}): a source that asks faster than it is answered
     * @param weights      weights that replace the defaults of {@link Offence}
     * @param maxSources   most sources tracked
     */
    public record Settings(boolean enabled, double throttleAt, double denyAt, Duration halfLife, Duration cooling,
            double throttleRate, double rate, double rateBurst, double openRequests, Map<Offence, Double> weights,
            int maxSources) {
        /**
         * Checks the durations and thresholds; copies the weights.
         *
         * @throws IllegalArgumentException when a threshold or duration is not usable
         */
        public Settings {
            Objects.requireNonNull(halfLife, "halfLife");
            Objects.requireNonNull(cooling, "cooling");
            weights = Map.copyOf(weights);
            if (!(throttleAt > 0) || !(denyAt >= throttleAt)) {
                throw new IllegalArgumentException("restriction thresholds need 0 < throttleAt <= denyAt");
            }
            if (halfLife.isNegative() || halfLife.isZero() || cooling.isNegative() || cooling.isZero()) {
                throw new IllegalArgumentException("restriction half-life and cooling period must be positive");
            }
            if (!(throttleRate >= 0) || !(rate > 0) || !(rateBurst >= 1) || !(openRequests >= 1) || maxSources < 1) {
                throw new IllegalArgumentException("restriction rates must be positive (throttleRate may be 0),"
                        + " rateBurst and openRequests at least 1, maxSources at least 1");
            }
            for (Map.Entry<Offence, Double> w : weights.entrySet()) {
                if (!(w.getValue() >= 0)) {
                    throw new IllegalArgumentException("the weight of " + w.getKey().wire() + " must be >= 0");
                }
            }
        }

        /**
         * {@return the defaults: throttled at 20, denied at 60 for 30 s, half-life 10 s, 20 messages a second when throttled, rate
         * offences above 10,000 messages a second (burst 5,000), unanswered offences above 500 open requests, 4,096
         * sources}
         */
        public static Settings defaults() {
            return new Settings(true, 20, 60, Duration.ofSeconds(10), Duration.ofSeconds(30), 20, 10_000, 5000, 500,
                    Map.of(), 4096);
        }

        /** {@return settings under which nothing is scored or refused} */
        public static Settings off() {
            return defaults().withEnabled(false);
        }

        /**
         * {@return these settings turned on or off}
         *
         * @param on false: nothing is scored or refused
         */
        public Settings withEnabled(boolean on) {
            return new Settings(on, throttleAt, denyAt, halfLife, cooling, throttleRate, rate, rateBurst, openRequests,
                    weights, maxSources);
        }

        /**
         * {@return these settings with other thresholds}
         *
         * @param throttle the score from which a source is throttled
         * @param deny the score from which it is denied
         */
        public Settings withLevels(double throttle, double deny) {
            return new Settings(enabled, throttle, deny, halfLife, cooling, throttleRate, rate, rateBurst, openRequests,
                    weights, maxSources);
        }

        /**
         * {@return these settings with other times}
         *
         * @param half the half-life of a score
         * @param cool how long a denial lasts
         */
        public Settings withTimes(Duration half, Duration cool) {
            return new Settings(enabled, throttleAt, denyAt, half, cool, throttleRate, rate, rateBurst, openRequests,
                    weights, maxSources);
        }

        /**
         * {@return these settings with other rates}
         *
         * @param throttled messages a second a throttled source may send
         * @param threshold messages a second above which each message is an offence
         * @param burst messages a source may send at once before the rate counts
         */
        public Settings withRates(double throttled, double threshold, double burst) {
            return new Settings(enabled, throttleAt, denyAt, halfLife, cooling, throttled, threshold, burst,
                    openRequests, weights, maxSources);
        }

        /**
         * {@return these settings with another bound on open requests}
         *
         * @param open unanswered requests of one source above which each new one is an offence
         */
        public Settings withOpenRequests(double open) {
            return new Settings(enabled, throttleAt, denyAt, halfLife, cooling, throttleRate, rate, rateBurst, open,
                    weights, maxSources);
        }

        /**
         * {@return these settings with another weight for one offence}
         *
         * @param o the offence
         * @param weight its weight
         */
        public Settings withWeight(Offence o, double weight) {
            Map<Offence, Double> w = new EnumMap<>(Offence.class);
            w.putAll(weights);
            w.put(o, weight);
            return new Settings(enabled, throttleAt, denyAt, halfLife, cooling, throttleRate, rate, rateBurst,
                    openRequests, w, maxSources);
        }

        /**
         * {@return these settings with another bound on the sources tracked}
         *
         * @param n the most sources tracked
         */
        public Settings withMaxSources(int n) {
            return new Settings(enabled, throttleAt, denyAt, halfLife, cooling, throttleRate, rate, rateBurst,
                    openRequests, weights, n);
        }

        double weight(Offence o) {
            Double w = weights.get(o);
            return w != null ? w : o.weight();
        }
    }

    /** A change of a source's level. */
    public sealed interface Event {
        /** {@return the source whose level changed} */
        String source();

        /**
         * The source is now throttled or denied.
         *
         * @param source the source
         * @param level its new level
         * @param score  its score at the change
         * @param reason the offence that weighed most since the source was last free
         * @param until  for a denial, when the cooling period ends (the caller's clock); 0 when throttled
         */
        record Restricted(String source, Level level, double score, Offence reason, long until) implements Event {}

        /**
         * The source is free again, or throttled only after a denial ({@code now}).
         *
         * @param source the source
         * @param from its level before
         * @param now its level now
         */
        record Lifted(String source, Level from, Level now) implements Event {}
    }

    /** What {@link #admit} decided for one message. */
    public enum Admission {
        /** The message passes. */
        PASS,
        /** Refused: the source is throttled and over its rate. */
        THROTTLED,
        /** Refused: the source is denied. */
        DENIED;

        /** {@return whether the message passes} */
        public boolean passes() {
            return this == PASS;
        }
    }

    private static final class Source {
        double score;
        /** Requests sent and not answered yet, decaying as the score does (answers can be lost). */
        double open;
        long at;
        Level level = Level.NONE;
        long deniedUntil;
        TokenBucket rate;
        TokenBucket throttle;
        final EnumMap<Offence, Double> weighed = new EnumMap<>(Offence.class);
    }

    private final Settings settings;
    private final double halfLifeNanos;
    private final LinkedHashMap<String, Source> sources;
    private final List<Event> events = new ArrayList<>();
    private final Map<String, long[]> counts = new TreeMap<>();

    /**
     * A restriction with these settings and no source tracked yet.
     *
     * @param settings the thresholds
     */
    public Restrictions(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.halfLifeNanos = settings.halfLife().toNanos();
        int max = settings.maxSources();
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
                if (size() > max) {
                    count("sources_forgotten");
                    return true;
                }
                return false;
            }
        };
    }

    /** {@return the thresholds} */
    public Settings settings() {
        return settings;
    }

    /** {@return whether anything is scored or refused} */
    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Decides for one message of {@code source} at {@code now}: passes, or refused because the source is throttled
     * (and over its rate) or denied. Counts the rate offence.
     *
     * @param source the source
     * @param now the time, in nanoseconds
     * @return whether the message passes, or why not
     */
    public synchronized Admission admit(String source, long now) {
        if (!settings.enabled()) {
            return Admission.PASS;
        }
        Source s = source(source, now);
        update(source, s, now);
        if (s.rate == null) {
            s.rate = new TokenBucket(settings.rate(), settings.rateBurst(), now);
        }
        if (!s.rate.take(now)) {
            add(source, s, Offence.RATE, now);
        }
        switch (s.level) {
            case DENIED -> {
                count("refused_denied");
                return Admission.DENIED;
            }
            case THROTTLED -> {
                if (s.throttle == null) {
                    s.throttle = new TokenBucket(settings.throttleRate(), Math.max(1, settings.throttleRate()), now);
                }
                if (!s.throttle.take(now)) {
                    count("refused_throttled");
                    add(source, s, Offence.THROTTLED, now);
                    return Admission.THROTTLED;
                }
                return Admission.PASS;
            }
            default -> {
                return Admission.PASS;
            }
        }
    }

    /**
     * Counts an offence of {@code source} at {@code now}.
     *
     * @param source the source
     * @param offence the offence
     * @param now the time, in nanoseconds
     */
    public synchronized void offend(String source, Offence offence, long now) {
        if (!settings.enabled() || settings.weight(offence) == 0) {
            return;
        }
        Source s = source(source, now);
        update(source, s, now);
        add(source, s, offence, now);
    }

    /**
     * {@code source} sent a request (or a message to be acknowledged) at {@code now}: beyond
     * {@link Settings#openRequests} unanswered ones, each is an offence.
     *
     * @param source the source
     * @param now the time, in nanoseconds
     */
    public synchronized void requested(String source, long now) {
        if (!settings.enabled()) {
            return;
        }
        Source s = source(source, now);
        update(source, s, now);
        s.open += 1;
        if (s.open > settings.openRequests()) {
            add(source, s, Offence.UNANSWERED, now);
        }
    }

    /**
     * {@code source} was sent an answer (a response, an acknowledgement or an error) at {@code now}.
     *
     * @param source the source
     * @param now the time, in nanoseconds
     */
    public synchronized void answered(String source, long now) {
        if (!settings.enabled()) {
            return;
        }
        Source s = sources.get(source);
        if (s != null && s.open > 0) {
            update(source, s, now);
            s.open = Math.max(0, s.open - 1);
        }
    }

    /**
     * {@return where {@code source} stands at {@code now} (lifting what is due)}
     *
     * @param source the source
     * @param now the time, in nanoseconds
     */
    public synchronized Level level(String source, long now) {
        Source s = sources.get(source);
        if (s == null) {
            return Level.NONE;
        }
        update(source, s, now);
        return s.level;
    }

    /**
     * {@return the score of {@code source} at {@code now}}
     *
     * @param source the source
     * @param now the time, in nanoseconds
     */
    public synchronized double score(String source, long now) {
        Source s = sources.get(source);
        if (s == null) {
            return 0;
        }
        update(source, s, now);
        return s.score;
    }

    /**
     * Lifts what is due at {@code now} for every source (call now and then: a source that went quiet is freed).
     *
     * @param now the time, in nanoseconds
     */
    public synchronized void tick(long now) {
        for (Map.Entry<String, Source> e : new ArrayList<>(sources.entrySet())) {
            update(e.getKey(), e.getValue(), now);
        }
    }

    /** {@return the sources restricted now, with their level} */
    public synchronized Map<String, Level> restricted() {
        Map<String, Level> out = new TreeMap<>();
        sources.forEach((k, v) -> {
            if (v.level != Level.NONE) {
                out.put(k, v.level);
            }
        });
        return out;
    }

    /** {@return the changes since the last call, oldest first} */
    public synchronized List<Event> poll() {
        if (events.isEmpty()) {
            return List.of();
        }
        List<Event> out = List.copyOf(events);
        events.clear();
        return out;
    }

    /**
     * Counters: {@code restricted} and {@code restriction_lifted} (changes), {@code refused_throttled} and
     * {@code refused_denied} (messages refused), {@code offences_<offence>}, {@code sources_forgotten}.
     *
     * @return the counters by name
     */
    public synchronized Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    private Source source(String name, long now) {
        Source s = sources.get(name);
        if (s == null) {
            s = new Source();
            s.at = now;
            sources.put(name, s);
        }
        return s;
    }

    private void update(String name, Source s, long now) {
        long dt = now - s.at;
        if (dt > 0) {
            double decay = Math.pow(0.5, dt / halfLifeNanos);
            s.score *= decay;
            s.open *= decay;
            s.at = now;
        }
        if (s.level == Level.DENIED && now - s.deniedUntil >= 0) {
            Level next = s.score >= settings.throttleAt() ? Level.THROTTLED : Level.NONE;
            change(name, s, next, now);
        } else if (s.level == Level.THROTTLED && s.score < settings.throttleAt() / 2) {
            change(name, s, Level.NONE, now);
        }
    }

    private void add(String name, Source s, Offence o, long now) {
        double w = settings.weight(o);
        count("offences_" + o.wire());
        s.score = Math.min(2 * settings.denyAt(), s.score + w);
        s.weighed.merge(o, w, Double::sum);
        if (s.level != Level.DENIED && s.score >= settings.denyAt()) {
            s.deniedUntil = now + settings.cooling().toNanos();
            change(name, s, Level.DENIED, now);
        } else if (s.level == Level.NONE && s.score >= settings.throttleAt()) {
            change(name, s, Level.THROTTLED, now);
        }
    }

    private void change(String name, Source s, Level next, long now) {
        Level from = s.level;
        s.level = next;
        if (next.ordinal() > from.ordinal()) {
            Offence reason = s.weighed.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                    .orElse(Offence.RATE);
            count("restricted");
            s.throttle = null;
            events.add(new Event.Restricted(name, next, s.score, reason, next == Level.DENIED ? s.deniedUntil : 0));
        } else {
            count("restriction_lifted");
            if (next == Level.NONE) {
                s.weighed.clear();
            }
            s.throttle = null;
            events.add(new Event.Lifted(name, from, next));
        }
    }

    private void count(String name) {
        counts.computeIfAbsent(name, k -> new long[1])[0]++;
    }
}
