package io.raet.trust;

/**
 * A trust-plane document is malformed or out of bounds, a governor refuses to sign, or a store cannot be read or
 * written (then the cause is the {@link java.io.IOException}). Verdicts on well-formed versions are not exceptions:
 * see {@link Verdict}.
 */
public class TrustException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure described by {@code message}.
     *
     * @param message what is wrong
     */
    public TrustException(String message) {
        super(message);
    }

    /**
     * A failure described by {@code message}, caused by another.
     *
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public TrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
