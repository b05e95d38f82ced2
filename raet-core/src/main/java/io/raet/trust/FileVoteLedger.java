package io.raet.trust;

import io.raet.keep.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link VoteLedger} in a file:
 *
 * <pre>
 * {"trust": "votes", "governor": name, "genesis": genesis hash, "votes": [{"version": n, "hash": h}, …]}
 * </pre>
 */
final class FileVoteLedger implements VoteLedger {
    private final Path file;
    private final String governor;
    private final String genesis;
    private final TreeMap<Long, String> votes = new TreeMap<>();

    FileVoteLedger(Path file, String governor, String genesisHash) {
        this.file = file.toAbsolutePath();
        this.governor = governor;
        this.genesis = genesisHash;
        byte[] bytes;
        try {
            bytes = AtomicFiles.read(this.file, Limits.MAX_DOCUMENT_BYTES);
        } catch (IOException e) {
            throw new TrustException("cannot read the vote ledger " + this.file + ": " + e, e);
        }
        if (bytes != null) {
            try {
                load(CanonicalJson.parse(bytes, Limits.MAX_DOCUMENT_BYTES));
            } catch (TrustException e) {
                throw new TrustException("vote ledger " + this.file + ": " + e.getMessage(), e);
            }
        }
    }

    private void load(Object doc) {
        Fields f = Fields.of("ledger", doc, List.of("trust", "governor", "genesis", "votes"));
        if (!"votes".equals(f.get("trust"))) {
            throw new TrustException("ledger.trust must be \"votes\"");
        }
        if (!governor.equals(f.name("governor")) || !genesis.equals(f.hex("genesis", 32))) {
            throw new TrustException("it records the votes of governor " + f.get("governor") + " for genesis "
                    + f.get("genesis") + ", not of " + governor + " for " + genesis);
        }
        for (Object v : f.list("votes", Integer.MAX_VALUE)) {
            Fields vote = Fields.of("vote", v, List.of("version", "hash"));
            long n = vote.integer("version", 1, Long.MAX_VALUE);
            if (votes.put(n, vote.hex("hash", 32)) != null) {
                throw new TrustException("version " + n + " is recorded twice");
            }
        }
    }

    @Override
    public synchronized Optional<String> vote(long version) {
        return Optional.ofNullable(votes.get(version));
    }

    @Override
    public synchronized void record(long version, String hash) {
        String prior = votes.get(version);
        if (hash.equals(prior)) {
            return;
        }
        if (prior != null) {
            throw new TrustException("governor " + governor + " already signed version " + version + " (" + prior
                    + "): a governor signs one proposal per version");
        }
        votes.put(version, hash);
        try {
            AtomicFiles.write(file, CanonicalJson.encode(toMap()));
        } catch (IOException e) {
            votes.remove(version);
            throw new TrustException("cannot record the vote in " + file + ": " + e, e);
        }
    }

    private Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust", "votes");
        m.put("governor", governor);
        m.put("genesis", genesis);
        List<Object> vs = new ArrayList<>();
        votes.forEach((n, h) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("version", n);
            v.put("hash", h);
            vs.add(v);
        });
        m.put("votes", vs);
        return m;
    }

    /** The ledger of {@link VoteLedger#inMemory()}. */
    static final class Memory implements VoteLedger {
        private final Map<Long, String> votes = new TreeMap<>();

        @Override
        public synchronized Optional<String> vote(long version) {
            return Optional.ofNullable(votes.get(version));
        }

        @Override
        public synchronized void record(long version, String hash) {
            String prior = votes.putIfAbsent(version, hash);
            if (prior != null && !prior.equals(hash)) {
                throw new TrustException("already signed version " + version + " (" + prior + "): a governor signs"
                        + " one proposal per version");
            }
        }
    }
}
