package io.raet.crypto;

/**
 * Where random bytes come from: nonces and short-term keys. {@link #system()} is the operating system's generator
 * through libsodium, the only source fit for real traffic. A protocol core takes its source like it takes the time,
 * so that a simulation can pass one of its own and replay a run exactly.
 */
@FunctionalInterface
public interface Entropy {
    /**
     * Fills {@code out[off, off+len)} with random bytes.
     *
     * @param out the array to fill
     * @param off the first index filled
     * @param len how many bytes
     */
    void fill(byte[] out, int off, int len);

    /**
     * {@code n} random bytes.
     *
     * @param n how many bytes
     * @return a new array of {@code n} random bytes
     */
    default byte[] bytes(int n) {
        byte[] out = new byte[n];
        fill(out, 0, n);
        return out;
    }

    /**
     * The operating system's generator (libsodium's {@code randombytes_buf}).
     *
     * @return the system generator
     */
    static Entropy system() {
        return SystemEntropy.INSTANCE;
    }
}

/** Holder of the system source, so that libsodium loads only when it is used. */
final class SystemEntropy {
    static final Entropy INSTANCE = (out, off, len) -> Sodium.randomBytes(out, off, len);

    private SystemEntropy() {}
}
