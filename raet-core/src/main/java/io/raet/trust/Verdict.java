package io.raet.trust;

import java.util.List;

/**
 * What a {@link PolicyChain} decided about a version offered to it.
 *
 * @param outcome  applied, or why not
 * @param version  the version's number (0 when it could not be read)
 * @param hash     the version's hash ("" when it could not be read)
 * @param reason   one sentence for logs and operators
 * @param signers  the governors whose signatures were valid (for a conflict: the governors who signed both versions)
 * @param problems the signatures that did not count, one line each ({@code "gov2: bad signature"})
 */
public record Verdict(Outcome outcome, long version, String hash, String reason, List<String> signers,
        List<String> problems) {
    /** The outcomes. Only {@link #APPLIED} changes the chain. */
    public enum Outcome {
        /** Verified, extends the chain, now its head. */
        APPLIED,
        /** Exactly a version the chain already holds (a repeat, harmless). */
        DUPLICATE,
        /** Not newer than the chain's head and not one of its versions: a replay or a stale version. */
        OLD,
        /** Newer than the next version: the ones between are missing (catch up from a peer). */
        GAP,
        /** The next number, but its {@code prev} is not the hash of the chain's head. */
        BAD_LINK,
        /** Made for another genesis (another trust domain). */
        WRONG_GENESIS,
        /** Fewer than the threshold of distinct valid governor signatures. */
        BELOW_THRESHOLD,
        /**
         * A second version of a number the chain holds, itself signed by the threshold: governors signed both
         * ({@link #signers} names them). Evidence of compromised governors; never applied.
         */
        CONFLICT,
        /** Not a well-formed version document. */
        MALFORMED
    }

    /** Copies the lists. */
    public Verdict {
        signers = List.copyOf(signers);
        problems = List.copyOf(problems);
    }

    /** {@return whether the version was applied} */
    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }

    static Verdict of(Outcome outcome, SignedVersion v, String reason) {
        return new Verdict(outcome, v.version(), v.hash(), reason, List.of(), List.of());
    }

    @Override
    public String toString() {
        return outcome + " version " + version + ": " + reason;
    }
}
