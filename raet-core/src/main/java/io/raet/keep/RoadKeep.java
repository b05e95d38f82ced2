package io.raet.keep;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk keep of a road stack, in the reference's layout (relative to the keep directory):
 *
 * <pre>
 * local/estate.json              local estate        ({@link LocalEstateData})
 * role/local/role.json           local role and keys ({@link LocalRoleData})
 * remote/estate.&lt;name&gt;.json      one per remote      ({@link RemoteEstateData})
 * role/remote/role.&lt;role&gt;.json   one per remote role ({@link RemoteRoleData})
 * </pre>
 *
 * <p>Files are JSON byte-identical to the reference's {@code json.dump(data, f, indent=2)}. Every write goes to a
 * temp file in the same directory ({@code .<file>.<16 hex>.tmp}, mode 0600), which is fsynced, atomically renamed
 * over the target, after which the directory is fsynced. Directories are created with mode 0700. Leftover temp
 * files (from a crash) are ignored by the load methods, which delete those older than 10 seconds. Only JSON is
 * supported; {@code .msgpack} keep files are reported by {@link #loadRemotes()} and otherwise ignored.
 *
 * <p>Reads are strict: valid JSON, exactly the reference's key set, correct types, ranges (uids, sids 0..2^32-1,
 * ports 0..65535, kind 0..255), 64-hex keys, and valid names/roles ({@link KeepNames}). How invalid files are
 * handled:
 * <ul>
 *   <li>remote estate files: reported by {@link #loadRemotes()} and <b>moved aside</b> to {@code <file>.corrupt}
 *       (never deleted); the other remotes load normally. An estate file only carries addresses and ids, the
 *       remote simply joins again.</li>
 *   <li>remote role files: reported and <b>left in place</b>, because they hold the acceptance decision; removing
 *       one would turn a pinned role into an unknown role. {@link #statusRole} treats a corrupt role file as
 *       rejected (except in {@link AutoMode#ALWAYS}, which overwrites it); {@link #loadRemoteRole} throws.</li>
 *   <li>local files: {@link #loadLocal()} / {@link #loadLocalRole()} throw {@link KeepException}; the local
 *       identity is never replaced silently.</li>
 * </ul>
 *
 * <p>Key files are checked before they are read: the local role file (secret keys) must be a regular file that
 * group and others cannot access (written with mode 0600; {@code chmod 600} fixes one that is not), and no role
 * file may be a symbolic link. {@link #loadLocalRole()} throws for such a file; a remote role file that is a link
 * is reported by {@link #loadRemotes()} and counts as invalid for {@link #statusRole}.
 *
 * <p>Acceptance decisions ({@link #decideRole}) write nothing; {@link #keepRole} and {@link #acceptRole} write a
 * role file. A running estate keeps a remote's role only once the remote proved its keys, so join requests alone
 * never make the keep grow.
 *
 * <p>A keep can be <b>sealed</b> (docs/keep.md, {@link SealedKeep}): the local private keys, and with
 * {@link SealScope#ALL} every other file too, encrypted under a key derived from a passphrase. A keep opened with
 * {@link #RoadKeep(Path, PassphraseSource)} unlocks a sealed keep (a wrong passphrase throws, nothing is written),
 * seals a new one, and reads and writes sealed files transparently. A plain keep (the reference's layout) still
 * loads, with a warning logged once per directory. A sealed keep opened without its passphrase can list what it
 * holds, but not read or write sealed files.
 *
 * <p>All methods are synchronized on the instance. All failures are {@link KeepException} (unchecked); I/O
 * errors carry the {@link IOException} as cause.
 */
public final class RoadKeep {
    private static final Logger LOG = LoggerFactory.getLogger(RoadKeep.class);

    static final String EXT = ".json";
    static final String ESTATE_PREFIX = "estate.";
    static final String ROLE_PREFIX = "role.";
    /** Age from which a temp file is considered left over by a crash. */
    static final java.time.Duration TEMP_MIN_AGE = java.time.Duration.ofSeconds(10);

    private final Path dir;
    private final Path localDir;
    private final Path remoteDir;
    private final Path localRoleDir;
    private final Path remoteRoleDir;
    private Consumer<Path> beforeRename;
    /** The keys a passphrase unlocked; null when the keep is plain or was opened without its passphrase. */
    private KeepLock lock;
    /** What the keep seals (from its local role file); null for a plain keep. */
    private SealScope sealed;

    /**
     * Opens (creating if missing, mode 0700) the keep in {@code dir}; a sealed keep stays locked.
     *
     * @param dir the keep directory
     */
    public RoadKeep(Path dir) {
        this(dir, (PassphraseSource) null);
    }

    /**
     * Opens (creating if missing, mode 0700) the keep in {@code dir}, unlocking it with the passphrase from
     * {@code passphrase} (null: as {@link #RoadKeep(Path)}). The passphrase is read once, here: a sealed keep is
     * unlocked (about a tenth of a second with the default cost, docs/keep.md); a keep without a local role yet is
     * sealed when its keys are first written ({@link SealedKeep#DEFAULT_KDF}, scope {@link SealScope#KEYS}); a plain
     * keep stays plain (seal it with {@link SealedKeep#encrypt}) and loads with a warning.
     *
     * @param dir the keep directory
     * @param passphrase where the passphrase comes from, or null
     * @throws KeepException when the passphrase cannot be read, is wrong, or the sealed file was altered; nothing is
     *     written then
     */
    public RoadKeep(Path dir, PassphraseSource passphrase) {
        this.dir = Checks.notNull("keep directory", dir).toAbsolutePath().normalize();
        this.localDir = this.dir.resolve("local");
        this.remoteDir = this.dir.resolve("remote");
        this.localRoleDir = this.dir.resolve("role").resolve("local");
        this.remoteRoleDir = this.dir.resolve("role").resolve("remote");
        try {
            for (Path d : List.of(this.dir, localDir, remoteDir, localRoleDir, remoteRoleDir)) {
                AtomicFiles.createDirectories(d);
            }
        } catch (IOException e) {
            throw new KeepException("cannot create keep directory " + this.dir + ": " + e, e);
        }
        byte[] role = passphrase != null ? readLocalRoleRaw() : peekLocalRole();
        if (role != null && KeepLock.isSealed(role)) {
            try {
                sealed = KeepLock.readRoleEnvelopeOf(localRolePath(), role).scope();
            } catch (KeepException e) {
                if (passphrase != null) {
                    throw e;
                }
                sealed = SealScope.ALL; // unreadable envelope: write nothing in the clear; loading reports it
            }
        }
        if (passphrase != null) {
            if (role != null && sealed == null) {
                warnPlain();
            } else {
                byte[] p = passphrase.read();
                try {
                    lock = role == null ? KeepLock.create(p, SealedKeep.DEFAULT_KDF, SealScope.KEYS)
                            : KeepLock.unlock(localRolePath(), role, p);
                } finally {
                    java.util.Arrays.fill(p, (byte) 0);
                }
                sealed = lock.scope();
            }
        }
    }

    /** Opens a keep with keys already unlocked (the sealing operations). */
    RoadKeep(Path dir, KeepLock lock) {
        this(dir);
        this.lock = lock;
        this.sealed = lock == null ? null : lock.scope();
    }

    /** {@return the keep directory} */
    public Path dir() {
        return dir;
    }

    /** {@return the path of the local estate file} */
    public Path localEstatePath() {
        return localDir.resolve("estate" + EXT);
    }

    /** {@return the path of the local role file} */
    public Path localRolePath() {
        return localRoleDir.resolve("role" + EXT);
    }

    /**
     * {@return path of a remote estate file; {@link KeepException} if the name is invalid}
     *
     * @param name the remote estate's name
     */
    public Path remoteEstatePath(String name) {
        return remoteDir.resolve(ESTATE_PREFIX + KeepNames.require("name", name) + EXT);
    }

    /**
     * {@return path of a remote role file; {@link KeepException} if the role is invalid}
     *
     * @param role the role
     */
    public Path remoteRolePath(String role) {
        return remoteRoleDir.resolve(ROLE_PREFIX + KeepNames.require("role", role) + EXT);
    }

    /** {@return what this keep seals, empty when it is plain (the reference's layout)} */
    public synchronized Optional<SealScope> sealing() {
        return Optional.ofNullable(sealed);
    }

    /** {@return whether this keep holds the keys of a passphrase (it can read and write its sealed files)} */
    public synchronized boolean unlocked() {
        return lock != null;
    }

    /**
     * Wipes the keys the passphrase unlocked. Sealed files cannot be read or written through this instance
     * afterwards; a plain keep is unaffected.
     */
    public synchronized void relock() {
        if (lock != null) {
            lock.destroy();
            lock = null;
        }
    }

    /** Called with the temp file after it is fsynced and before it is renamed over the target (tests only). */
    synchronized void beforeRename(Consumer<Path> hook) {
        this.beforeRename = hook;
    }

    // ---------------------------------------------------------------- local

    /** {@return the local estate, empty if never dumped; {@link KeepException} if the file is invalid} */
    public synchronized Optional<LocalEstateData> loadLocal() {
        cleanTemps(localDir);
        return loadRequired(localEstatePath(), Codec::decodeLocalEstate);
    }

    /**
     * {@return the local role and keys, empty if never dumped; {@link KeepException} if the file is invalid, or sealed
     * and this keep was opened without its passphrase}
     */
    public synchronized Optional<LocalRoleData> loadLocalRole() {
        cleanTemps(localRoleDir);
        Path file = localRolePath();
        byte[] bytes = readLocalRoleRaw();
        if (bytes == null) {
            return Optional.empty();
        }
        if (!KeepLock.isSealed(bytes)) {
            warnPlain();
            return Optional.of(decode(file, bytes, Codec::decodeLocalRole));
        }
        if (lock == null) {
            throw new KeepException(file + " is sealed (its private keys are encrypted): open the keep with its"
                    + " passphrase (RoadKeep(dir, PassphraseSource), raet --passphrase-file|--passphrase-env|"
                    + "--passphrase-stdin|--passphrase-credential; docs/keep.md)");
        }
        return Optional.of(lock.openRole(file, bytes));
    }

    /**
     * Makes the local identity of an empty keep ahead of its first run: the local role file with these keys (sealed
     * when the keep is) and the local estate file with {@code name}, {@code role} and no address yet (the first run
     * binds its port and records it). What an operator provisions before handing the public keys to peers, such as
     * the members of a control channel.
     *
     * @param name the local estate's name
     * @param role the local role
     * @param signingKey the Ed25519 key
     * @param boxKeys the Curve25519 pair
     * @throws KeepException when the keep already holds a local identity, or on I/O errors
     */
    public synchronized void initLocal(String name, String role, io.raet.crypto.SigningKey signingKey,
            io.raet.crypto.BoxKeyPair boxKeys) {
        if (loadLocal().isPresent() || readLocalRoleRaw() != null) {
            throw new KeepException("keep " + dir + " already holds a local identity");
        }
        dumpLocalRole(LocalRoleData.of(role, signingKey, boxKeys));
        HostPort none = new HostPort("0.0.0.0", 0);
        dumpLocal(new LocalEstateData(name, 1, none, null, null, "localhost", null, 0, 1, none, role));
    }

    /**
     * Writes the local estate file (sealed when this keep seals every file).
     *
     * @param data the local estate
     * @throws KeepException on I/O errors
     */
    public synchronized void dumpLocal(LocalEstateData data) {
        write(localEstatePath(), sealFile(localEstatePath(), Codec.encode(Checks.notNull("local estate", data))));
    }

    /**
     * Writes the local role file: sealed when this keep is sealed and unlocked, plain when it is plain.
     *
     * @param data the local role
     */
    public synchronized void dumpLocalRole(LocalRoleData data) {
        Checks.notNull("local role", data);
        if (lock != null) {
            write(localRolePath(), lock.sealRole(data));
        } else if (sealed != null) {
            throw new KeepException(localRolePath() + " is sealed and this keep is locked: open it with its"
                    + " passphrase to write its keys");
        } else {
            write(localRolePath(), Codec.encode(data));
        }
    }

    // ---------------------------------------------------------------- remotes

    /**
     * Loads every remote estate file and every remote role file. Invalid files are skipped and listed in
     * {@link RemoteLoad#problems()}: estate files are moved aside to {@code <file>.corrupt}, role files stay in
     * place (see the class documentation). A file that cannot be read (I/O error) is reported and left in place.
     * A remote estate file whose {@code name} differs from the name in its file name is invalid.
     *
     * @return the remotes, the roles and the files skipped
     */
    public synchronized RemoteLoad loadRemotes() {
        cleanTemps(remoteDir);
        cleanTemps(remoteRoleDir);
        List<KeepProblem> problems = new ArrayList<>();

        List<RemoteEstateData> remotes = new ArrayList<>();
        for (Path file : keepFiles(remoteDir, ESTATE_PREFIX, problems)) {
            String name = middle(file, ESTATE_PREFIX);
            byte[] bytes;
            try {
                bytes = AtomicFiles.read(file);
            } catch (IOException e) {
                problems.add(new KeepProblem(file, "cannot read: " + e, null));
                continue;
            }
            if (bytes == null) {
                continue; // removed meanwhile
            }
            if (lockedOut(bytes)) {
                problems.add(new KeepProblem(file, LOCKED, null));
                continue;
            }
            try {
                KeepNames.require("name in file name", name);
                RemoteEstateData data = Codec.decodeRemoteEstate(openFile(bytes));
                if (!data.name().equals(name)) {
                    throw new KeepException("name " + KeepNames.quote(data.name())
                            + " differs from the file name's " + KeepNames.quote(name));
                }
                remotes.add(data);
            } catch (KeepException e) {
                problems.add(quarantine(file, e.getMessage()));
            }
        }

        Map<String, RemoteRoleData> roles = new TreeMap<>();
        for (Path file : keepFiles(remoteRoleDir, ROLE_PREFIX, problems)) {
            String role = middle(file, ROLE_PREFIX);
            try {
                byte[] bytes = AtomicFiles.read(file);
                if (bytes == null) {
                    continue;
                }
                if (lockedOut(bytes)) {
                    problems.add(new KeepProblem(file, LOCKED, null));
                    continue;
                }
                KeepNames.require("role in file name", role);
                RemoteRoleData data = Codec.decodeRemoteRole(openFile(bytes));
                if (!data.role().equals(role)) {
                    throw new KeepException("role " + KeepNames.quote(data.role())
                            + " differs from the file name's " + KeepNames.quote(role));
                }
                roles.put(role, data);
            } catch (IOException e) {
                problems.add(new KeepProblem(file, "cannot read: " + e, null));
            } catch (KeepException e) {
                problems.add(new KeepProblem(file, e.getMessage(), null));
            }
        }
        for (KeepProblem p : problems) {
            LOG.warn("keep: skipped {}", p);
        }
        return new RemoteLoad(remotes, roles, problems);
    }

    /**
     * {@return one remote estate, empty if there is no file; {@link KeepException} if the name is invalid or the file
     * is invalid (the file is left in place)}
     *
     * @param name the remote estate's name
     */
    public synchronized Optional<RemoteEstateData> loadRemote(String name) {
        Optional<RemoteEstateData> data = loadRequired(remoteEstatePath(name), Codec::decodeRemoteEstate);
        if (data.isPresent() && !data.get().name().equals(name)) {
            throw new KeepException(remoteEstatePath(name) + ": name " + KeepNames.quote(data.get().name())
                    + " differs from the file name");
        }
        return data;
    }

    /**
     * Writes (replaces) {@code remote/estate.<name>.json}. Does not touch the role file.
     *
     * @param data the remote estate
     */
    public synchronized void dumpRemote(RemoteEstateData data) {
        Checks.notNull("remote estate", data);
        write(remoteEstatePath(data.name()), sealFile(remoteEstatePath(data.name()), Codec.encode(data)));
    }

    /**
     * Deletes the remote estate file; returns whether it existed. The role file is kept.
     *
     * @param name the remote estate's name
     * @return whether the file existed
     */
    public synchronized boolean removeRemote(String name) {
        return delete(remoteEstatePath(name));
    }

    /**
     * {@return the role file of {@code role}, empty if there is none; {@link KeepException} if the role is invalid or
     * the file is invalid}
     *
     * @param role the role
     */
    public synchronized Optional<RemoteRoleData> loadRemoteRole(String role) {
        Path file = remoteRolePath(role);
        KeyFiles.check(file, false);
        Optional<RemoteRoleData> data = loadRequired(file, Codec::decodeRemoteRole);
        if (data.isPresent() && !data.get().role().equals(role)) {
            throw new KeepException(file + ": role " + KeepNames.quote(data.get().role())
                    + " differs from the file name");
        }
        return data;
    }

    /**
     * Writes (replaces) {@code role/remote/role.<role>.json}.
     *
     * @param data the role file
     */
    public synchronized void dumpRemoteRole(RemoteRoleData data) {
        Checks.notNull("remote role", data);
        write(remoteRolePath(data.role()), sealFile(remoteRolePath(data.role()), Codec.encode(data)));
    }

    /**
     * {@return whether the keep holds anything about remotes: a remote estate or remote role file, valid or not (files
     * moved aside as corrupt included)} An estate with remote data and no local identity must not start with a new one.
     */
    public synchronized boolean hasRemoteData() {
        for (Path d : List.of(remoteDir, remoteRoleDir)) {
            String prefix = d.equals(remoteDir) ? ESTATE_PREFIX : ROLE_PREFIX;
            for (Path file : list(d)) {
                String n = file.getFileName().toString();
                if (n.startsWith(prefix) && n.contains(EXT)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Deletes the role file; returns whether it existed.
     *
     * @param role the role
     * @return whether the file existed
     */
    public synchronized boolean removeRemoteRole(String role) {
        return delete(remoteRolePath(role));
    }

    /**
     * Deletes every keep file: local estate and role, all remote estate and role files, leftover temp files and
     * files moved aside as corrupt. Directories and unrelated files stay.
     */
    public synchronized void clearAll() {
        delete(localEstatePath());
        delete(localRolePath());
        for (Path d : List.of(localDir, localRoleDir, remoteDir, remoteRoleDir)) {
            for (Path file : list(d)) {
                String n = file.getFileName().toString();
                boolean ours = AtomicFiles.isTemp(n)
                        || n.contains(EXT + AtomicFiles.CORRUPT_SUFFIX)
                        || (d.equals(remoteDir) && n.startsWith(ESTATE_PREFIX) && n.endsWith(EXT))
                        || (d.equals(remoteRoleDir) && n.startsWith(ROLE_PREFIX) && n.endsWith(EXT));
                if (ours && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    delete(file);
                }
            }
        }
    }

    // ---------------------------------------------------------------- acceptance

    /**
     * {@return acceptance of {@code role} presenting the keys {@code verhex}/{@code pubhex} under {@code auto} (spec
     * §6.5; "keys equal" means both keys equal the stored ones; a role file with {@code acceptance: null} counts as no
     * prior record):}
     *
     * <pre>
     * auto     no record   prior accepted            prior pending             prior rejected
     * NEVER    pending     accepted if keys equal    pending if keys equal     rejected
     *                      else rejected             else rejected
     * ONCE     accepted    accepted if keys equal    accepted if keys equal    rejected
     *                      else rejected             else rejected
     * ALWAYS   accepted    accepted                  accepted                  accepted
     * </pre>
     *
     * When the result is not rejected, the role file is written with the given keys and the result (if that
     * changes it). A rejected result never writes: the stored keys and status stay as they were. A role file
     * that exists but is invalid gives rejected (nothing written) except under {@link AutoMode#ALWAYS}, where it
     * is replaced like any other record.
     *
     * @param role the role
     * @param verhex the presented verify key, hex
     * @param pubhex the presented public key, hex
     * @param auto the auto-accept mode
     * @throws KeepException if the role or a key is invalid, or on I/O errors
     */
    public synchronized Acceptance statusRole(String role, String verhex, String pubhex, AutoMode auto) {
        Acceptance status = decideRole(role, verhex, pubhex, auto);
        if (status != Acceptance.REJECTED) {
            keepRole(role, verhex, pubhex, status);
        }
        return status;
    }

    /**
     * {@return the acceptance {@link #statusRole} would give, without writing anything: what a join is answered before
     * the joiner has proven its keys}
     *
     * @param role the role
     * @param verhex the presented verify key, hex
     * @param pubhex the presented public key, hex
     * @param auto the auto-accept mode
     * @throws KeepException if the role or a key is invalid, or on I/O errors
     */
    public synchronized Acceptance decideRole(String role, String verhex, String pubhex, AutoMode auto) {
        KeepNames.require("role", role);
        Checks.notNull("auto mode", auto);
        RemoteRoleData presented = new RemoteRoleData(role, null, verhex, pubhex); // validates the keys
        RemoteRoleData prior;
        boolean corrupt = false;
        try {
            prior = loadRemoteRole(role).orElse(null);
        } catch (KeepException e) {
            if (e.getCause() instanceof IOException) {
                throw e;
            }
            LOG.warn("keep: role file of {} is invalid: {}", KeepNames.quote(role), e.getMessage());
            prior = null;
            corrupt = true;
        }
        return decide(prior, corrupt, presented, auto);
    }

    /**
     * Writes the role file of {@code role} with these keys and this status, unless it already says exactly that.
     *
     * @param role the role
     * @param verhex the verify key, hex
     * @param pubhex the public key, hex
     * @param status the acceptance
     * @throws KeepException if the role or a key is invalid, or on I/O errors
     */
    public synchronized void keepRole(String role, String verhex, String pubhex, Acceptance status) {
        RemoteRoleData updated = new RemoteRoleData(role, Checks.notNull("acceptance", status), verhex, pubhex);
        RemoteRoleData prior;
        try {
            prior = loadRemoteRole(role).orElse(null);
        } catch (KeepException e) {
            if (e.getCause() instanceof IOException) {
                throw e;
            }
            prior = null;
        }
        if (!updated.equals(prior)) {
            dumpRemoteRole(updated);
        }
    }

    /**
     * Operator: accepts {@code role} with exactly these keys, whether or not the role was known (a role file with
     * other keys is replaced). A running estate accepts the next join presenting them; one for a name bound to
     * other keys of this role rebinds the name.
     *
     * @param role the role
     * @param verhex the verify key, hex
     * @param pubhex the public key, hex
     * @throws KeepException if the role or a key is invalid, or on I/O errors
     */
    public synchronized void acceptRole(String role, String verhex, String pubhex) {
        keepRole(role, verhex, pubhex, Acceptance.ACCEPTED);
    }

    private static Acceptance decide(RemoteRoleData prior, boolean corrupt, RemoteRoleData presented, AutoMode auto) {
        if (auto == AutoMode.ALWAYS) {
            return Acceptance.ACCEPTED;
        }
        if (corrupt) {
            return Acceptance.REJECTED;
        }
        Acceptance before = prior == null ? null : prior.acceptance();
        if (before == null) {
            return auto == AutoMode.ONCE ? Acceptance.ACCEPTED : Acceptance.PENDING;
        }
        boolean sameKeys = prior.sameKeys(presented.verhex(), presented.pubhex());
        return switch (before) {
            case ACCEPTED -> sameKeys ? Acceptance.ACCEPTED : Acceptance.REJECTED;
            case PENDING -> !sameKeys
                    ? Acceptance.REJECTED
                    : (auto == AutoMode.ONCE ? Acceptance.ACCEPTED : Acceptance.PENDING);
            case REJECTED -> Acceptance.REJECTED;
        };
    }

    /**
     * Operator: marks the role accepted (keeps its keys). {@link KeepException} if there is no valid role file.
     *
     * @param role the role
     */
    public synchronized void acceptRemote(String role) {
        setAcceptance(role, Acceptance.ACCEPTED);
    }

    /**
     * Operator: marks the role pending. {@link KeepException} if there is no valid role file.
     *
     * @param role the role
     */
    public synchronized void pendRemote(String role) {
        setAcceptance(role, Acceptance.PENDING);
    }

    /**
     * Operator: marks the role rejected. {@link KeepException} if there is no valid role file.
     *
     * @param role the role
     */
    public synchronized void rejectRemote(String role) {
        setAcceptance(role, Acceptance.REJECTED);
    }

    private void setAcceptance(String role, Acceptance status) {
        RemoteRoleData data = loadRemoteRole(role)
                .orElseThrow(() -> new KeepException("no role file for role " + KeepNames.quote(role)));
        dumpRemoteRole(data.withAcceptance(status));
    }

    // ---------------------------------------------------------------- helpers

    private <T> Optional<T> loadRequired(Path file, Function<byte[], T> decoder) {
        byte[] bytes = readRaw(file);
        if (bytes == null) {
            return Optional.empty();
        }
        if (lockedOut(bytes)) {
            throw new KeepException(file + ": " + LOCKED);
        }
        return Optional.of(decode(file, bytes, b -> decoder.apply(openFile(b))));
    }

    static <T> T decode(Path file, byte[] bytes, Function<byte[], T> decoder) {
        try {
            return decoder.apply(bytes);
        } catch (KeepException e) {
            throw new KeepException(file + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- sealing

    static final String LOCKED = "sealed, and the keep is locked: open it with its passphrase";
    /** Keep directories whose plain keys were warned about, so that the warning is logged once. */
    private static final java.util.Set<Path> WARNED_PLAIN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void warnPlain() {
        if (WARNED_PLAIN.add(dir)) {
            LOG.warn("keep {}: the private keys in {} are not encrypted (the reference's plain layout); seal them"
                    + " with a passphrase: raet keep encrypt (docs/keep.md)", dir, localRolePath());
        }
    }

    /** The local role file's bytes, null if there is none; refused when it is a link or others can read it. */
    private byte[] readLocalRoleRaw() {
        KeyFiles.check(localRolePath(), true);
        return readRaw(localRolePath());
    }

    /** The local role file's bytes for a keep opened without passphrase: null when absent or unfit to read. */
    private byte[] peekLocalRole() {
        if (Files.isSymbolicLink(localRolePath())) {
            return null; // loadLocalRole refuses it with the reason
        }
        try {
            return readRaw(localRolePath());
        } catch (KeepException e) {
            return null;
        }
    }

    static byte[] readRaw(Path file) {
        try {
            return AtomicFiles.read(file);
        } catch (IOException e) {
            throw new KeepException("cannot read " + file + ": " + e, e);
        }
    }

    /** Whether {@code bytes} are a sealed file this keep cannot open (it was opened without its passphrase). */
    private boolean lockedOut(byte[] bytes) {
        return lock == null && KeepLock.isSealed(bytes);
    }

    /** The reference form of a keep file other than the local role file: opened when sealed. */
    private byte[] openFile(byte[] bytes) {
        if (lock == null) {
            return bytes;
        }
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = Codec.readObject(bytes);
        } catch (KeepException e) {
            return bytes; // the decoder reports it
        }
        return KeepLock.isSealed(root) ? lock.openFile(root) : bytes;
    }

    /** What to write for a keep file other than the local role file whose reference form is {@code plain}. */
    private byte[] sealFile(Path file, byte[] plain) {
        if (sealed != SealScope.ALL) {
            return plain;
        }
        if (lock == null) {
            throw new KeepException("cannot write " + file + ": the keep seals every file and is locked: open it"
                    + " with its passphrase");
        }
        return lock.sealFile(plain);
    }

    /** Replaces a keep file with exactly these bytes (the sealing operations). */
    synchronized void writeRaw(Path file, byte[] bytes) {
        write(file, bytes);
    }

    /** A keep file other than the local role file, and how to read its reference form. */
    record DataFile(Path path, Function<byte[], ?> decoder) {}

    /** The local estate file and every remote estate and role file (not temp files or files moved aside). */
    synchronized List<DataFile> dataFiles() {
        List<DataFile> out = new ArrayList<>();
        if (Files.isRegularFile(localEstatePath(), LinkOption.NOFOLLOW_LINKS)) {
            out.add(new DataFile(localEstatePath(), Codec::decodeLocalEstate));
        }
        List<KeepProblem> ignored = new ArrayList<>();
        for (Path file : keepFiles(remoteDir, ESTATE_PREFIX, ignored)) {
            out.add(new DataFile(file, Codec::decodeRemoteEstate));
        }
        for (Path file : keepFiles(remoteRoleDir, ROLE_PREFIX, ignored)) {
            out.add(new DataFile(file, Codec::decodeRemoteRole));
        }
        return out;
    }

    private void write(Path file, byte[] bytes) {
        try {
            AtomicFiles.write(file, bytes, beforeRename);
        } catch (IOException e) {
            throw new KeepException("cannot write " + file + ": " + e, e);
        }
    }

    private static boolean delete(Path file) {
        try {
            return AtomicFiles.delete(file);
        } catch (IOException e) {
            throw new KeepException("cannot delete " + file + ": " + e, e);
        }
    }

    private static KeepProblem quarantine(Path file, String reason) {
        try {
            return new KeepProblem(file, reason, AtomicFiles.moveAside(file));
        } catch (IOException e) {
            return new KeepProblem(file, reason + " (could not move it aside: " + e + ")", null);
        }
    }

    /** Regular files {@code <prefix>*.json} in {@code d}, sorted; {@code <prefix>*.msgpack} are reported. */
    private static List<Path> keepFiles(Path d, String prefix, List<KeepProblem> problems) {
        List<Path> out = new ArrayList<>();
        for (Path file : list(d)) {
            String n = file.getFileName().toString();
            if (n.startsWith(prefix) && n.endsWith(EXT) && Files.isSymbolicLink(file)) {
                problems.add(new KeepProblem(file, KeyFiles.SYMLINK, null));
                continue;
            }
            if (!n.startsWith(prefix) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (n.endsWith(EXT) && n.length() > prefix.length() + EXT.length()) {
                out.add(file);
            } else if (n.endsWith(".msgpack")) {
                problems.add(new KeepProblem(file, "msgpack keep files are not supported", null));
            }
        }
        return out;
    }

    private static String middle(Path file, String prefix) {
        String n = file.getFileName().toString();
        return n.substring(prefix.length(), n.length() - EXT.length());
    }

    private static List<Path> list(Path d) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            ds.forEach(out::add);
        } catch (java.nio.file.NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new KeepException("cannot list " + d + ": " + e, e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Deletes temp files left by an interrupted write. Only files older than {@link #TEMP_MIN_AGE} are deleted, so
     * that a write in progress in another process (e.g. an operator command) is not disturbed; younger ones are
     * simply ignored.
     */
    private static void cleanTemps(Path d) {
        long now = System.currentTimeMillis();
        for (Path file : list(d)) {
            if (AtomicFiles.isTemp(file.getFileName().toString())
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    long mtime = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
                    if (now - mtime < TEMP_MIN_AGE.toMillis()) {
                        continue;
                    }
                    Files.deleteIfExists(file);
                    LOG.info("keep: removed leftover temp file {}", file);
                } catch (IOException e) {
                    LOG.warn("keep: cannot remove leftover temp file {}: {}", file, e.toString());
                }
            }
        }
    }
}
