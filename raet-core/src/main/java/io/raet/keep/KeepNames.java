package io.raet.keep;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Validation of estate names and roles, which the keep uses verbatim in file names ({@code estate.<name>.json},
 * {@code role.<role>.json}).
 *
 * <p>A valid name is non-empty, at most {@value #MAX_BYTES} bytes in UTF-8, well-formed Unicode (no unpaired
 * surrogate), and contains no space, no {@code /}, no {@code \}, no {@code ..}, no NUL and no other control
 * character (ISO control characters U+0000–U+001F and U+007F–U+009F).
 */
public final class KeepNames {
    /** Longest name in UTF-8 bytes; leaves room in a 255-byte file name for prefix, extension and temp suffix. */
    public static final int MAX_BYTES = 200;

    private KeepNames() {}

    /**
     * {@return why {@code value} is not a valid name or role, or empty when it is valid}
     *
     * @param value the name or role
     */
    public static Optional<String> problem(String value) {
        if (value == null) {
            return Optional.of("is null");
        }
        if (value.isEmpty()) {
            return Optional.of("is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ') {
                return Optional.of("contains a space");
            }
            if (c == '/' || c == '\\') {
                return Optional.of("contains a path separator '" + c + "'");
            }
            if (c == 0) {
                return Optional.of("contains NUL");
            }
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("contains control character U+%04X", (int) c));
            }
        }
        if (value.contains("..")) {
            return Optional.of("contains '..'");
        }
        int bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            bytes = encoded.remaining();
        } catch (CharacterCodingException e) {
            return Optional.of("is not well-formed Unicode");
        }
        if (bytes > MAX_BYTES) {
            return Optional.of("is " + bytes + " bytes long in UTF-8 (at most " + MAX_BYTES + ")");
        }
        return Optional.empty();
    }

    /**
     * {@return whether {@code value} is a valid name or role}
     *
     * @param value the name or role
     */
    public static boolean isValid(String value) {
        return problem(value).isEmpty();
    }

    /**
     * Returns {@code value} if valid, else throws {@link KeepException} naming {@code what} (e.g. "name", "role").
     *
     * @param what what the value is, for the error
     * @param value the name or role
     * @return {@code value}
     * @throws KeepException when it is not valid
     */
    public static String require(String what, String value) {
        Optional<String> p = problem(value);
        if (p.isPresent()) {
            throw new KeepException("invalid " + what + " " + quote(value) + ": " + p.get());
        }
        return value;
    }

    /** The value in double quotes with control and non-ASCII characters escaped, safe for messages and logs. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        int n = Math.min(value.length(), 256);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (n < value.length()) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
