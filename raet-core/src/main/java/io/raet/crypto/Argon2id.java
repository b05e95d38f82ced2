package io.raet.crypto;

import java.util.Locale;

/**
 * Cost parameters of Argon2id (libsodium's {@code crypto_pwhash}, algorithm {@code argon2id13}): {@code opslimit}
 * passes over {@code memlimit} bytes. The cost is paid once per unlock; an attacker guessing passphrases pays it for
 * every guess. libsodium's presets:
 *
 * <pre>
 * preset        opslimit  memlimit
 * interactive   2         64 MiB
 * moderate      3         256 MiB
 * sensitive     4         1 GiB
 * </pre>
 *
 * @param opslimit passes over the memory, 1..{@link #MAX_OPSLIMIT}
 * @param memlimit bytes of memory, {@link #MIN_MEMLIMIT}..{@link #MAX_MEMLIMIT}
 */
public record Argon2id(long opslimit, long memlimit) {
    /** Smallest opslimit: one pass. */
    public static final long MIN_OPSLIMIT = 1;
    /** Largest opslimit accepted from a file: a bound on what a hostile file can make an unlock cost. */
    public static final long MAX_OPSLIMIT = 16;
    /** Smallest memlimit (libsodium's bound): 8 KiB. */
    public static final long MIN_MEMLIMIT = 8192;
    /** Largest memlimit accepted from a file (libsodium's sensitive preset). */
    public static final long MAX_MEMLIMIT = 1L << 30;

    /** libsodium's interactive preset: 2 passes over 64 MiB. */
    public static final Argon2id INTERACTIVE = new Argon2id(2, 64L << 20);
    /** libsodium's moderate preset: 3 passes over 256 MiB. */
    public static final Argon2id MODERATE = new Argon2id(3, 256L << 20);
    /** libsodium's sensitive preset: 4 passes over 1 GiB. */
    public static final Argon2id SENSITIVE = new Argon2id(4, 1L << 30);

    /**
     * Checks both costs against the bounds above.
     *
     * @throws CryptoException when a cost is out of bounds
     */
    public Argon2id {
        if (opslimit < MIN_OPSLIMIT || opslimit > MAX_OPSLIMIT) {
            throw new CryptoException("Argon2id opslimit must be " + MIN_OPSLIMIT + ".." + MAX_OPSLIMIT + ", got "
                    + opslimit);
        }
        if (memlimit < MIN_MEMLIMIT || memlimit > MAX_MEMLIMIT) {
            throw new CryptoException("Argon2id memlimit must be " + MIN_MEMLIMIT + ".." + MAX_MEMLIMIT
                    + " bytes, got " + memlimit);
        }
    }

    /**
     * A preset by name: {@code interactive}, {@code moderate} or {@code sensitive}.
     *
     * @param name the preset's name, in any case
     * @return the preset
     * @throws CryptoException for any other name
     */
    public static Argon2id preset(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "interactive" -> INTERACTIVE;
            case "moderate" -> MODERATE;
            case "sensitive" -> SENSITIVE;
            default -> throw new CryptoException("Argon2id preset must be interactive, moderate or sensitive, not "
                    + name);
        };
    }

    /**
     * Derives {@code outLen} bytes from {@code passphrase} and a 16-byte {@code salt}.
     *
     * @param outLen how many bytes to derive
     * @param passphrase the passphrase
     * @param salt 16 random bytes kept beside what is sealed
     * @return the derived bytes
     */
    public byte[] derive(int outLen, byte[] passphrase, byte[] salt) {
        return Sodium.pwhashArgon2id(outLen, passphrase, salt, opslimit, memlimit);
    }

    /** {@return a new random 16-byte salt} */
    public static byte[] newSalt() {
        return Sodium.randomBytes(Sodium.PWHASH_SALT_BYTES);
    }
}
