package io.raet.trust;

import io.raet.crypto.SigningKey;

/**
 * A governor's side: signs proposals with its key, at most one per version number, each vote recorded in its
 * {@link VoteLedger} before the signature is returned. Sans-IO apart from the ledger it is given.
 */
public final class Governor {
    private final Genesis genesis;
    private final String name;
    private final SigningKey key;
    private final VoteLedger ledger;

    /**
     * A governor of {@code genesis}.
     *
     * @param genesis the trust domain's genesis
     * @param name this governor's name in the genesis
     * @param key this governor's signing key
     * @param ledger where this governor's votes are recorded
     * @throws TrustException when the genesis does not name {@code name} with this key's verify key
     */
    public Governor(Genesis genesis, String name, SigningKey key, VoteLedger ledger) {
        GovernorKey g = genesis.governor(name).orElseThrow(() -> new TrustException(name
                + " is not a governor of genesis " + genesis.id()));
        if (!g.key().equals(key.verifyKey())) {
            throw new TrustException("the key given is not governor " + name + "'s: the genesis names "
                    + g.verhex() + ", the key's is " + key.verifyKey().hex());
        }
        this.genesis = genesis;
        this.name = name;
        this.key = key;
        this.ledger = ledger;
    }

    /** {@return this governor's name} */
    public String name() {
        return name;
    }

    /**
     * Signs {@code proposal}: see {@link #sign(SignedVersion, PolicyChain)}, without a chain to check it against.
     *
     * @param proposal the proposal
     * @return the proposal with this governor's signature added
     */
    public SignedVersion sign(SignedVersion proposal) {
        return sign(proposal, null);
    }

    /**
     * Adds this governor's signature to {@code proposal}, after recording the vote. Signing the same proposal again
     * gives the same signature.
     *
     * @param proposal the proposal
     * @param known the chain this governor knows, or null: a proposal that does not extend it is refused
     * @return the proposal with this governor's signature added
     * @throws TrustException when the proposal is for another genesis, does not extend {@code known}, or this
     *     governor already signed another proposal of that version
     */
    public SignedVersion sign(SignedVersion proposal, PolicyChain known) {
        PolicyVersion body = proposal.body();
        if (!body.genesis().equals(genesis.hash())) {
            throw new TrustException("the proposal is for genesis " + body.genesis() + ", not " + genesis.hash() + " ("
                    + genesis.id() + ")");
        }
        if (known != null && (body.version() != known.version() + 1 || !body.prev().equals(known.headHash()))) {
            throw new TrustException("the proposal for version " + body.version() + " (prev " + body.prev()
                    + ") does not extend the chain at version " + known.version() + " (" + known.headHash() + ")");
        }
        ledger.record(body.version(), body.hash());
        return proposal.with(GovernorSignature.sign(name, key, body));
    }
}
