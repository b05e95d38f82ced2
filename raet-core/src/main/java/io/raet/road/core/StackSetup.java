package io.raet.road.core;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.KeepException;
import io.raet.keep.KeepProblem;
import io.raet.keep.LocalEstateData;
import io.raet.keep.LocalRoleData;
import io.raet.keep.RemoteEstateData;
import io.raet.keep.RemoteLoad;
import io.raet.keep.RemoteRoleData;
import io.raet.keep.RoadKeep;
import io.raet.road.RoadConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the local estate and the engine from the keep (stored data wins over arguments, as in the reference)
 * or from arguments alone. For the driver, {@code io.raet.road.RoadStack}.
 */
public final class StackSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StackSetup.class);

    private final LocalEstateParts local;
    private final RoadStore store;
    private final RoadKeep keep;
    private final List<KeepProblem> problems = new ArrayList<>();

    private record LocalEstateParts(String name, String role, boolean main, int kind, SigningKey signer,
            BoxKeyPair boxKeys, String fqdn, long uid, long puid, int storedPort) {}

    private StackSetup(LocalEstateParts local, RoadStore store, RoadKeep keep) {
        this.local = local;
        this.store = store;
        this.keep = keep;
    }

    /**
     * @param newIdentity whether a keep that holds remote data but lacks the local identity ({@code local/estate.json}
     *     or {@code role/local/role.json}) may start with a new one; without it such a keep is refused
     * @param keep the keep, opened (and unlocked when sealed) by the builder, or null for a stack that keeps nothing
     * @throws io.raet.keep.KeepException when the keep's local identity is missing, invalid, sealed and locked (no
     *     passphrase), or its key file is a link or readable by others
     */
    public static StackSetup prepare(String name, String role, boolean main, int kind, SigningKey signer,
            BoxKeyPair boxKeys, String fqdn, RoadKeep keep, boolean newIdentity) {
        if (keep == null) {
            SigningKey s = signer != null ? signer : SigningKey.generate();
            BoxKeyPair b = boxKeys != null ? boxKeys : BoxKeyPair.generate();
            return new StackSetup(new LocalEstateParts(name, role, main, kind, s, b, fqdn, 1, 1, 0),
                    new MemoryRoadStore(), null);
        }
        Optional<LocalEstateData> stored = keep.loadLocal();
        Optional<LocalRoleData> storedRole = keep.loadLocalRole();
        if ((stored.isEmpty() || storedRole.isEmpty()) && !newIdentity && keep.hasRemoteData()) {
            Path missing = storedRole.isEmpty() ? keep.localRolePath() : keep.localEstatePath();
            throw new KeepException("keep " + keep.dir() + " holds remote estates but not the local identity ("
                    + missing + " is missing). Starting would make a new identity that every known remote refuses."
                    + " Restore the file, or ask for a new identity explicitly (RoadStack.Builder.newIdentity(true),"
                    + " raet --new-identity).");
        }
        String n = stored.map(LocalEstateData::name).orElse(name);
        String r = stored.map(LocalEstateData::role).orElse(role == null ? n : role);
        SigningKey s;
        BoxKeyPair b;
        if (storedRole.isPresent()) {
            s = storedRole.get().signingKey();
            b = storedRole.get().boxKeyPair();
        } else {
            s = signer != null ? signer : SigningKey.generate();
            b = boxKeys != null ? boxKeys : BoxKeyPair.generate();
            keep.dumpLocalRole(LocalRoleData.of(r, s, b));
        }
        long uid = stored.map(LocalEstateData::uid).orElse(1L);
        long puid = stored.map(LocalEstateData::puid).orElse(1L);
        String f = stored.map(LocalEstateData::fqdn).orElse(fqdn);
        int storedPort = stored.map(d -> d.ha() == null ? 0 : d.ha().port()).orElse(0);
        return new StackSetup(new LocalEstateParts(n, r, main, kind, s, b, f, uid, puid, storedPort),
                new KeepRoadStore(keep), keep);
    }

    /** The port the keep recorded for this estate (0 when none): peers know us there. */
    public int storedPort() {
        return local.storedPort;
    }

    public RoadEngine engine(RoadConfig config, InetSocketAddress bound) {
        return engine(config, bound, 1);
    }

    /** The engine, of {@code shards} shards, with the remotes of the keep. */
    public RoadEngine engine(RoadConfig config, InetSocketAddress bound, int shards) {
        LocalEstate l = new LocalEstate(local.name, local.role, local.main, local.kind, local.signer, local.boxKeys,
                bound, local.fqdn, local.uid, local.puid);
        RoadEngine engine = new RoadEngine(l, config, store, io.raet.crypto.Entropy.system(), shards);
        RoadStats stats = engine.shard(0).stats();
        if (keep != null) {
            RemoteLoad load = keep.loadRemotes();
            for (KeepProblem p : load.problems()) {
                LOG.warn("keep: skipped {}: {}", p.file(), p.reason());
                problems.add(p);
                stats.count(RoadCounter.KEEP_PROBLEM);
            }
            for (RemoteEstateData d : load.remotes()) {
                Optional<RemoteRoleData> role = load.roleOf(d);
                if (role.isEmpty()) {
                    LOG.warn("keep: remote {} has no role file; skipped", d.name());
                    stats.count(RoadCounter.KEEP_PROBLEM);
                    continue;
                }
                try {
                    Remote rem = engine.restoreRemote(d.name(), d.uid(), d.fuid(),
                            new InetSocketAddress(d.ha().host(), d.ha().port()), d.role(), d.main(), d.kind(),
                            d.fqdn(), d.sid(), d.joined(), role.get().verifyKey(), role.get().publicKey());
                    rem.acceptance(role.get().acceptance());
                } catch (RuntimeException e) {
                    LOG.warn("keep: remote {} not restored: {}", d.name(), e.getMessage());
                    stats.count(RoadCounter.KEEP_PROBLEM);
                }
            }
            store.saveLocal(l);
        }
        return engine;
    }
}
