package io.raet.keep;

/** Acceptance status of a remote role and its keys, persisted as the integer {@link #value()}. */
public enum Acceptance {
    /** Not decided yet: the joiner waits for an operator. */
    PENDING(0),
    /** Accepted: the joiner's keys are trusted. */
    ACCEPTED(1),
    /** Rejected: joins presenting these keys are refused. */
    REJECTED(2);

    private final int value;

    Acceptance(int value) {
        this.value = value;
    }

    /** {@return the integer the reference persists ({@code acceptance} field of a role file)} */
    public int value() {
        return value;
    }

    /**
     * The status for a persisted integer; {@link KeepException} if it is not 0, 1 or 2.
     *
     * @param value the persisted value
     * @return the status
     * @throws KeepException when it is not 0, 1 or 2
     */
    public static Acceptance fromValue(long value) {
        for (Acceptance a : values()) {
            if (a.value == value) {
                return a;
            }
        }
        throw new KeepException("acceptance must be 0, 1, 2 or null, got " + value);
    }
}
