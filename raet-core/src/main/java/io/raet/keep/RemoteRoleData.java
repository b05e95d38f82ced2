package io.raet.keep;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;

/**
 * Keys and acceptance of one remote role, file {@code role/remote/role.<role>.json}:
 * {@code role, acceptance, verhex, pubhex}. Keys are 64 hex characters (stored lowercase).
 *
 * @param acceptance status, or null when none was ever decided (treated as "no prior record")
 */
public record RemoteRoleData(String role, Acceptance acceptance, String verhex, String pubhex) {
    public RemoteRoleData {
        KeepNames.require("role", role);
        verhex = Checks.hexKey("verhex", verhex);
        pubhex = Checks.hexKey("pubhex", pubhex);
    }

    public VerifyKey verifyKey() {
        return VerifyKey.fromHex(verhex);
    }

    public PublicKey publicKey() {
        return PublicKey.fromHex(pubhex);
    }

    /** True if both keys equal the given ones (hex compared case-insensitively). */
    public boolean sameKeys(String otherVerhex, String otherPubhex) {
        return verhex.equalsIgnoreCase(otherVerhex) && pubhex.equalsIgnoreCase(otherPubhex);
    }

    public RemoteRoleData withAcceptance(Acceptance status) {
        return new RemoteRoleData(role, status, verhex, pubhex);
    }
}
