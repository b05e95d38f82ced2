package io.raet.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The system libsodium ({@code libsodium.so.23}) bound through the FFM API.
 *
 * <p>Short calls use {@code critical} handles so that heap arrays are passed without copying. Calls on
 * inputs larger than {@link #CRITICAL_LIMIT} copy into native memory and use ordinary handles, so the
 * garbage collector is never held up by a long computation.
 *
 * <p>All methods take {@code (array, offset, length)} triples where the protocol needs slices, so the
 * codec can sign and box packet regions in place.
 */
public final class Sodium {
    /** Inputs up to this size are passed as heap arrays through critical downcalls. */
    static final int CRITICAL_LIMIT = 64 * 1024;

    /** Size of a Curve25519 public key. */
    public static final int BOX_PUBLIC_KEY_BYTES = 32;
    /** Size of a Curve25519 secret key. */
    public static final int BOX_SECRET_KEY_BYTES = 32;
    /** Size of a precomputed box key. */
    public static final int BOX_SHARED_KEY_BYTES = 32;
    /** Size of a box nonce. */
    public static final int BOX_NONCE_BYTES = 24;
    /** Size of a box's authentication tag. */
    public static final int BOX_MAC_BYTES = 16;
    /** Size of an Ed25519 seed. */
    public static final int SIGN_SEED_BYTES = 32;
    /** Size of an Ed25519 verify key. */
    public static final int SIGN_PUBLIC_KEY_BYTES = 32;
    /** Size of an Ed25519 secret key (seed ‖ verify key). */
    public static final int SIGN_SECRET_KEY_BYTES = 64;
    /** Size of an Ed25519 signature. */
    public static final int SIGNATURE_BYTES = 64;
    /** Size of a secretbox key. */
    public static final int SECRETBOX_KEY_BYTES = 32;
    /** Size of a secretbox nonce. */
    public static final int SECRETBOX_NONCE_BYTES = 24;
    /** Size of a secretbox's authentication tag. */
    public static final int SECRETBOX_MAC_BYTES = 16;
    /** Size of an Argon2id salt. */
    public static final int PWHASH_SALT_BYTES = 16;
    /** {@code crypto_pwhash_ALG_ARGON2ID13}. */
    public static final int PWHASH_ALG_ARGON2ID13 = 2;
    /** Smallest and largest output of {@code crypto_generichash} (BLAKE2b). */
    public static final int GENERICHASH_BYTES_MIN = 16;
    /** Largest output of {@code crypto_generichash}. */
    public static final int GENERICHASH_BYTES_MAX = 64;
    /** Largest key of {@code crypto_generichash}. */
    public static final int GENERICHASH_KEY_BYTES_MAX = 64;

    private static final String LIBRARY = System.getProperty("raet.libsodium", "libsodium.so.23");

    private static final MethodHandle INIT;
    private static final MethodHandle RANDOM;
    private static final MethodHandle SCALARMULT_BASE;
    private static final MethodHandle BEFORENM;
    private static final MethodHandle BOX_AFTERNM;
    private static final MethodHandle BOX_AFTERNM_LONG;
    private static final MethodHandle OPEN_AFTERNM;
    private static final MethodHandle OPEN_AFTERNM_LONG;
    private static final MethodHandle SIGN_SEED_KEYPAIR;
    private static final MethodHandle SIGN_DETACHED;
    private static final MethodHandle VERIFY_DETACHED;
    private static final MethodHandle SIGN_DETACHED_LONG;
    private static final MethodHandle VERIFY_DETACHED_LONG;
    private static final MethodHandle SECRETBOX;
    private static final MethodHandle SECRETBOX_LONG;
    private static final MethodHandle SECRETBOX_OPEN;
    private static final MethodHandle SECRETBOX_OPEN_LONG;
    private static final MethodHandle PWHASH;
    private static final MethodHandle GENERICHASH;
    private static final Throwable LOAD_FAILURE;

    static {
        MethodHandle init = null, random = null, smb = null, beforenm = null, box = null, boxL = null,
                open = null, openL = null, seedKp = null, sign = null, verify = null, signL = null, verifyL = null,
                sbox = null, sboxL = null, sopen = null, sopenL = null, pwhash = null, ghash = null;
        Throwable failure = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            Linker.Option critical = Linker.Option.critical(true);
            init = linker.downcallHandle(lib.findOrThrow("sodium_init"), FunctionDescriptor.of(JAVA_INT));
            random = linker.downcallHandle(lib.findOrThrow("randombytes_buf"),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG), critical);
            smb = linker.downcallHandle(lib.findOrThrow("crypto_scalarmult_base"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), critical);
            beforenm = linker.downcallHandle(lib.findOrThrow("crypto_box_beforenm"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), critical);
            FunctionDescriptor afternm = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
            box = linker.downcallHandle(lib.findOrThrow("crypto_box_easy_afternm"), afternm, critical);
            boxL = linker.downcallHandle(lib.findOrThrow("crypto_box_easy_afternm"), afternm);
            open = linker.downcallHandle(lib.findOrThrow("crypto_box_open_easy_afternm"), afternm, critical);
            openL = linker.downcallHandle(lib.findOrThrow("crypto_box_open_easy_afternm"), afternm);
            seedKp = linker.downcallHandle(lib.findOrThrow("crypto_sign_seed_keypair"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), critical);
            FunctionDescriptor signFd = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
            sign = linker.downcallHandle(lib.findOrThrow("crypto_sign_detached"), signFd, critical);
            signL = linker.downcallHandle(lib.findOrThrow("crypto_sign_detached"), signFd);
            FunctionDescriptor verifyFd = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
            verify = linker.downcallHandle(lib.findOrThrow("crypto_sign_verify_detached"), verifyFd, critical);
            verifyL = linker.downcallHandle(lib.findOrThrow("crypto_sign_verify_detached"), verifyFd);
            sbox = linker.downcallHandle(lib.findOrThrow("crypto_secretbox_easy"), afternm, critical);
            sboxL = linker.downcallHandle(lib.findOrThrow("crypto_secretbox_easy"), afternm);
            sopen = linker.downcallHandle(lib.findOrThrow("crypto_secretbox_open_easy"), afternm, critical);
            sopenL = linker.downcallHandle(lib.findOrThrow("crypto_secretbox_open_easy"), afternm);
            // long-running (hundreds of milliseconds): never a critical call; arguments live in native memory
            pwhash = linker.downcallHandle(lib.findOrThrow("crypto_pwhash"), FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
            ghash = linker.downcallHandle(lib.findOrThrow("crypto_generichash"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG),
                    critical);
            int rc = (int) init.invokeExact();
            if (rc < 0) {
                throw new CryptoException("sodium_init failed: " + rc);
            }
        } catch (Throwable t) {
            failure = t;
        }
        INIT = init;
        RANDOM = random;
        SCALARMULT_BASE = smb;
        BEFORENM = beforenm;
        BOX_AFTERNM = box;
        BOX_AFTERNM_LONG = boxL;
        OPEN_AFTERNM = open;
        OPEN_AFTERNM_LONG = openL;
        SIGN_SEED_KEYPAIR = seedKp;
        SIGN_DETACHED = sign;
        VERIFY_DETACHED = verify;
        SIGN_DETACHED_LONG = signL;
        VERIFY_DETACHED_LONG = verifyL;
        SECRETBOX = sbox;
        SECRETBOX_LONG = sboxL;
        SECRETBOX_OPEN = sopen;
        SECRETBOX_OPEN_LONG = sopenL;
        PWHASH = pwhash;
        GENERICHASH = ghash;
        LOAD_FAILURE = failure;
    }

    private Sodium() {}

    /** Fails with a clear message when libsodium could not be loaded. */
    public static void ensureLoaded() {
        if (LOAD_FAILURE != null) {
            throw new CryptoException("libsodium (" + LIBRARY + ") could not be loaded; install the libsodium23 package"
                    + " and run with --enable-native-access=ALL-UNNAMED (io.raet on the module path): " + LOAD_FAILURE,
                    LOAD_FAILURE);
        }
    }

    private static MemorySegment seg(byte[] a) {
        return MemorySegment.ofArray(a);
    }

    private static MemorySegment seg(byte[] a, int off, int len) {
        return MemorySegment.ofArray(a).asSlice(off, len);
    }

    private static void check(byte[] a, int size, String what) {
        if (a == null || a.length != size) {
            throw new CryptoException(what + " must be " + size + " bytes, got " + (a == null ? "null" : a.length));
        }
    }

    private static void checkRange(byte[] a, int off, int len) {
        if (a == null) {
            throw new CryptoException("array is null");
        }
        if (off < 0 || len < 0 || off > a.length - len) {
            throw new CryptoException("range [" + off + ", +" + len + ") outside array of " + a.length);
        }
    }

    private static CryptoException wrap(Throwable t) {
        if (t instanceof CryptoException c) {
            return c;
        }
        return new CryptoException("libsodium call failed: " + t, t);
    }

    /**
     * Fills {@code out[off, off+len)} with random bytes.
     *
     * @param out the array to fill
     * @param off the first index filled
     * @param len how many bytes
     */
    public static void randomBytes(byte[] out, int off, int len) {
        ensureLoaded();
        checkRange(out, off, len);
        try {
            RANDOM.invokeExact(seg(out, off, len), (long) len);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /**
     * {@return {@code len} random bytes}
     *
     * @param len how many bytes
     */
    public static byte[] randomBytes(int len) {
        if (len < 0) {
            throw new CryptoException("negative length " + len);
        }
        byte[] out = new byte[len];
        randomBytes(out, 0, len);
        return out;
    }

    /**
     * {@return the Curve25519 public key of a secret scalar}
     *
     * @param secret the 32-byte secret scalar
     */
    public static byte[] scalarMultBase(byte[] secret) {
        ensureLoaded();
        check(secret, BOX_SECRET_KEY_BYTES, "Curve25519 secret key");
        byte[] pub = new byte[BOX_PUBLIC_KEY_BYTES];
        try {
            int rc = (int) SCALARMULT_BASE.invokeExact(seg(pub), seg(secret));
            if (rc != 0) {
                throw new CryptoException("crypto_scalarmult_base failed");
            }
        } catch (Throwable t) {
            throw wrap(t);
        }
        return pub;
    }

    /**
     * {@return precomputed shared key {@code HSalsa20(X25519(secret, peerPublic))} as crypto_box_beforenm}
     *
     * @param peerPublic the other side's 32-byte public key
     * @param secret this side's 32-byte secret
     */
    public static byte[] beforenm(byte[] peerPublic, byte[] secret) {
        ensureLoaded();
        check(peerPublic, BOX_PUBLIC_KEY_BYTES, "Curve25519 public key");
        check(secret, BOX_SECRET_KEY_BYTES, "Curve25519 secret key");
        byte[] k = new byte[BOX_SHARED_KEY_BYTES];
        try {
            int rc = (int) BEFORENM.invokeExact(seg(k), seg(peerPublic), seg(secret));
            if (rc != 0) {
                throw new CryptoException("crypto_box_beforenm failed (weak public key)");
            }
        } catch (Throwable t) {
            throw wrap(t);
        }
        return k;
    }

    /**
     * Boxes {@code plain[off, off+len)} into {@code out[outOff, outOff+len+16)} (16-byte tag first) with a
     * precomputed key.
     *
     * @param out the array written
     * @param outOff where the box starts in {@code out}
     * @param plain the array holding the plaintext
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @param sharedKey the 32-byte precomputed key
     */
    public static void boxAfternm(byte[] out, int outOff, byte[] plain, int off, int len, byte[] nonce, int nonceOff,
            byte[] sharedKey) {
        ensureLoaded();
        check(sharedKey, BOX_SHARED_KEY_BYTES, "shared key");
        if (!seal(BOX_AFTERNM, BOX_AFTERNM_LONG, out, outOff, plain, off, len, nonce, nonceOff, sharedKey)) {
            throw new CryptoException("crypto_box_easy_afternm failed");
        }
    }

    /**
     * Opens {@code cipher[off, off+len)} (tag first) into {@code out[outOff, outOff+len-16)}.
     *
     * @param out the array written
     * @param outOff where the plaintext starts in {@code out}
     * @param cipher the array holding the box
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @param sharedKey the 32-byte precomputed key
     * @return false when the box does not authenticate (the output is then unspecified)
     */
    public static boolean openAfternm(byte[] out, int outOff, byte[] cipher, int off, int len, byte[] nonce,
            int nonceOff, byte[] sharedKey) {
        ensureLoaded();
        check(sharedKey, BOX_SHARED_KEY_BYTES, "shared key");
        return open(OPEN_AFTERNM, OPEN_AFTERNM_LONG, out, outOff, cipher, off, len, nonce, nonceOff, sharedKey);
    }

    /**
     * {@code crypto_secretbox_easy}: encrypts and authenticates {@code plain[off, off+len)} under a 32-byte secret
     * key into {@code out[outOff, outOff+len+16)}, the 16-byte tag first.
     *
     * @param out the array written
     * @param outOff where the box starts in {@code out}
     * @param plain the array holding the plaintext
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @param key the 32-byte secret key
     */
    public static void secretbox(byte[] out, int outOff, byte[] plain, int off, int len, byte[] nonce, int nonceOff,
            byte[] key) {
        ensureLoaded();
        check(key, SECRETBOX_KEY_BYTES, "secretbox key");
        if (!seal(SECRETBOX, SECRETBOX_LONG, out, outOff, plain, off, len, nonce, nonceOff, key)) {
            throw new CryptoException("crypto_secretbox_easy failed");
        }
    }

    /**
     * {@code crypto_secretbox_open_easy}: opens {@code cipher[off, off+len)} (tag first) into
     * {@code out[outOff, outOff+len-16)}.
     *
     * @param out the array written
     * @param outOff where the plaintext starts in {@code out}
     * @param cipher the array holding the box
     * @param off its first byte
     * @param len its length
     * @param nonce the array holding the 24-byte nonce
     * @param nonceOff where the nonce starts
     * @param key the 32-byte secret key
     * @return false when the box does not authenticate (the output is then unspecified)
     */
    public static boolean secretboxOpen(byte[] out, int outOff, byte[] cipher, int off, int len, byte[] nonce,
            int nonceOff, byte[] key) {
        ensureLoaded();
        check(key, SECRETBOX_KEY_BYTES, "secretbox key");
        return open(SECRETBOX_OPEN, SECRETBOX_OPEN_LONG, out, outOff, cipher, off, len, nonce, nonceOff, key);
    }

    /** One {@code (c, m, mlen, n, k)} sealing call, critical for short inputs; true when libsodium returned 0. */
    private static boolean seal(MethodHandle critical, MethodHandle ordinary, byte[] out, int outOff, byte[] plain,
            int off, int len, byte[] nonce, int nonceOff, byte[] key) {
        checkRange(plain, off, len);
        checkRange(out, outOff, len + BOX_MAC_BYTES);
        checkRange(nonce, nonceOff, BOX_NONCE_BYTES);
        try {
            int rc;
            if (len <= CRITICAL_LIMIT) {
                rc = (int) critical.invokeExact(seg(out, outOff, len + BOX_MAC_BYTES), seg(plain, off, len),
                        (long) len, seg(nonce, nonceOff, BOX_NONCE_BYTES), seg(key));
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment c = arena.allocate(len + BOX_MAC_BYTES);
                    MemorySegment m = arena.allocate(len);
                    m.copyFrom(seg(plain, off, len));
                    MemorySegment n = arena.allocate(BOX_NONCE_BYTES);
                    n.copyFrom(seg(nonce, nonceOff, BOX_NONCE_BYTES));
                    MemorySegment k = arena.allocate(key.length);
                    k.copyFrom(seg(key));
                    rc = (int) ordinary.invokeExact(c, m, (long) len, n, k);
                    seg(out, outOff, len + BOX_MAC_BYTES).copyFrom(c);
                    m.fill((byte) 0);
                    k.fill((byte) 0);
                }
            }
            return rc == 0;
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** One {@code (m, c, clen, n, k)} opening call; true when the box authenticates. */
    private static boolean open(MethodHandle critical, MethodHandle ordinary, byte[] out, int outOff, byte[] cipher,
            int off, int len, byte[] nonce, int nonceOff, byte[] key) {
        if (len < BOX_MAC_BYTES) {
            return false;
        }
        checkRange(cipher, off, len);
        checkRange(out, outOff, len - BOX_MAC_BYTES);
        checkRange(nonce, nonceOff, BOX_NONCE_BYTES);
        try {
            int rc;
            if (len <= CRITICAL_LIMIT) {
                rc = (int) critical.invokeExact(seg(out, outOff, len - BOX_MAC_BYTES), seg(cipher, off, len),
                        (long) len, seg(nonce, nonceOff, BOX_NONCE_BYTES), seg(key));
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment m = arena.allocate(len - BOX_MAC_BYTES);
                    MemorySegment c = arena.allocate(len);
                    c.copyFrom(seg(cipher, off, len));
                    MemorySegment n = arena.allocate(BOX_NONCE_BYTES);
                    n.copyFrom(seg(nonce, nonceOff, BOX_NONCE_BYTES));
                    MemorySegment k = arena.allocate(key.length);
                    k.copyFrom(seg(key));
                    rc = (int) ordinary.invokeExact(m, c, (long) len, n, k);
                    if (rc == 0) {
                        seg(out, outOff, len - BOX_MAC_BYTES).copyFrom(m);
                    }
                    m.fill((byte) 0);
                    k.fill((byte) 0);
                }
            }
            return rc == 0;
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /**
     * {@code crypto_pwhash} with Argon2id (version 1.3): derives {@code outLen} bytes from a passphrase and a
     * 16-byte salt. Costs {@code opslimit} passes over {@code memlimit} bytes of native memory; the passphrase copy
     * in native memory is zeroed before it is freed.
     *
     * @param outLen how many bytes to derive
     * @param passphrase the passphrase
     * @param salt 16 bytes
     * @param opslimit passes over the memory
     * @param memlimit bytes of memory
     * @return the derived bytes
     * @throws CryptoException when libsodium refuses the parameters or cannot allocate the memory
     */
    public static byte[] pwhashArgon2id(int outLen, byte[] passphrase, byte[] salt, long opslimit, long memlimit) {
        ensureLoaded();
        check(salt, PWHASH_SALT_BYTES, "Argon2id salt");
        if (passphrase == null) {
            throw new CryptoException("passphrase is null");
        }
        if (outLen < 16) {
            throw new CryptoException("Argon2id output must be at least 16 bytes, got " + outLen);
        }
        if (opslimit < 1 || memlimit < 8192) {
            throw new CryptoException("Argon2id needs opslimit >= 1 and memlimit >= 8192, got " + opslimit + ", "
                    + memlimit);
        }
        byte[] out = new byte[outLen];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = arena.allocate(outLen);
            MemorySegment p = arena.allocate(Math.max(1, passphrase.length));
            MemorySegment.copy(passphrase, 0, p, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, passphrase.length);
            MemorySegment s = arena.allocate(PWHASH_SALT_BYTES);
            s.copyFrom(seg(salt));
            int rc;
            try {
                rc = (int) PWHASH.invokeExact(o, (long) outLen, p, (long) passphrase.length, s, opslimit, memlimit,
                        PWHASH_ALG_ARGON2ID13);
            } finally {
                p.fill((byte) 0);
            }
            if (rc != 0) {
                o.fill((byte) 0);
                throw new CryptoException("crypto_pwhash failed (opslimit " + opslimit + ", memlimit " + memlimit
                        + "): parameters out of range or not enough memory");
            }
            MemorySegment.copy(o, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0, outLen);
            o.fill((byte) 0);
        } catch (Throwable t) {
            throw wrap(t);
        }
        return out;
    }

    /**
     * {@code crypto_generichash} (BLAKE2b): a hash of {@code outLen} (16..64) bytes of {@code msg}, keyed when
     * {@code key} is not null (up to 64 bytes).
     *
     * @param outLen the hash length, 16..64
     * @param msg the message
     * @param key the key, or null for an unkeyed hash
     * @return the hash
     */
    public static byte[] genericHash(int outLen, byte[] msg, byte[] key) {
        ensureLoaded();
        if (outLen < GENERICHASH_BYTES_MIN || outLen > GENERICHASH_BYTES_MAX) {
            throw new CryptoException("BLAKE2b output must be 16..64 bytes, got " + outLen);
        }
        if (msg == null || msg.length > CRITICAL_LIMIT) {
            throw new CryptoException("BLAKE2b input must be at most " + CRITICAL_LIMIT + " bytes");
        }
        if (key != null && key.length > GENERICHASH_KEY_BYTES_MAX) {
            throw new CryptoException("BLAKE2b key must be at most 64 bytes, got " + key.length);
        }
        byte[] out = new byte[outLen];
        try {
            MemorySegment k = key == null ? MemorySegment.NULL : seg(key);
            int rc = (int) GENERICHASH.invokeExact(seg(out), (long) outLen, seg(msg), (long) msg.length, k,
                    key == null ? 0L : (long) key.length);
            if (rc != 0) {
                throw new CryptoException("crypto_generichash failed");
            }
        } catch (Throwable t) {
            throw wrap(t);
        }
        return out;
    }

    /**
     * {@return the Ed25519 key pair of a 32-byte seed: {@code {verifyKey(32), secretKey(64)}}}
     *
     * @param seed the 32-byte seed
     */
    public static byte[][] signSeedKeypair(byte[] seed) {
        ensureLoaded();
        check(seed, SIGN_SEED_BYTES, "Ed25519 seed");
        byte[] pk = new byte[SIGN_PUBLIC_KEY_BYTES];
        byte[] sk = new byte[SIGN_SECRET_KEY_BYTES];
        try {
            int rc = (int) SIGN_SEED_KEYPAIR.invokeExact(seg(pk), seg(sk), seg(seed));
            if (rc != 0) {
                throw new CryptoException("crypto_sign_seed_keypair failed");
            }
        } catch (Throwable t) {
            throw wrap(t);
        }
        return new byte[][] {pk, sk};
    }

    /**
     * Writes the detached Ed25519 signature of {@code msg[off, off+len)} to {@code sig[sigOff, sigOff+64)}.
     *
     * @param sig the array written
     * @param sigOff where the signature starts in {@code sig}
     * @param msg the array holding the message
     * @param off its first byte
     * @param len its length
     * @param secretKey the 64-byte secret key
     */
    public static void signDetached(byte[] sig, int sigOff, byte[] msg, int off, int len, byte[] secretKey) {
        ensureLoaded();
        check(secretKey, SIGN_SECRET_KEY_BYTES, "Ed25519 secret key");
        checkRange(msg, off, len);
        checkRange(sig, sigOff, SIGNATURE_BYTES);
        try {
            int rc;
            if (len <= CRITICAL_LIMIT) {
                rc = (int) SIGN_DETACHED.invokeExact(seg(sig, sigOff, SIGNATURE_BYTES), MemorySegment.NULL,
                        seg(msg, off, len), (long) len, seg(secretKey));
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment s = arena.allocate(SIGNATURE_BYTES);
                    MemorySegment m = arena.allocate(len);
                    m.copyFrom(seg(msg, off, len));
                    MemorySegment k = arena.allocate(SIGN_SECRET_KEY_BYTES);
                    k.copyFrom(seg(secretKey));
                    rc = (int) SIGN_DETACHED_LONG.invokeExact(s, MemorySegment.NULL, m, (long) len, k);
                    seg(sig, sigOff, SIGNATURE_BYTES).copyFrom(s);
                }
            }
            if (rc != 0) {
                throw new CryptoException("crypto_sign_detached failed");
            }
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /**
     * Verifies a detached Ed25519 signature; false for any forgery, never an exception for bad data.
     *
     * @param sig the array holding the signature
     * @param sigOff where it starts
     * @param msg the array holding the message
     * @param off its first byte
     * @param len its length
     * @param verifyKey the 32-byte verify key
     * @return true when the signature is valid
     */
    public static boolean verifyDetached(byte[] sig, int sigOff, byte[] msg, int off, int len, byte[] verifyKey) {
        ensureLoaded();
        check(verifyKey, SIGN_PUBLIC_KEY_BYTES, "Ed25519 verify key");
        checkRange(msg, off, len);
        checkRange(sig, sigOff, SIGNATURE_BYTES);
        try {
            int rc;
            if (len <= CRITICAL_LIMIT) {
                rc = (int) VERIFY_DETACHED.invokeExact(seg(sig, sigOff, SIGNATURE_BYTES), seg(msg, off, len),
                        (long) len, seg(verifyKey));
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment s = arena.allocate(SIGNATURE_BYTES);
                    s.copyFrom(seg(sig, sigOff, SIGNATURE_BYTES));
                    MemorySegment m = arena.allocate(len);
                    m.copyFrom(seg(msg, off, len));
                    MemorySegment k = arena.allocate(SIGN_PUBLIC_KEY_BYTES);
                    k.copyFrom(seg(verifyKey));
                    rc = (int) VERIFY_DETACHED_LONG.invokeExact(s, m, (long) len, k);
                }
            }
            return rc == 0;
        } catch (Throwable t) {
            throw wrap(t);
        }
    }
}
