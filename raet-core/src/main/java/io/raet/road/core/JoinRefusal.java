package io.raet.road.core;

/** Why this estate refused a join: counted as {@code join_refused} and {@code join_refused_<code>}. */
public enum JoinRefusal {
    /** The joiner claims this estate's own name. */
    LOCAL_NAME,
    /** A vacuous join to an estate that is not main. */
    NOT_MAIN,
    /** The name is bound to other keys or another role. */
    IDENTITY,
    /** A known remote's credentials changed on an immutable road. */
    IMMUTABLE,
    /** The name is used by another remote. */
    NAME_TAKEN,
    /** The role is bound to other keys. */
    ROLE_KEYS,
    /** The keys of the role are rejected. */
    REJECTED,
    /** Too many joins wait for an operator's decision. */
    PENDING_FULL;

    private final String key = "join_refused_" + name().toLowerCase(java.util.Locale.ROOT);

    /** The name in {@link RoadStats#snapshot()}. */
    public String key() {
        return key;
    }
}
