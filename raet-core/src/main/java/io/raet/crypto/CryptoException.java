package io.raet.crypto;

/** A cryptographic operation failed: a box did not open, a key had the wrong size, libsodium is missing. */
public final class CryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
