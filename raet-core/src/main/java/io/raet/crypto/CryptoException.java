package io.raet.crypto;

/** A cryptographic operation failed: a box did not open, a key had the wrong size, libsodium is missing. */
public final class CryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure described by {@code message}.
     *
     * @param message what failed
     */
    public CryptoException(String message) {
        super(message);
    }

    /**
     * A failure described by {@code message}, caused by another.
     *
     * @param message what failed
     * @param cause the underlying failure
     */
    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
