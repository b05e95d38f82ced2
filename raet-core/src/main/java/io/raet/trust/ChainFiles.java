package io.raet.trust;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.raet.keep.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy chain on disk, the audit log of what a router applied: a directory holding {@code genesis.json} and
 * {@code version.<n>.json} for n = 1, 2, …, each written atomically (mode 0600) once and never changed. Opening it
 * verifies every version again.
 */
public final class ChainFiles {
    /** The genesis document's file name. */
    public static final String GENESIS = "genesis.json";
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChainFiles() {}

    /**
     * {@return the file of version {@code n} in {@code dir}}
     *
     * @param dir the chain directory
     * @param n the version number
     */
    public static Path versionFile(Path dir, long n) {
        return dir.resolve("version." + n + ".json");
    }

    /**
     * Opens the chain in {@code dir} for {@code genesis}, writing the genesis there if the directory holds none.
     *
     * @param dir the chain directory
     * @param genesis the trust domain's genesis
     * @return the chain
     * @throws TrustException when the directory holds another genesis, or a stored version does not read or verify
     */
    public static PolicyChain open(Path dir, Genesis genesis) {
        try {
            AtomicFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new TrustException("cannot create " + dir + ": " + e, e);
        }
        Path g = dir.resolve(GENESIS);
        byte[] stored = read(g);
        if (stored == null) {
            write(g, genesis.toMap());
        } else if (!readGenesis(g).equals(genesis)) {
            throw new TrustException(dir + " holds the chain of another genesis (" + readGenesis(g) + ", not "
                    + genesis + ")");
        }
        List<SignedVersion> versions = new ArrayList<>();
        for (long n = 1; ; n++) {
            Path f = versionFile(dir, n);
            if (read(f) == null) {
                break;
            }
            versions.add(readVersion(f));
        }
        try {
            return PolicyChain.restore(genesis, versions);
        } catch (TrustException e) {
            throw new TrustException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the chain in {@code dir} with the genesis stored there.
     *
     * @param dir the chain directory
     * @return the chain
     * @throws TrustException when the directory holds no genesis, or a stored version does not read or verify
     */
    public static PolicyChain open(Path dir) {
        return open(dir, readGenesis(dir.resolve(GENESIS)));
    }

    /**
     * Writes the versions of {@code chain} that {@code dir} lacks; returns how many.
     *
     * @param dir the chain directory
     * @param chain the chain to store
     * @return how many versions were written
     * @throws TrustException when a stored version differs from the chain's (the directory is another chain)
     */
    public static int save(Path dir, PolicyChain chain) {
        int written = 0;
        for (SignedVersion v : chain.versions()) {
            Path f = versionFile(dir, v.version());
            if (read(f) == null) {
                write(f, v.toMap());
                written++;
            } else if (!readVersion(f).hash().equals(v.hash())) {
                throw new TrustException(f + " holds another version " + v.version() + " than the chain's " + v.hash());
            }
        }
        return written;
    }

    /**
     * Reads a genesis document.
     *
     * @param file the file
     * @return the genesis
     * @throws TrustException naming the file and what is wrong
     */
    public static Genesis readGenesis(Path file) {
        return readDocument(file, Genesis::parse);
    }

    /**
     * Reads a signed version.
     *
     * @param file the file
     * @return the version
     * @throws TrustException naming the file and what is wrong
     */
    public static SignedVersion readVersion(Path file) {
        return readDocument(file, SignedVersion::parse);
    }

    /**
     * Reads and parses a trust document; every failure is a {@link TrustException} naming the file.
     *
     * @param <T> what the document is
     * @param file the file
     * @param parser reads the document from its bytes
     * @return the document
     */
    public static <T> T readDocument(Path file, java.util.function.Function<byte[], T> parser) {
        byte[] bytes = read(file);
        if (bytes == null) {
            throw new TrustException(file + " does not exist");
        }
        try {
            return parser.apply(bytes);
        } catch (TrustException | io.raet.crypto.CryptoException e) {
            throw new TrustException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a trust document (a genesis, a proposal, a version) as indented JSON, atomically.
     *
     * @param file the file written
     * @param document the document in its JSON-ready form
     * @throws TrustException when the file cannot be written
     */
    public static void write(Path file, Object document) {
        try {
            AtomicFiles.write(file, PRETTY.writeValueAsBytes(document));
        } catch (IOException e) {
            throw new TrustException("cannot write " + file + ": " + e, e);
        }
    }

    static byte[] read(Path file) {
        try {
            return AtomicFiles.read(file, Limits.MAX_DOCUMENT_BYTES);
        } catch (IOException e) {
            throw new TrustException("cannot read " + file + ": " + e, e);
        }
    }
}
