package io.raet.keep;

import com.fasterxml.jackson.databind.JsonNode;
import io.raet.crypto.Argon2id;
import io.raet.crypto.CryptoException;
import io.raet.crypto.Hex;
import io.raet.crypto.SecretBoxKey;
import io.raet.crypto.Sodium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unlocked state of a sealed keep (format in docs/keep.md): the key derived from the passphrase with Argon2id,
 * which seals the local role file, and the keep's data key (kept inside that file), which seals the other files
 * when the scope is {@link SealScope#ALL}.
 *
 * <p>A sealed local role file keeps the reference's {@code role} field and the two public keys in the clear, and
 * puts {@code sighex} and {@code prihex} in an envelope:
 *
 * <pre>
 * {"role": r, "verhex": v, "pubhex": p,
 *  "sealed": {"version": 1, "scope": "keys"|"all", "cipher": "xsalsa20poly1305", "kdf": "argon2id13",
 *             "opslimit": o, "memlimit": m, "salt": 16 bytes hex, "check": 32 bytes hex, "nonce": 24 bytes hex,
 *             "box": hex}}
 * box = secretbox({"role", "sighex", "prihex", "keephex", "scope"}, nonce, Argon2id(passphrase, salt, o, m))
 * </pre>
 *
 * Other files, sealed, are {@code {"sealed": {"version": 1, "cipher": "xsalsa20poly1305", "nonce": n, "box": b}}}
 * where the box holds the file's reference form, sealed with the data key.
 */
final class KeepLock {
    static final int VERSION = 1;
    static final String CIPHER = "xsalsa20poly1305";
    static final String KDF = "argon2id13";
    static final String SEALED = "sealed";
    /** Longest passphrase read, in bytes. */
    static final int MAX_PASSPHRASE_BYTES = 4096;

    private static final List<String> ROLE_KEYS = List.of("role", "verhex", "pubhex", SEALED);
    private static final List<String> ROLE_ENVELOPE_KEYS =
            List.of("version", "scope", "cipher", "kdf", "opslimit", "memlimit", "salt", "check", "nonce", "box");
    private static final List<String> ROLE_PLAIN_KEYS = List.of("role", "sighex", "prihex", "keephex", "scope");
    private static final List<String> FILE_KEYS = List.of(SEALED);
    private static final List<String> FILE_ENVELOPE_KEYS = List.of("version", "cipher", "nonce", "box");
    private static final byte[] CHECK_CONTEXT = "raet keep passphrase check v1".getBytes(StandardCharsets.US_ASCII);

    private final Argon2id kdf;
    private final byte[] salt;
    private final SecretBoxKey wrapKey;
    private final byte[] check;
    private final SecretBoxKey dataKey;
    private final SealScope scope;

    private KeepLock(Argon2id kdf, byte[] salt, SecretBoxKey wrapKey, SecretBoxKey dataKey, SealScope scope) {
        this.kdf = kdf;
        this.salt = salt;
        this.wrapKey = wrapKey;
        this.check = checkValue(wrapKey);
        this.dataKey = dataKey;
        this.scope = scope;
    }

    /** A new lock: a fresh salt and data key, the wrapping key derived from {@code passphrase}. */
    static KeepLock create(byte[] passphrase, Argon2id kdf, SealScope scope) {
        byte[] salt = Argon2id.newSalt();
        return new KeepLock(kdf, salt, derive(kdf, passphrase, salt), SecretBoxKey.generate(), scope);
    }

    /** The same data key and scope under another passphrase, salt and cost. */
    KeepLock rewrap(byte[] passphrase, Argon2id newKdf) {
        byte[] newSalt = Argon2id.newSalt();
        return new KeepLock(newKdf, newSalt, derive(newKdf, passphrase, newSalt), copy(dataKey), scope);
    }

    KeepLock withScope(SealScope newScope) {
        return new KeepLock(kdf, salt.clone(), copy(wrapKey), copy(dataKey), newScope);
    }

    SealScope scope() {
        return scope;
    }

    Argon2id kdf() {
        return kdf;
    }

    /** Wipes the keys. */
    void destroy() {
        wrapKey.destroy();
        dataKey.destroy();
    }

    private static SecretBoxKey copy(SecretBoxKey key) {
        byte[] b = key.bytes();
        try {
            return SecretBoxKey.of(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    private static SecretBoxKey derive(Argon2id kdf, byte[] passphrase, byte[] salt) {
        byte[] k = kdf.derive(Sodium.SECRETBOX_KEY_BYTES, passphrase, salt);
        try {
            return SecretBoxKey.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] checkValue(SecretBoxKey wrapKey) {
        byte[] k = wrapKey.bytes();
        try {
            return Sodium.genericHash(32, CHECK_CONTEXT, k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    // ---------------------------------------------------------------- detection

    /** Whether a keep file's JSON object is in the sealed form (it has a {@code sealed} field). */
    static boolean isSealed(JsonNode root) {
        return root.has(SEALED);
    }

    /** Whether the bytes of a keep file are in the sealed form; false for anything that is not a JSON object. */
    static boolean isSealed(byte[] bytes) {
        try {
            return isSealed(Codec.readObject(bytes));
        } catch (KeepException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- the local role file

    /** The parts of a sealed local role file, validated but not opened. */
    record RoleEnvelope(String role, String verhex, String pubhex, SealScope scope, Argon2id kdf, byte[] salt,
            byte[] check, byte[] nonce, byte[] box) {}

    static RoleEnvelope readRoleEnvelope(JsonNode root) {
        Codec.Doc outer = Codec.Doc.parse(root, ROLE_KEYS);
        String role = KeepNames.require("role", outer.string("role"));
        String verhex = Checks.hexKey("verhex", outer.string("verhex"));
        String pubhex = Checks.hexKey("pubhex", outer.string("pubhex"));
        Codec.Doc env = envelope(outer, ROLE_ENVELOPE_KEYS);
        if (!KDF.equals(env.string("kdf"))) {
            throw new KeepException("sealed.kdf must be \"" + KDF + "\", not " + KeepNames.quote(env.string("kdf")));
        }
        Argon2id kdf;
        try {
            kdf = new Argon2id(env.integer("opslimit", Argon2id.MIN_OPSLIMIT, Argon2id.MAX_OPSLIMIT),
                    env.integer("memlimit", Argon2id.MIN_MEMLIMIT, Argon2id.MAX_MEMLIMIT));
        } catch (CryptoException e) {
            throw new KeepException("sealed: " + e.getMessage());
        }
        return new RoleEnvelope(role, verhex, pubhex, SealScope.parse(env.string("scope")), kdf,
                hexField(env, "salt", Sodium.PWHASH_SALT_BYTES), hexField(env, "check", 32),
                hexField(env, "nonce", Sodium.SECRETBOX_NONCE_BYTES), box(env));
    }

    /**
     * Unlocks a sealed local role file with {@code passphrase}.
     *
     * @throws KeepException naming the file: a wrong passphrase, an altered envelope, or a malformed file
     */
    static KeepLock unlock(Path file, byte[] bytes, byte[] passphrase) {
        RoleEnvelope env = readRoleEnvelopeOf(file, bytes);
        SecretBoxKey wrapKey = derive(env.kdf(), passphrase, env.salt());
        if (!MessageDigest.isEqual(checkValue(wrapKey), env.check())) {
            wrapKey.destroy();
            throw new KeepException("wrong passphrase: it does not unlock " + file + " (or the file's kdf fields were"
                    + " altered)");
        }
        Plain plain;
        try {
            plain = open(file, env, wrapKey);
        } catch (KeepException e) {
            wrapKey.destroy();
            throw e;
        }
        return new KeepLock(env.kdf(), env.salt(), wrapKey, plain.dataKey(), plain.scope());
    }

    /** Opens the local role file with this lock's key (no key derivation). */
    LocalRoleData openRole(Path file, byte[] bytes) {
        RoleEnvelope env = readRoleEnvelopeOf(file, bytes);
        if (!Arrays.equals(env.salt(), salt) || !env.kdf().equals(kdf) || !MessageDigest.isEqual(env.check(), check)) {
            throw new KeepException(file + " was sealed again under another passphrase since this keep was unlocked;"
                    + " open the keep again");
        }
        Plain plain = open(file, env, wrapKey);
        plain.dataKey().destroy();
        return plain.role();
    }

    static RoleEnvelope readRoleEnvelopeOf(Path file, byte[] bytes) {
        try {
            return readRoleEnvelope(Codec.readObject(bytes));
        } catch (KeepException e) {
            throw new KeepException(file + ": " + e.getMessage());
        }
    }

    private record Plain(LocalRoleData role, SecretBoxKey dataKey, SealScope scope) {}

    private static Plain open(Path file, RoleEnvelope env, SecretBoxKey wrapKey) {
        byte[] plain;
        try {
            plain = wrapKey.open(env.box(), env.nonce());
        } catch (CryptoException e) {
            throw new KeepException("the sealed envelope of " + file + " was altered: its box does not authenticate"
                    + " under the passphrase's key");
        }
        try {
            Codec.Doc d = Codec.Doc.parse(Codec.readObject(plain), ROLE_PLAIN_KEYS);
            LocalRoleData role = new LocalRoleData(d.string("role"), d.string("sighex"), d.string("prihex"));
            byte[] keyBytes = Hex.decode(Checks.hexKey("keephex", d.string("keephex")));
            SecretBoxKey dataKey = SecretBoxKey.of(keyBytes);
            Arrays.fill(keyBytes, (byte) 0);
            SealScope scope = SealScope.parse(d.string("scope"));
            if (!role.role().equals(env.role()) || scope != env.scope()
                    || !role.verhex().equals(env.verhex()) || !role.pubhex().equals(env.pubhex())) {
                dataKey.destroy();
                throw new KeepException("the role, scope or public keys in the clear differ from the sealed ones: the"
                        + " file was altered");
            }
            return new Plain(role, dataKey, scope);
        } catch (KeepException e) {
            throw new KeepException(file + ": " + e.getMessage());
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The sealed form of the local role file. */
    byte[] sealRole(LocalRoleData data) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("role", data.role());
        inner.put("sighex", data.sighex());
        inner.put("prihex", data.prihex());
        byte[] keyBytes = dataKey.bytes();
        inner.put("keephex", Hex.encode(keyBytes));
        Arrays.fill(keyBytes, (byte) 0);
        inner.put("scope", scope.wire());
        byte[] plain = PyJson.dump(inner);
        byte[] nonce = SecretBoxKey.newNonce();
        byte[] box;
        try {
            box = wrapKey.seal(plain, nonce);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("version", VERSION);
        env.put("scope", scope.wire());
        env.put("cipher", CIPHER);
        env.put("kdf", KDF);
        env.put("opslimit", kdf.opslimit());
        env.put("memlimit", kdf.memlimit());
        env.put("salt", Hex.encode(salt));
        env.put("check", Hex.encode(check));
        env.put("nonce", Hex.encode(nonce));
        env.put("box", Hex.encode(box));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("role", data.role());
        outer.put("verhex", data.verhex());
        outer.put("pubhex", data.pubhex());
        outer.put(SEALED, env);
        return PyJson.dump(outer);
    }

    // ---------------------------------------------------------------- other files

    /** The sealed form of another keep file whose reference form is {@code plain}. */
    byte[] sealFile(byte[] plain) {
        byte[] nonce = SecretBoxKey.newNonce();
        byte[] box = dataKey.seal(plain, nonce);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("version", VERSION);
        env.put("cipher", CIPHER);
        env.put("nonce", Hex.encode(nonce));
        env.put("box", Hex.encode(box));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put(SEALED, env);
        return PyJson.dump(outer);
    }

    /** The reference form of a sealed file other than the local role file. */
    byte[] openFile(JsonNode root) {
        Codec.Doc env = envelope(Codec.Doc.parse(root, FILE_KEYS), FILE_ENVELOPE_KEYS);
        byte[] nonce = hexField(env, "nonce", Sodium.SECRETBOX_NONCE_BYTES);
        try {
            return dataKey.open(box(env), nonce);
        } catch (CryptoException e) {
            throw new KeepException("sealed file was altered or sealed by another keep: its box does not"
                    + " authenticate under this keep's key");
        }
    }

    // ---------------------------------------------------------------- fields

    private static Codec.Doc envelope(Codec.Doc outer, List<String> keys) {
        JsonNode env = outer.node(SEALED);
        if (!env.isObject()) {
            throw new KeepException("field 'sealed' must be an object");
        }
        Codec.Doc d = Codec.Doc.parse(env, keys);
        long version = d.integer("version", 0, Integer.MAX_VALUE);
        if (version != VERSION) {
            throw new KeepException("sealed format version " + version + " is not supported (this version of raet"
                    + " reads version " + VERSION + ")");
        }
        if (!CIPHER.equals(d.string("cipher"))) {
            throw new KeepException("sealed.cipher must be \"" + CIPHER + "\", not "
                    + KeepNames.quote(d.string("cipher")));
        }
        return d;
    }

    private static byte[] hexField(Codec.Doc d, String key, int bytes) {
        String s = d.string(key);
        if (s.length() != 2 * bytes) {
            throw new KeepException("sealed." + key + " must be " + 2 * bytes + " hex characters, got " + s.length());
        }
        try {
            return Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw new KeepException("sealed." + key + ": " + e.getMessage());
        }
    }

    private static byte[] box(Codec.Doc d) {
        String s = d.string("box");
        if (s.length() < 2 * Sodium.SECRETBOX_MAC_BYTES) {
            throw new KeepException("sealed.box is shorter than its 16-byte tag");
        }
        try {
            return Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw new KeepException("sealed.box: " + e.getMessage());
        }
    }
}
