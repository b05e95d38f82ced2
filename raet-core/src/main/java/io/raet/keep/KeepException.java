package io.raet.keep;

/**
 * Failure of the keep: an invalid name or role, a record that violates the keep's format, a corrupt file where a
 * valid one is required, or an I/O error (then the cause is the {@link java.io.IOException}).
 *
 * <p>Unchecked on purpose: every keep failure is either a caller bug (invalid data) or an environment problem the
 * caller can only report, so forcing a {@code throws} clause on every keep call would add nothing.
 */
public class KeepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure described by {@code message}.
     *
     * @param message what is wrong
     */
    public KeepException(String message) {
        super(message);
    }

    /**
     * A failure described by {@code message}, caused by another.
     *
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public KeepException(String message, Throwable cause) {
        super(message, cause);
    }
}
