package io.raet.keep;

import java.util.Locale;

/** Range and format checks shared by the keep records. */
final class Checks {
    static final long MAX_U32 = 0xffff_ffffL;

    private Checks() {}

    static long u32(String what, long value) {
        if (value < 0 || value > MAX_U32) {
            throw new KeepException(what + " must be 0..4294967295, got " + value);
        }
        return value;
    }

    static int u8(String what, int value) {
        if (value < 0 || value > 0xff) {
            throw new KeepException(what + " must be 0..255, got " + value);
        }
        return value;
    }

    static <T> T notNull(String what, T value) {
        if (value == null) {
            throw new KeepException(what + " must not be null");
        }
        return value;
    }

    /** A 32-byte key as 64 hex digits; either case is accepted, the result is lowercase. */
    static String hexKey(String what, String hex) {
        if (hex == null) {
            throw new KeepException(what + " must not be null");
        }
        if (hex.length() != 64) {
            throw new KeepException(what + " must be 64 hex characters, got " + hex.length());
        }
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new KeepException(what + " has a non-hex character at position " + i);
            }
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    static String text(String what, String value) {
        notNull(what, value);
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == 0) {
                throw new KeepException(what + " contains NUL");
            }
        }
        return value;
    }
}
