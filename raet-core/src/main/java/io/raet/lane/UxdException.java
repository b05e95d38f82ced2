package io.raet.lane;

import java.io.IOException;

/** A failed Unix-domain socket call, with the C {@code errno} (0 when the failure is not a system call's). */
public final class UxdException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The C {@code errno}, or 0. */
    private final int errno;

    /**
     * A failure without a cause.
     *
     * @param message what failed
     * @param errno the C {@code errno}, or 0
     */
    public UxdException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /**
     * A failure with a cause.
     *
     * @param message what failed
     * @param errno the C {@code errno}, or 0
     * @param cause the underlying failure
     */
    public UxdException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** {@return the system error number, or 0} */
    public int errno() {
        return errno;
    }
}
