package io.raet.keep;

import com.fasterxml.jackson.databind.JsonNode;
import io.raet.crypto.Argon2id;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sealing a keep with a passphrase (docs/keep.md): encrypt a plain keep, decrypt a sealed one, change its
 * passphrase, and say how a keep is sealed. Each operation reads the passphrase once from its source and wipes it;
 * a wrong passphrase throws a {@link KeepException} before anything is written. Every file is replaced atomically
 * (mode 0600). An operation interrupted half way leaves a keep that loads, and running it again completes it.
 *
 * <p>Run these on a keep no running stack uses: a stack holds what it loaded and writes its own form back.
 */
public final class SealedKeep {
    private static final Logger LOG = LoggerFactory.getLogger(SealedKeep.class);

    /**
     * The Argon2id cost of a new seal: libsodium's interactive preset (2 passes over 64 MiB). An unlock takes about
     * 0.07 s on the machine this was measured on (the moderate preset, 3 passes over 256 MiB, about 0.55 s).
     */
    public static final Argon2id DEFAULT_KDF = Argon2id.INTERACTIVE;

    private SealedKeep() {}

    /**
     * How a keep is sealed, as far as it can be told without the passphrase.
     *
     * @param localRole  whether the keep has a local role file
     * @param scope      what it seals, empty for a plain keep
     * @param kdf        the Argon2id cost of its seal, empty for a plain keep
     * @param sealedFiles other keep files in the sealed form
     * @param plainFiles other keep files in the reference's form
     */
    public record Status(boolean localRole, Optional<SealScope> scope, Optional<Argon2id> kdf, int sealedFiles,
            int plainFiles) {
        /** {@return whether the keep is sealed} */
        public boolean sealed() {
            return scope.isPresent();
        }
    }

    /**
     * What an operation did.
     *
     * @param scope   what the keep seals afterwards (empty: plain)
     * @param kdf     the Argon2id cost of its seal afterwards (empty: plain)
     * @param sealed  files it sealed
     * @param opened  files it wrote back in the reference's form
     * @param skipped files it left as they were because they are not valid keep files ({@link RoadKeep#loadRemotes}
     *                reports them)
     */
    public record Result(Optional<SealScope> scope, Optional<Argon2id> kdf, int sealed, int opened,
            List<KeepProblem> skipped) {}

    /**
     * {@return how the keep in {@code dir} is sealed}
     *
     * @param dir the keep directory
     */
    public static Status status(Path dir) {
        RoadKeep keep = new RoadKeep(dir);
        byte[] role = RoadKeep.readRaw(keep.localRolePath());
        Optional<SealScope> scope = Optional.empty();
        Optional<Argon2id> kdf = Optional.empty();
        if (role != null && KeepLock.isSealed(role)) {
            KeepLock.RoleEnvelope env = KeepLock.readRoleEnvelopeOf(keep.localRolePath(), role);
            scope = Optional.of(env.scope());
            kdf = Optional.of(env.kdf());
        }
        int sealedFiles = 0;
        int plainFiles = 0;
        for (RoadKeep.DataFile f : keep.dataFiles()) {
            byte[] bytes = RoadKeep.readRaw(f.path());
            if (bytes != null && KeepLock.isSealed(bytes)) {
                sealedFiles++;
            } else if (bytes != null) {
                plainFiles++;
            }
        }
        return new Status(role != null, scope, kdf, sealedFiles, plainFiles);
    }

    /**
     * Seals the keep in {@code dir}: the local private keys, and with {@link SealScope#ALL} every other file. A plain
     * keep gets a new seal under the passphrase; a sealed one must be unlocked by it, then gets the scope asked for
     * (files sealed or opened to match) and, when {@code kdf} differs from its seal's, a new salt and cost. Files left
     * plain by an interrupted run are sealed.
     *
     * @param dir the keep directory
     * @param passphrase where the passphrase comes from
     * @param kdf the Argon2id cost; null keeps a sealed keep's, or {@link #DEFAULT_KDF} for a plain one
     * @param scope what is sealed
     * @return what was sealed
     * @throws KeepException when the keep has no local role, the passphrase cannot be read or is wrong, or the local
     *     role file is invalid; nothing is written then
     */
    public static Result encrypt(Path dir, PassphraseSource passphrase, Argon2id kdf, SealScope scope) {
        Checks.notNull("passphrase source", passphrase);
        Checks.notNull("scope", scope);
        RoadKeep plainKeep = new RoadKeep(dir);
        Path rolePath = plainKeep.localRolePath();
        byte[] role = localRole(plainKeep);
        byte[] p = passphrase.read();
        KeepLock lock = null;
        try {
            boolean rewrite;
            LocalRoleData data;
            if (KeepLock.isSealed(role)) {
                KeepLock old = KeepLock.unlock(rolePath, role, p);
                data = old.openRole(rolePath, role);
                Argon2id cost = kdf == null ? old.kdf() : kdf;
                lock = cost.equals(old.kdf()) ? old.withScope(scope) : old.rewrap(p, cost).withScope(scope);
                rewrite = old.scope() != scope || !cost.equals(old.kdf());
                old.destroy();
            } else {
                data = RoadKeep.decode(rolePath, role, Codec::decodeLocalRole);
                lock = KeepLock.create(p, kdf == null ? DEFAULT_KDF : kdf, scope);
                rewrite = true;
            }
            RoadKeep keep = new RoadKeep(dir, lock);
            if (rewrite) {
                keep.writeRaw(rolePath, lock.sealRole(data));
            }
            return reseal(keep, lock, scope == SealScope.ALL);
        } finally {
            Arrays.fill(p, (byte) 0);
            if (lock != null) {
                lock.destroy();
            }
        }
    }

