package io.raet.keep;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Result of {@link RoadKeep#loadRemotes()}: the valid remote estates (ordered by name), the valid remote role
 * files (keyed and ordered by role) and the files that were skipped.
 *
 * @param remotes the valid remote estates, by name
 * @param roles the valid remote role files, by role
 * @param problems the files that were skipped
 */
public record RemoteLoad(List<RemoteEstateData> remotes, Map<String, RemoteRoleData> roles, List<KeepProblem> problems) {
    /** Copies the lists and the map. */
    public RemoteLoad {
        remotes = List.copyOf(remotes);
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
        problems = List.copyOf(problems);
    }

    /**
     * {@return the role data of a remote's role, if a valid role file exists}
     *
     * @param remote a remote estate
     */
    public Optional<RemoteRoleData> roleOf(RemoteEstateData remote) {
        return Optional.ofNullable(roles.get(remote.role()));
    }
}
