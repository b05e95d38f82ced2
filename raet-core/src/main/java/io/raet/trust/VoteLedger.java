package io.raet.trust;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A governor's record of its votes: which version hash it signed for each version number. A governor signs at
 * most one proposal per number, and records the vote durably before the signature leaves it, so that a crash or a
 * restart cannot make it sign a second, conflicting proposal of that number.
 */
public interface VoteLedger {
    /**
     * {@return the hash this governor signed for version {@code version}, if it voted on that number}
     *
     * @param version the version number
     */
    Optional<String> vote(long version);

    /**
     * Records the vote for {@code hash} at {@code version}, durably before returning; nothing when that exact vote is
     * already recorded.
     *
     * @param version the version number
     * @param hash the hash signed
     * @throws TrustException when another hash is recorded for that number, or the record cannot be written (then
     *     the vote is not recorded)
     */
    void record(long version, String hash);

    /**
     * A ledger in memory (tests, or a governor whose process is the durable part).
     *
     * @return the ledger
     */
    static VoteLedger inMemory() {
        return new FileVoteLedger.Memory();
    }

    /**
     * A ledger in {@code file}, written atomically ({@link io.raet.keep.AtomicFiles}) at every vote; a file of
     * another governor or genesis is refused.
     *
     * @param file the ledger file
     * @param governor the governor's name
     * @param genesisHash the genesis's hash
     * @return the ledger
     */
    static VoteLedger file(Path file, String governor, String genesisHash) {
        return new FileVoteLedger(file, governor, genesisHash);
    }
}
