package io.raet.road.core;

import io.raet.crypto.Entropy;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A reproducible source of random bytes for simulations: SHA-256 over the seed and a block counter. Predictable by
 * design, so never a source for real traffic.
 */
final class SeededEntropy implements Entropy {
    private final long seed;
    private final MessageDigest sha;
    private final byte[] block = new byte[32];
    private int used = block.length;
    private long counter;

    SeededEntropy(long seed) {
        this.seed = seed;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void fill(byte[] out, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (used == block.length) {
                sha.update(ByteBuffer.allocate(16).putLong(seed).putLong(counter++).array());
                System.arraycopy(sha.digest(), 0, block, 0, block.length);
                used = 0;
            }
            out[off + i] = block[used++];
        }
    }
}
