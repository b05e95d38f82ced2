package io.raet.keep;

/** How new or changed remote keys are accepted (see {@link RoadKeep#statusRole}). */
public enum AutoMode {
    /** Operator decides: unknown roles become pending. The reference default. */
    NEVER(0),
    /** Trust on first use: unknown roles are accepted, changed keys are rejected. */
    ONCE(1),
    /** Everything is accepted, even changed keys for a known role. */
    ALWAYS(2);

    private final int value;

    AutoMode(int value) {
        this.value = value;
    }

    /** {@return the value the keep and the reference write} */
    public int value() {
        return value;
    }

    /**
     * The mode for a persisted value.
     *
     * @param value the persisted value
     * @return the mode
     * @throws KeepException when no mode has that value
     */
    public static AutoMode fromValue(long value) {
        for (AutoMode m : values()) {
            if (m.value == value) {
                return m;
            }
        }
        throw new KeepException("auto mode must be 0, 1 or 2, got " + value);
    }
}