    /**
     * Writes every file of the sealed keep in {@code dir} back in the reference's plain layout: the other files
     * first, the local role file last, so that an interrupted run leaves a sealed keep that loads.
     *
     * @param dir the keep directory
     * @param passphrase where the passphrase comes from
     * @return what was written
     * @throws KeepException when the keep is not sealed, the passphrase cannot be read or is wrong; nothing is
     *     written then
     */
    public static Result decrypt(Path dir, PassphraseSource passphrase) {
        Checks.notNull("passphrase source", passphrase);
        RoadKeep plainKeep = new RoadKeep(dir);
        Path rolePath = plainKeep.localRolePath();
        byte[] role = localRole(plainKeep);
        if (!KeepLock.isSealed(role)) {
            throw new KeepException("keep " + plainKeep.dir() + " is not sealed: " + rolePath
                    + " already holds its keys in the clear");
        }
        byte[] p = passphrase.read();
        KeepLock lock = null;
        try {
            lock = KeepLock.unlock(rolePath, role, p);
            RoadKeep keep = new RoadKeep(dir, lock);
            LocalRoleData data = lock.openRole(rolePath, role);
            Result files = reseal(keep, lock, false);
            keep.writeRaw(rolePath, Codec.encode(data));
            return new Result(Optional.empty(), Optional.empty(), 0, files.opened() + 1, files.skipped());
        } finally {
            Arrays.fill(p, (byte) 0);
            if (lock != null) {
                lock.destroy();
            }
        }
    }

    /**
     * Seals the keep in {@code dir} under a new passphrase: only the local role file is rewritten (a new salt, and
     * {@code kdf} when not null); the keep's data key, and so every other file, stays as it is.
     *
     * @param dir the keep directory
     * @param oldPassphrase where the current passphrase comes from
     * @param newPassphrase where the new one comes from
     * @param kdf the new cost, or null to keep the current one
     * @return what was written
     * @throws KeepException when the keep is not sealed, a passphrase cannot be read, or the old one is wrong;
     *     nothing is written then
     */
    public static Result changePassphrase(Path dir, PassphraseSource oldPassphrase, PassphraseSource newPassphrase,
            Argon2id kdf) {
        Checks.notNull("old passphrase source", oldPassphrase);
        Checks.notNull("new passphrase source", newPassphrase);
        RoadKeep plainKeep = new RoadKeep(dir);
        Path rolePath = plainKeep.localRolePath();
        byte[] role = localRole(plainKeep);
        if (!KeepLock.isSealed(role)) {
            throw new KeepException("keep " + plainKeep.dir() + " is not sealed: seal it with a passphrase first"
                    + " (raet keep encrypt)");
        }
        byte[] oldP = oldPassphrase.read();
        byte[] newP = null;
        KeepLock old = null;
        KeepLock lock = null;
        try {
            old = KeepLock.unlock(rolePath, role, oldP);
            newP = newPassphrase.read();
            lock = old.rewrap(newP, kdf == null ? old.kdf() : kdf);
            LocalRoleData data = old.openRole(rolePath, role);
            new RoadKeep(dir, lock).writeRaw(rolePath, lock.sealRole(data));
            return new Result(Optional.of(lock.scope()), Optional.of(lock.kdf()), 1, 0, List.of());
        } finally {
            Arrays.fill(oldP, (byte) 0);
            if (newP != null) {
                Arrays.fill(newP, (byte) 0);
            }
            if (old != null) {
                old.destroy();
            }
            if (lock != null) {
                lock.destroy();
            }
        }
    }

    private static byte[] localRole(RoadKeep keep) {
        Path rolePath = keep.localRolePath();
        KeyFiles.check(rolePath, true);
        byte[] role = RoadKeep.readRaw(rolePath);
        if (role == null) {
            throw new KeepException("keep " + keep.dir() + " has no local role (" + rolePath + " is missing):"
                    + " nothing to seal");
        }
        return role;
    }

    /** Seals ({@code seal}) or opens every other keep file to match; invalid files are left as they are. */
    private static Result reseal(RoadKeep keep, KeepLock lock, boolean seal) {
        int sealedCount = 0;
        int opened = 0;
        List<KeepProblem> skipped = new ArrayList<>();
        for (RoadKeep.DataFile f : keep.dataFiles()) {
            byte[] bytes = RoadKeep.readRaw(f.path());
            if (bytes == null) {
                continue;
            }
            byte[] plain;
            boolean isSealed;
            try {
                JsonNode root = Codec.readObject(bytes);
                isSealed = KeepLock.isSealed(root);
                plain = isSealed ? lock.openFile(root) : bytes;
                f.decoder().apply(plain);
            } catch (KeepException e) {
                skipped.add(new KeepProblem(f.path(), e.getMessage(), null));
                LOG.warn("keep: left {} as it is: {}", f.path(), e.getMessage());
                continue;
            }
            if (seal && !isSealed) {
                keep.writeRaw(f.path(), lock.sealFile(plain));
                sealedCount++;
            } else if (!seal && isSealed) {
                keep.writeRaw(f.path(), plain);
                opened++;
            }
        }
        return new Result(Optional.of(lock.scope()), Optional.of(lock.kdf()), sealedCount, opened, skipped);
    }
}
