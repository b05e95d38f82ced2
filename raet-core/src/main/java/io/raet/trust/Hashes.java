package io.raet.trust;

import io.raet.crypto.Hex;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, as hex: the hash of a genesis and of a version (any operator can check one with sha256sum). */
final class Hashes {
    private Hashes() {}

    static String sha256Hex(byte[] data) {
        try {
            return Hex.encode(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
