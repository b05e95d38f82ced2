package io.raet.crypto;

/** Lowercase hexadecimal, as the reference writes keys. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /**
     * {@return {@code data} as lowercase hex}
     *
     * @param data the bytes
     */
    public static String encode(byte[] data) {
        return encode(data, 0, data.length);
    }

    /**
     * {@return {@code data[off, off+len)} as lowercase hex}
     *
     * @param data the bytes
     * @param off the first byte
     * @param len how many bytes
     */
    public static String encode(byte[] data, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int b = data[off + i] & 0xff;
            out[2 * i] = DIGITS[b >>> 4];
            out[2 * i + 1] = DIGITS[b & 0xf];
        }
        return new String(out);
    }

    /**
     * Decodes hex (either case); throws {@link IllegalArgumentException} on odd length or a non-hex digit. Only
     * the ASCII digits {@code 0-9 a-f A-F} are hex digits (not other Unicode digits, which
     * {@link Character#digit(char, int)} would accept).
     *
     * @param hex the hex text
     * @return the bytes it spells
     */
    public static byte[] decode(CharSequence hex) {
        int n = hex.length();
        if ((n & 1) != 0) {
            throw new IllegalArgumentException("odd-length hex string (" + n + " characters)");
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(hex.charAt(2 * i));
            int lo = digit(hex.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit at position " + (hi < 0 ? 2 * i : 2 * i + 1));
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Decodes a key given as 64 hex characters; the error names the key.
     *
     * @param hex the key as hex
     * @param what the key's name, used in the error (such as {@code verhex})
     * @return the 32 bytes
     * @throws IllegalArgumentException when it is not 64 hex characters
     */
    public static byte[] decodeKey(String hex, String what) {
        if (hex == null || hex.length() != 64) {
            throw new CryptoException(what + " must be 64 hex characters");
        }
        try {
            return decode(hex);
        } catch (IllegalArgumentException e) {
            throw new CryptoException(what + ": " + e.getMessage(), e);
        }
    }
}
