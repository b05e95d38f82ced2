package io.raet.keep;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an operator does with the keep of an estate ({@code raet keep}): look at the local identity and the remotes,
 * accept or reject a role with its keys, and remove remotes that are gone. Everything goes through {@link RoadKeep},
 * so files stay in the reference's format and are replaced atomically; an estate running on the same keep reads a
 * role's acceptance from its file at the next join, so accepting a role lets a waiting joiner in at its next try.
 */
public final class KeepOperator {
    private final RoadKeep keep;

    private KeepOperator(RoadKeep keep) {
        this.keep = keep;
    }

    /**
     * Opens an existing keep. Unlike {@code new RoadKeep(dir)}, which creates what is missing, a directory that is
     * not a keep (no {@code local}, {@code remote} or {@code role} directory in it) is refused, so a mistyped path
     * creates nothing.
     *
     * @param dir the keep directory
     * @return the operator over it
     * @throws KeepException naming the directory when it is not a keep
     */
    public static KeepOperator open(Path dir) {
        Checks.notNull("keep directory", dir);
        if (!Files.isDirectory(dir)) {
            throw new KeepException("no keep at " + dir + ": no such directory");
        }
        boolean any = false;
        for (String d : List.of("local", "remote", "role")) {
            any |= Files.isDirectory(dir.resolve(d), LinkOption.NOFOLLOW_LINKS);
        }
        if (!any) {
            throw new KeepException("no keep at " + dir + ": it has no local, remote or role directory");
        }
        return new KeepOperator(new RoadKeep(dir));
    }

    /** {@return the keep itself, for what this class does not cover} */
    public RoadKeep keep() {
        return keep;
    }

    /**
     * The local identity: estate and role files; either may be missing (empty) in a keep that never ran.
     *
     * @param estate {@code local/estate.json}, or null
     * @param role {@code role/local/role.json} (holds the secret keys), or null
     */
    public record Local(LocalEstateData estate, LocalRoleData role) {
        /** {@return the public verify key (hex), or null without a role file} */
        public String verhex() {
            return role == null ? null : SigningKey.fromHex(role.sighex()).verifyKey().hex();
        }

        /** {@return the public encryption key (hex), or null without a role file} */
        public String pubhex() {
            return role == null ? null : BoxKeyPair.fromHex(role.prihex()).publicKey().hex();
        }
    }

    /**
     * One remote estate as the keep has it.
     *
     * @param estate its estate file
     * @param role the file of its role (keys and acceptance), or null when there is none
     * @param written when its estate file was last written: when it last joined or its session or address changed
     */
    public record RemoteEntry(RemoteEstateData estate, RemoteRoleData role, Instant written) {
        /** {@return the acceptance of its role, or null when the role has no file or no decision} */
        public Acceptance acceptance() {
            return role == null ? null : role.acceptance();
        }
    }

    /**
     * Everything the keep holds about others, with the files it could not read.
     *
     * @param remotes the remote estates, by name
     * @param roles every role file, by role (also roles no remote has now)
     * @param problems the files that could not be read
     */
    public record Listing(List<RemoteEntry> remotes, Map<String, RemoteRoleData> roles, List<KeepProblem> problems) {
        /** Copies the lists and the map. */
        public Listing {
            remotes = List.copyOf(remotes);
            roles = Map.copyOf(roles);
            problems = List.copyOf(problems);
        }
    }

    /** {@return the local identity; {@link KeepException} when a local file is invalid} */
    public Local local() {
        return new Local(keep.loadLocal().orElse(null), keep.loadLocalRole().orElse(null));
    }

    /** {@return every remote and role (invalid estate files are moved aside and reported, as every load does)} */
    public Listing list() {
        RemoteLoad load = keep.loadRemotes();
        List<RemoteEntry> remotes = new ArrayList<>();
        for (RemoteEstateData r : load.remotes()) {
            remotes.add(new RemoteEntry(r, load.roles().get(r.role()), written(keep.remoteEstatePath(r.name()))));
        }
        return new Listing(remotes, load.roles(), load.problems());
    }

