package io.raet.road.core;

import io.raet.crypto.CryptoException;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import java.util.LinkedHashMap;
import java.util.Map;

/** The body of a join request or response (§6.3), validated. */
record JoinBody(String name, boolean main, int kind, long uid, VerifyKey verifyKey, PublicKey publicKey, String role) {

    /** The request body in the reference's key order; a response adds {@code uid} after {@code kind}. */
    static Map<String, Object> of(LocalEstate local, long uid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", local.name);
        m.put("mode", local.main ? 1 : 0);
        m.put("kind", local.kind);
        if (uid != 0) {
            m.put("uid", uid);
        }
        m.put("verhex", local.signer.verifyKey().hex());
        m.put("pubhex", local.boxKeys.publicKey().hex());
        m.put("role", local.role);
        return m;
    }

    /**
     * Decodes and validates the body of a received join packet; null (counted as a drop) when it is malformed,
     * a field is missing or invalid, or the name or role could not be a keep file name.
     */
    static JoinBody receive(TxContext ctx, io.raet.codec.ParsedPacket packet, boolean response) {
        JoinBody d;
        try {
            d = parse(io.raet.codec.Body.decode(packet.head().bk(), packet.buffer(), packet.coatOffset(),
                    packet.coatLength()), response);
        } catch (io.raet.codec.PacketException e) {
            d = null;
        }
        if (d == null) {
            ctx.drop(DropReason.INVALID_JOIN_BODY);
            return null;
        }
        if (!io.raet.keep.KeepNames.isValid(d.name()) || !io.raet.keep.KeepNames.isValid(d.role())) {
            // Names and roles become file names in the keep: unpaired surrogates, separators, controls are refused.
            ctx.drop(DropReason.INVALID_JOIN_NAME);
            return null;
        }
        return d;
    }

    /** Validates a received body; null when any field is missing or invalid (the reference drops silently). */
    static JoinBody parse(Object decoded, boolean response) {
        if (!(decoded instanceof Map<?, ?> m)) {
            return null;
        }
        String name = text(m.get("name"));
        String role = text(m.get("role"));
        Long mode = number(m.get("mode"));
        Long kind = number(m.get("kind"));
        Long uid = response ? number(m.get("uid")) : Long.valueOf(0);
        if (name == null || role == null || mode == null || kind == null || uid == null) {
            return null;
        }
        if (name.indexOf(' ') >= 0 || mode < 0 || mode > 255 || kind < 0 || kind > 255) {
            return null;
        }
        if (response && (uid <= 0 || uid > 0xffffffffL)) {
            return null;
        }
        try {
            VerifyKey ver = VerifyKey.fromHex(text(m.get("verhex")));
            PublicKey pub = PublicKey.fromHex(text(m.get("pubhex")));
            return new JoinBody(name, (mode & 1) != 0, kind.intValue(), uid, ver, pub, role);
        } catch (CryptoException | NullPointerException e) {
            return null;
        }
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Long number(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Integer i) {
            return i.longValue();
        }
        return null;
    }

    boolean sameRoleKeys(Remote r) {
        return role.equals(r.role()) && sameKeys(r);
    }

    boolean sameKeys(Remote r) {
        return verifyKey.equals(r.verifyKey()) && publicKey.equals(r.publicKey());
    }

    /**
     * The remote's own keys under a new name and a new role (a reference estate's role is its name by default):
     * a rename, which a mutable road allows; a new role under the same name is not one.
     */
    boolean renames(Remote r) {
        return sameKeys(r) && !name.equals(r.name()) && !role.equals(r.role());
    }

    void adopt(Remote r) {
        r.main(main);
        r.kind(kind);
        r.role(role);
        r.keys(verifyKey, publicKey);
    }
}
