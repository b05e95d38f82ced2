package io.raet.trust;

import io.raet.route.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A router's copy of the governed policy: the chain of signed versions from its genesis, sans-IO (it is handed
 * versions and answers {@link Verdict}s; {@link ChainFiles} keeps it on disk, a driver carries versions over the
 * control channel).
 *
 * <p>A version is applied when, and only when, it was made for this genesis, is numbered one more than the head,
 * links to the head's hash ({@code prev}), and carries at least the threshold of distinct valid signatures of
 * governors the genesis names, over exactly its canonical bytes. Signatures that do not count (unknown governor, bad
 * signature) are reported and left out of what is kept. Anything else is refused with the reason: an older version
 * (a replay) or one that does not extend the chain never replaces what was applied, and a second version of a
 * number that itself carries the threshold is reported as a {@link Verdict.Outcome#CONFLICT} naming the governors
 * who signed both.
 *
 * <p>Not thread-safe: one owner calls it.
 */
public final class PolicyChain {
    private final Genesis genesis;
    private final List<SignedVersion> versions = new ArrayList<>();

    /**
     * The chain at version 0: its genesis only, no governed policy yet.
     *
     * @param genesis the trust domain's genesis
     */
    public PolicyChain(Genesis genesis) {
        if (genesis == null) {
            throw new TrustException("a policy chain needs its genesis");
        }
        this.genesis = genesis;
    }

    /**
     * A chain rebuilt from its stored versions (1, 2, … in order), each verified again.
     *
     * @param genesis the trust domain's genesis
     * @param stored the stored versions, in order
     * @return the chain
     * @throws TrustException naming the first stored version that does not verify
     */
    public static PolicyChain restore(Genesis genesis, List<SignedVersion> stored) {
        PolicyChain chain = new PolicyChain(genesis);
        for (SignedVersion v : stored) {
            Verdict d = chain.offer(v);
            if (!d.applied()) {
                throw new TrustException("stored version " + v.version() + " does not verify: " + d.reason());
            }
        }
        return chain;
    }

    /** {@return the trust domain's genesis} */
    public Genesis genesis() {
        return genesis;
    }

    /** {@return the head's number; 0 before the first version} */
    public long version() {
        return versions.size();
    }

    /** {@return the hash the next version links to: the head's, or the genesis's before the first version} */
    public String headHash() {
        return versions.isEmpty() ? genesis.hash() : versions.getLast().hash();
    }

    /** {@return the newest version, empty at version 0} */
    public Optional<SignedVersion> head() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getLast());
    }

    /** {@return every applied version, oldest first: the audit log} */
    public List<SignedVersion> versions() {
        return List.copyOf(versions);
    }

    /**
     * {@return version {@code n}, if the chain holds it}
     *
     * @param n the version number
     */
    public Optional<SignedVersion> get(long n) {
        return n >= 1 && n <= versions.size() ? Optional.of(versions.get((int) n - 1)) : Optional.empty();
    }

    /** {@return the governed table in effect; empty before the first version (the router keeps its own until then)} */
    public Optional<Policy> policy() {
        return head().map(v -> v.body().table());
    }

    /** {@return the estate keys the governors accept in the head version, by role} */
    public Map<String, KeyAcceptance> acceptances() {
        Map<String, KeyAcceptance> out = new LinkedHashMap<>();
        head().ifPresent(v -> v.body().accept().forEach(a -> out.put(a.role(), a)));
        return out;
    }

    /**
     * {@return the body of a proposal for the next version: this chain's head hash and number plus one}
     *
     * @param table the policy table
     * @param accept the key acceptances it carries
     * @param note a line for the audit log
     */
    public PolicyVersion propose(Policy table, List<KeyAcceptance> accept, String note) {
        return new PolicyVersion(genesis.hash(), version() + 1, headHash(), table, accept, note == null ? "" : note);
    }

    /**
     * Versions after {@code version}, at most {@code max} (what a peer that was away asks for).
     *
     * @param version the newest version the asker holds
     * @param max the most versions returned
     * @return the versions, oldest first
     */
    public List<SignedVersion> after(long version, int max) {
        int from = (int) Math.max(0, Math.min(version, versions.size()));
        int to = (int) Math.min(versions.size(), (long) from + Math.max(0, Math.min(max, Limits.MAX_CATCH_UP)));
        return List.copyOf(versions.subList(from, to));
    }

    /**
     * The signatures of {@code v} checked against the genesis, without applying anything.
     *
     * @param signers  governors with a valid signature, sorted
     * @param problems signatures that do not count
     * @param passes   whether the signers reach the threshold
     */
    public record Check(List<String> signers, List<String> problems, boolean passes) {}

    /**
     * Checks the signatures of {@code v} against the genesis, without applying anything.
     *
     * @param v the signed version
     * @return the governors with a valid signature, the signatures that do not count and whether they pass
     */
    public Check check(SignedVersion v) {
        Verification ver = verify(v);
        return new Check(List.copyOf(ver.valid().keySet()), ver.problems(), ver.passes());
    }

    /**
     * {@code v} with only the signatures that count: the first valid one of each governor the genesis names (what a
     * proposal gathered from several sources keeps, so forged or repeated signatures never pile up).
     *
     * @param v the signed version
     * @return the version with the counted signatures only
     */
    public SignedVersion counted(SignedVersion v) {
        return new SignedVersion(v.body(), List.copyOf(verify(v).valid().values()));
    }

    /** The first valid signature of each governor, by name, and the signatures that do not count. */
    private record Verification(java.util.SortedMap<String, GovernorSignature> valid, List<String> problems,
            boolean passes) {}

    private Verification verify(SignedVersion v) {
        java.util.SortedMap<String, GovernorSignature> valid = new java.util.TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (GovernorSignature s : v.signatures()) {
            Optional<GovernorKey> g = genesis.governor(s.governor());
            if (g.isEmpty()) {
                problems.add(s.governor() + ": not a governor of genesis " + genesis.id());
            } else if (valid.containsKey(s.governor())) {
                continue; // counted once
            } else if (!s.verifies(g.get().key(), v.body())) {
                problems.add(s.governor() + ": bad signature");
            } else {
                valid.put(s.governor(), s);
            }
        }
        return new Verification(valid, List.copyOf(problems), valid.size() >= genesis.threshold());
    }

    /**
     * Verifies {@code v} and applies it when it extends the chain; the verdict says which, or why not.
     *
     * @param v the signed version
     * @return the verdict
     */
    public Verdict offer(SignedVersion v) {
        if (!v.body().genesis().equals(genesis.hash())) {
            return Verdict.of(Verdict.Outcome.WRONG_GENESIS, v, "made for genesis " + v.body().genesis()
                    + ", not this chain's " + genesis.hash() + " (" + genesis.id() + ")");
        }
        long n = v.version();
        long head = version();
        if (n <= head) {
            SignedVersion mine = versions.get((int) n - 1);
            if (mine.hash().equals(v.hash())) {
                return Verdict.of(Verdict.Outcome.DUPLICATE, v, "version " + n + " is already applied");
            }
            Check c = check(v);
            if (c.passes()) {
                TreeSet<String> both = new TreeSet<>(c.signers());
                both.retainAll(check(mine).signers());
                return new Verdict(Verdict.Outcome.CONFLICT, n, v.hash(), "version " + n + " is already applied with"
                        + " another content (" + mine.hash() + "), and this one also carries the threshold: governors "
                        + both + " signed both", List.copyOf(both), c.problems());
            }
            return Verdict.of(Verdict.Outcome.OLD, v, "version " + n + " is not newer than the head, version " + head
                    + ", and is not the version applied: a replay or a stale version");
        }
        if (n > head + 1) {
            return Verdict.of(Verdict.Outcome.GAP, v, "version " + n + " does not follow the head, version " + head
                    + ": versions " + (head + 1) + ".." + (n - 1) + " are missing; catch up from a peer");
        }
        if (!v.body().prev().equals(headHash())) {
            return Verdict.of(Verdict.Outcome.BAD_LINK, v, "version " + n + " links to " + v.body().prev()
                    + ", not to the head's hash " + headHash() + ": it does not extend this chain");
        }
        Verification c = verify(v);
        List<String> signers = List.copyOf(c.valid().keySet());
        if (!c.passes()) {
            return new Verdict(Verdict.Outcome.BELOW_THRESHOLD, n, v.hash(), "version " + n + " has " + signers.size()
                    + " valid governor signature(s) " + signers + ", " + genesis.threshold() + " needed"
                    + (c.problems().isEmpty() ? "" : "; not counted: " + String.join(", ", c.problems())),
                    signers, c.problems());
        }
        versions.add(new SignedVersion(v.body(), List.copyOf(c.valid().values())));
        return new Verdict(Verdict.Outcome.APPLIED, n, v.hash(), "version " + n + " applied, signed by " + signers,
                signers, c.problems());
    }

    /**
     * Parses a version from its wire form and offers it; a malformed one gets a {@code MALFORMED} verdict.
     *
     * @param wire the version's wire form
     * @return the verdict
     */
    public Verdict offerWire(Object wire) {
        SignedVersion v;
        try {
            v = wire instanceof SignedVersion s ? s : SignedVersion.fromMap(wire);
        } catch (TrustException | io.raet.crypto.CryptoException e) {
            return new Verdict(Verdict.Outcome.MALFORMED, 0, "", e.getMessage(), List.of(), List.of());
        }
        return offer(v);
    }

    /**
     * What a {@link #catchUp} did.
     *
     * @param applied  versions applied
     * @param version  the head afterwards
     * @param verdicts one per version looked at, in order; the last explains a stop
     */
    public record CatchUp(int applied, long version, List<Verdict> verdicts) {}

    /**
     * Catches up from a peer's chain (its versions, oldest first, as {@link SignedVersion}s or wire maps): versions
     * already held are skipped, the following ones applied one by one; the first that neither repeats nor applies
     * stops it. At most {@link Limits#MAX_CATCH_UP} versions are looked at.
     *
     * @param peerVersions the peer's versions, oldest first
     * @return what was applied, and where it stopped
     */
    public CatchUp catchUp(List<?> peerVersions) {
        List<Verdict> verdicts = new ArrayList<>();
        int applied = 0;
        int n = 0;
        for (Object o : peerVersions) {
            if (n++ >= Limits.MAX_CATCH_UP) {
                break;
            }
            Verdict d = offerWire(o);
            verdicts.add(d);
            if (d.applied()) {
                applied++;
            } else if (d.outcome() != Verdict.Outcome.DUPLICATE) {
                break;
            }
        }
        return new CatchUp(applied, version(), verdicts);
    }
}
