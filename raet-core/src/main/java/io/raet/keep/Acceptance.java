package io.raet.keep;

/** Acceptance status of a remote role and its keys, persisted as the integer {@link #value()}. */
public enum Acceptance {
    PENDING(0),
    ACCEPTED(1),
    REJECTED(2);

    private final int value;

    Acceptance(int value) {
        this.value = value;
    }

    /** The integer the reference persists ({@code acceptance} field of a role file). */
    public int value() {
        return value;
    }

    /** The status for a persisted integer; {@link KeepException} if it is not 0, 1 or 2. */
    public static Acceptance fromValue(long value) {
        for (Acceptance a : values()) {
            if (a.value == value) {
                return a;
            }
        }
        throw new KeepException("acceptance must be 0, 1, 2 or null, got " + value);
    }
}
