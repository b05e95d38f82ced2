package io.raet.lane;

/** A Unix-domain datagram socket call failed. */
public final class UxdException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public UxdException(String message, int errno) {
        super(message + (errno != 0 ? " (errno " + errno + ")" : ""));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
