package io.raet.trust;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A router's side of the governed policy (docs/security.md), sans-IO: it takes {@link TrustMessage}s from control
 * peers (or a local submission) and the time, and answers what to send to whom, which versions its
 * {@link PolicyChain} applied, and what happened. The driver (the router) carries the messages over the control
 * channel, stores the chain ({@link ChainFiles}) before it applies or announces anything, and applies the head's table
 * and key acceptances.
 *
 * <ul>
 *   <li>{@code version}: offered to the chain; once applied it is announced to every other control peer (each router
 *       announces each version once, so the announcements stop); a version beyond the next is a gap: the sender is
 *       asked for what is missing.
 *   <li>{@code propose}, {@code signature}: proposals for the next version are gathered by hash (at most
 *       {@link #MAX_PENDING}, the oldest forgotten), keeping only signatures that count; a proposal that gained a
 *       signature is passed on to the other peers, and one that reaches the threshold is applied and announced. So
 *       governors may each hand their signature to a different router.
 *   <li>{@code catch-up}: answered with at most {@link #CATCH_UP_BATCH} versions, to a peer at most every
 *       {@link #ANSWER_EVERY_NANOS}; {@code versions}: applied in order, and a full answer is followed by the next
 *       question.
 *   <li>{@link #peerUp}: a control peer (re)appeared: it is asked for versions after the head, at most every
 *       {@link #ASK_EVERY_NANOS} per peer.
 * </ul>
 *
 * A malformed message changes nothing and is reported. Thread-safe (one lock).
 */
public final class TrustPlane {
    /** The share of the router yard that takes trust messages: {@code [estate, "router", "trust", control]}. */
    public static final String SHARE = "trust";
    /** Proposals gathered at once. */
    public static final int MAX_PENDING = 16;
    /** Versions in one catch-up answer or question. */
    public static final int CATCH_UP_BATCH = 16;
    /** Least time between two catch-up questions to one peer (1 s). */
    public static final long ASK_EVERY_NANOS = 1_000_000_000L;
    /** Least time between two catch-up answers to one peer (100 ms). */
    public static final long ANSWER_EVERY_NANOS = 100_000_000L;

    /**
     * The outcome a local submitter is answered when its proposal was kept for more signatures (the others are
     * {@link Verdict.Outcome}s in lowercase).
     */
    public static final String GATHERED = "gathered";

    /** What happened, for the router's events. */
    public sealed interface Event {
        /**
         * A version was applied; {@code from} is the peer it came from, null for a local submission.
         *
         * @param version the version's number
         * @param hash its hash
         * @param signers the governors who signed it
         * @param from the peer it came from, or null
         */
        record Applied(long version, String hash, List<String> signers, String from) implements Event {}

        /**
         * A version or proposal was refused (a duplicate is not reported).
         *
         * @param verdict why it was refused
         * @param from the peer it came from, or null
         */
        record Refused(Verdict verdict, String from) implements Event {}

        /**
         * A proposal for the next version gained signatures and does not carry the threshold yet.
         *
         * @param version the version's number
         * @param hash its hash
         * @param signers the governors who signed so far
         * @param needed how many more signatures it needs
         * @param from the peer the signatures came from, or null
         */
        record Gathered(long version, String hash, List<String> signers, int needed, String from) implements Event {}
    }

    /**
     * A message for a control peer.
     *
     * @param peer the control peer
     * @param message the message
     */
    public record Send(String peer, Map<String, Object> message) {}

    /**
     * What one call produced.
     *
     * @param sends   messages to peers, in order
     * @param applied versions applied, oldest first: store the chain, then apply the head, then send
     * @param events  what happened
     * @param answer  the answer for a local submitter ({@code {"trust": "verdict", …}}), or null
     */
    public record Result(List<Send> sends, List<SignedVersion> applied, List<Event> events,
            Map<String, Object> answer) {
        static final Result NONE = new Result(List.of(), List.of(), List.of(), null);
    }

    private final PolicyChain chain;
    private final LinkedHashMap<String, SignedVersion> pending = new LinkedHashMap<>();
    private final Map<String, Long> asked = new HashMap<>();
    private final Map<String, Long> answered = new HashMap<>();
    private final Map<String, long[]> counts = new TreeMap<>();

    /**
     * A trust plane over {@code chain}.
     *
     * @param chain the router's chain
     */
    public TrustPlane(PolicyChain chain) {
        this.chain = Objects.requireNonNull(chain, "chain");
    }

    /** {@return the chain (read it under this object's lock, or from the driver's owner thread)} */
    public PolicyChain chain() {
        return chain;
    }

    /** {@return the head's number} */
    public synchronized long version() {
        return chain.version();
    }

    /**
     * Takes a trust message from the control peer {@code from} (null: a local submitter, answered in
     * {@link Result#answer}); {@code peers} are the control peers reachable now.
     *
     * @param from the control peer, or null
     * @param message the message, as parsed JSON
     * @param peers the control peers reachable now
     * @param now the time, in nanoseconds
     * @return what to send and store, what happened, and the answer for a local submitter
     */
    public synchronized Result receive(String from, Object message, Collection<String> peers, long now) {
        Work w = new Work(from, peers);
        TrustMessage m;
        try {
            m = TrustMessage.parse(message);
        } catch (TrustException e) {
            count("malformed");
            Verdict v = new Verdict(Verdict.Outcome.MALFORMED, 0, "", e.getMessage(), List.of(), List.of());
            w.events.add(new Event.Refused(v, from));
            w.answer(v);
            return w.result();
        }
        count("received_" + type(m));
        switch (m) {
            case TrustMessage.Announce a -> offer(w, a.version(), now);
            case TrustMessage.Propose p -> propose(w, p.proposal(), now);
            case TrustMessage.Signature s -> signature(w, s, now);
            case TrustMessage.CatchUpRequest q -> catchUpRequest(w, q, now);
            case TrustMessage.CatchUpReply r -> catchUpReply(w, r, now);
        }
        return w.result();
    }

    /**
     * The control peer {@code peer} appeared (joined, allowed, alive again): asks it for what we lack.
     *
     * @param peer the control peer
     * @param now the time, in nanoseconds
     * @return the request to send
     */
    public synchronized Result peerUp(String peer, long now) {
        Work w = new Work(peer, List.of(peer));
        ask(w, peer, now, false);
        return w.result();
    }

    /** {@return counters: messages received by type, answered, asked, applied, refused, malformed} */
    public synchronized Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    private static String type(TrustMessage m) {
        return switch (m) {
            case TrustMessage.Announce a -> "version";
            case TrustMessage.Propose p -> "propose";
            case TrustMessage.Signature s -> "signature";
            case TrustMessage.CatchUpRequest q -> "catch_up";
            case TrustMessage.CatchUpReply r -> "versions";
        };
    }

    /** The state of one call. */
    private final class Work {
        final String from;
        final Collection<String> peers;
        final List<Send> sends = new ArrayList<>();
        final List<SignedVersion> applied = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        Map<String, Object> answer;

        Work(String from, Collection<String> peers) {
            this.from = from;
            this.peers = peers;
        }

        /** To every peer but the one it came from. */
        void gossip(TrustMessage m) {
            for (String p : peers) {
                if (!p.equals(from)) {
                    sends.add(new Send(p, m.toMap()));
                }
            }
        }

        void answer(Verdict v) {
            answer(v, v.outcome().name().toLowerCase(Locale.ROOT));
        }

        void answer(Verdict v, String outcome) {
            if (from == null) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("trust", "verdict");
                a.put("outcome", outcome);
                a.put("version", v.version());
                a.put("hash", v.hash());
                a.put("reason", v.reason());
                a.put("signers", v.signers());
                a.put("head", chain.version());
                answer = a;
            }
        }

        Result result() {
            return new Result(List.copyOf(sends), List.copyOf(applied), List.copyOf(events), answer);
        }
    }

    /** Offers a version that claims the threshold; announces it once applied. */
    private void offer(Work w, SignedVersion v, long now) {
        Verdict d = chain.offer(v);
        w.answer(d);
        switch (d.outcome()) {
            case APPLIED -> applied(w, chain.head().orElseThrow(), d);
            case DUPLICATE -> count("duplicate");
            case GAP -> {
                count("gap");
                if (w.from != null) {
                    ask(w, w.from, now, false);
                }
            }
            default -> refused(w, d);
        }
    }

    private void applied(Work w, SignedVersion v, Verdict d) {
        count("applied");
        w.applied.add(v);
        w.events.add(new Event.Applied(v.version(), v.hash(), d.signers(), w.from));
        pending.values().removeIf(p -> p.version() <= chain.version());
        w.gossip(new TrustMessage.Announce(v));
    }

    private void refused(Work w, Verdict d) {
        count("refused_" + d.outcome().name().toLowerCase(Locale.ROOT));
        w.events.add(new Event.Refused(d, w.from));
    }

    private void propose(Work w, SignedVersion p, long now) {
        if (!p.body().genesis().equals(chain.genesis().hash()) || p.version() != chain.version() + 1) {
            // not a proposal for our next version: the chain says why (a gap, a replay, another domain)
            if (chain.check(p).passes()) {
                offer(w, p, now);
            } else {
                Verdict d = chain.offer(p);
                w.answer(d);
                if (d.outcome() == Verdict.Outcome.GAP && w.from != null) {
                    ask(w, w.from, now, false);
                } else if (d.outcome() != Verdict.Outcome.DUPLICATE) {
                    refused(w, d);
                }
            }
            return;
        }
        if (!p.body().prev().equals(chain.headHash())) {
            Verdict d = chain.offer(p);
            w.answer(d);
            refused(w, d);
            return;
        }
        gather(w, p, now);
    }

    private void signature(Work w, TrustMessage.Signature s, long now) {
        SignedVersion p = pending.get(s.hash());
        if (p == null) {
            count("signature_unmatched");
            return;
        }
        try {
            gather(w, s.addTo(p, chain.genesis()), now);
        } catch (TrustException e) {
            Verdict d = new Verdict(Verdict.Outcome.BELOW_THRESHOLD, s.version(), s.hash(), e.getMessage(), List.of(),
                    List.of(e.getMessage()));
            w.answer(d);
            refused(w, d);
        }
    }

    /** Merges a proposal of the next version into what was gathered; passes it on when it gained a signature. */
    private void gather(Work w, SignedVersion p, long now) {
        SignedVersion before = pending.get(p.hash());
        int had = before == null ? 0 : before.signatures().size();
        SignedVersion merged = chain.counted(before == null ? p : before.merge(p));
        PolicyChain.Check c = chain.check(merged);
        if (c.passes()) {
            pending.remove(p.hash());
            offer(w, merged, now);
            return;
        }
        if (merged.signatures().size() <= had) {
            count("proposal_repeated");
            w.answer(new Verdict(Verdict.Outcome.BELOW_THRESHOLD, p.version(), p.hash(), "gathered: "
                    + c.signers() + " of " + chain.genesis().threshold() + " needed" + notCounted(p), c.signers(),
                    c.problems()));
            return;
        }
        if (before == null && pending.size() >= MAX_PENDING) {
            String oldest = pending.keySet().iterator().next();
            pending.remove(oldest);
            count("proposal_forgotten");
        }
        pending.put(p.hash(), merged);
        count("proposal_gathered");
        w.events.add(new Event.Gathered(p.version(), p.hash(), c.signers(), chain.genesis().threshold(), w.from));
        w.answer(new Verdict(Verdict.Outcome.BELOW_THRESHOLD, p.version(), p.hash(), "gathered: " + c.signers()
                + " of " + chain.genesis().threshold() + " needed; passed on to the control peers"
                + notCounted(p), c.signers(), c.problems()), GATHERED);
        w.gossip(new TrustMessage.Propose(merged));
    }

    /** What of the submitted {@code p} did not count, for the answer. */
    private String notCounted(SignedVersion p) {
        List<String> problems = chain.check(p).problems();
        return problems.isEmpty() ? "" : "; not counted: " + String.join(", ", problems);
    }

    private void catchUpRequest(Work w, TrustMessage.CatchUpRequest q, long now) {
        if (w.from != null) {
            Long last = answered.get(w.from);
            if (last != null && now - last < ANSWER_EVERY_NANOS) {
                count("catch_up_paced");
                return;
            }
            answered.put(w.from, now);
            count("catch_up_answered");
            w.sends.add(new Send(w.from, new TrustMessage.CatchUpReply(chain.after(q.after(),
                    Math.min(q.max(), CATCH_UP_BATCH))).toMap()));
        } else {
            w.answer = new TrustMessage.CatchUpReply(chain.after(q.after(), Math.min(q.max(), CATCH_UP_BATCH)))
                    .toMap();
        }
    }

    private void catchUpReply(Work w, TrustMessage.CatchUpReply r, long now) {
        long head = chain.version();
        PolicyChain.CatchUp c = chain.catchUp(r.versions());
        for (int i = 0; i < c.applied(); i++) {
            SignedVersion v = chain.get(head + 1 + i).orElseThrow();
            count("applied");
            w.applied.add(v);
            w.events.add(new Event.Applied(v.version(), v.hash(), chain.check(v).signers(), w.from));
        }
        pending.values().removeIf(p -> p.version() <= chain.version());
        if (!c.verdicts().isEmpty()) {
            Verdict last = c.verdicts().getLast();
            if (!last.applied() && last.outcome() != Verdict.Outcome.DUPLICATE) {
                refused(w, last);
            } else if (r.versions().size() >= CATCH_UP_BATCH && w.from != null) {
                ask(w, w.from, now, true); // a full answer: there may be more
            }
        }
        if (w.from == null) {
            w.answer = new LinkedHashMap<>(Map.of("trust", "verdict", "outcome", "caught_up", "applied",
                    (long) c.applied(), "head", chain.version()));
        }
    }

    /** Asks {@code peer} for the versions after the head, at most every {@link #ASK_EVERY_NANOS} unless forced. */
    private void ask(Work w, String peer, long now, boolean force) {
        Long last = asked.get(peer);
        if (!force && last != null && now - last < ASK_EVERY_NANOS) {
            count("catch_up_paced");
            return;
        }
        asked.put(peer, now);
        count("catch_up_asked");
        w.sends.add(new Send(peer, new TrustMessage.CatchUpRequest(chain.version(), CATCH_UP_BATCH).toMap()));
    }

    private void count(String name) {
        counts.computeIfAbsent(name, k -> new long[1])[0]++;
    }
}
