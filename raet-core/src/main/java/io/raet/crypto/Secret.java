package io.raet.crypto;

import java.util.Arrays;

/**
 * Secret key bytes that can be wiped: {@link #get()} hands them to libsodium until {@link #wipe()} zeroes them, and
 * throws {@link CryptoException} afterwards. Zeroing the array removes the key from this object; copies the garbage
 * collector may have made earlier are beyond reach, which is why short-term keys are wiped as soon as they served.
 */
final class Secret {
    private final String what;
    private final byte[] bytes;
    private volatile boolean wiped;

    Secret(String what, byte[] bytes) {
        this.what = what;
        this.bytes = bytes;
    }

    byte[] get() {
        if (wiped) {
            throw new CryptoException(what + " was destroyed");
        }
        return bytes;
    }

    void wipe() {
        wiped = true;
        Arrays.fill(bytes, (byte) 0);
    }

    boolean wiped() {
        return wiped;
    }

    boolean sameAs(Secret other) {
        return Arrays.equals(bytes, other.bytes);
    }

    int hash() {
        return Arrays.hashCode(bytes);
    }
}