    /**
     * {@return one remote by name, empty when the keep has none}
     *
     * @param name the remote estate's name
     */
    public Optional<RemoteEntry> remote(String name) {
        return keep.loadRemote(name).map(r -> new RemoteEntry(r, keep.loadRemoteRole(r.role()).orElse(null),
                written(keep.remoteEstatePath(name))));
    }

    /**
     * {@return one role's file, empty when there is none}
     *
     * @param role the role
     */
    public Optional<RemoteRoleData> role(String role) {
        return keep.loadRemoteRole(role);
    }

    /**
     * Accepts {@code role}: with keys, exactly these (a role file with other keys is replaced, so a pending or
     * rejected joiner with these keys gets in); without, the keys on file.
     *
     * @param role the role
     * @param verhex its verify key (hex), or null for the keys on file
     * @param pubhex its public key (hex), or null for the keys on file
     * @return the role file as written
     * @throws KeepException when no keys are given and the role has no file, or a key is not 64 hex digits
     */
    public RemoteRoleData accept(String role, String verhex, String pubhex) {
        return decide(role, verhex, pubhex, Acceptance.ACCEPTED);
    }

    /**
     * Rejects {@code role}: with keys, these (written even when the role had no file, so they are refused from their
     * first join); without, the keys on file. The role file stays: removing it would let the next keys in under
     * auto mode {@code once}.
     *
     * @param role the role
     * @param verhex its verify key (hex), or null for the keys on file
     * @param pubhex its public key (hex), or null for the keys on file
     * @return the role file as written
     * @throws KeepException when no keys are given and the role has no file, or a key is not 64 hex digits
     */
    public RemoteRoleData reject(String role, String verhex, String pubhex) {
        return decide(role, verhex, pubhex, Acceptance.REJECTED);
    }

    private RemoteRoleData decide(String role, String verhex, String pubhex, Acceptance status) {
        KeepNames.require("role", role);
        if ((verhex == null) != (pubhex == null)) {
            throw new KeepException("give both keys of role " + KeepNames.quote(role) + " (verhex and pubhex), or"
                    + " neither to use the keys on file");
        }
        if (verhex == null) {
            RemoteRoleData onFile = keep.loadRemoteRole(role).orElseThrow(() -> new KeepException("the keep has no"
                    + " role " + KeepNames.quote(role) + ": give its keys (verhex and pubhex, from the join_pending"
                    + " event or the remote's ready line)"));
            verhex = onFile.verhex();
            pubhex = onFile.pubhex();
        }
        keep.keepRole(role, verhex, pubhex, status);
        return new RemoteRoleData(role, status, verhex, pubhex);
    }

    /**
     * Removes remote estate files: those not written for {@code unseenFor} (null: no age limit) and, with
     * {@code rejected}, those whose role is rejected. Role files stay (they hold the acceptance decisions, and a
     * rejection must keep refusing). Run it on the keep of a stopped estate: a running one writes back the remotes
     * it holds.
     *
     * @param unseenFor the age beyond which a remote goes, or null
     * @param rejected whether remotes of rejected roles go
     * @param dryRun list what would go, remove nothing
     * @param now the time ages are measured from
     * @return the remotes removed (or that would be)
     */
    public List<RemoteEntry> prune(Duration unseenFor, boolean rejected, boolean dryRun, Instant now) {
        if (unseenFor == null && !rejected) {
            throw new KeepException("say what to prune: remotes unseen for a time, rejected ones, or both");
        }
        List<RemoteEntry> out = new ArrayList<>();
        for (RemoteEntry r : list().remotes()) {
            boolean old = unseenFor != null && r.written() != null && r.written().plus(unseenFor).isBefore(now);
            boolean refused = rejected && r.acceptance() == Acceptance.REJECTED;
            if (old || refused) {
                if (!dryRun) {
                    keep.removeRemote(r.estate().name());
                }
                out.add(r);
            }
        }
        return out;
    }

    private static Instant written(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new KeepException("cannot read the time of " + file + ": " + e, e);
        }
    }
}
