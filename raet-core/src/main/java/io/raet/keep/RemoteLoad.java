package io.raet.keep;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Result of {@link RoadKeep#loadRemotes()}: the valid remote estates (ordered by name), the valid remote role
 * files (keyed and ordered by role) and the files that were skipped.
 */
public record RemoteLoad(List<RemoteEstateData> remotes, Map<String, RemoteRoleData> roles, List<KeepProblem> problems) {
    public RemoteLoad {
        remotes = List.copyOf(remotes);
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
        problems = List.copyOf(problems);
    }

    /** The role data of a remote's role, if a valid role file exists. */
    public Optional<RemoteRoleData> roleOf(RemoteEstateData remote) {
        return Optional.ofNullable(roles.get(remote.role()));
    }
}
