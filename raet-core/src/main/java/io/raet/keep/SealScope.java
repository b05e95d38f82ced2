package io.raet.keep;

import java.util.Locale;

/** What a sealed keep encrypts (docs/keep.md). */
public enum SealScope {
    /** The local private keys only ({@code role/local/role.json}); everything else stays in the reference's form. */
    KEYS,
    /** Every keep file: the local estate and every remote estate and role file too. */
    ALL;

    /** {@return the scope as it is written: {@code keys} or {@code all}} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code keys} or {@code all}; {@link KeepException} otherwise.
     *
     * @param s the written scope, in any case
     * @return the scope
     * @throws KeepException for any other text
     */
    public static SealScope parse(String s) {
        for (SealScope v : values()) {
            if (v.wire().equals(s)) {
                return v;
            }
        }
        throw new KeepException("seal scope must be \"keys\" or \"all\", not " + KeepNames.quote(String.valueOf(s)));
    }
}
