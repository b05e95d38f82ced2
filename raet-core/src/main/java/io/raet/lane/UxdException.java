package io.raet.lane;

import java.io.IOException;

/** A failed Unix-domain socket call, with the C {@code errno} (0 when the failure is not a system call's). */
public final class UxdException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public UxdException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public UxdException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The system error number, or 0. */
    public int errno() {
        return errno;
    }
}
