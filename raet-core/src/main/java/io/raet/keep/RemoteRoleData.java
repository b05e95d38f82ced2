package io.raet.keep;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;

/**
 * Keys and acceptance of one remote role, file {@code role/remote/role.<role>.json}:
 * {@code role, acceptance, verhex, pubhex}. Keys are 64 hex characters (stored lowercase).
 *
 * @param role the role
 * @param acceptance status, or null when none was ever decided (treated as "no prior record")
 * @param verhex the Ed25519 verify key, hex
 * @param pubhex the Curve25519 public key, hex
 */
public record RemoteRoleData(String role, Acceptance acceptance, String verhex, String pubhex) {
    /**
     * Checks the role and both keys; the keys are stored lowercase.
     *
     * @throws KeepException naming what is not valid
     */
    public RemoteRoleData {
        KeepNames.require("role", role);
        verhex = Checks.hexKey("verhex", verhex);
        pubhex = Checks.hexKey("pubhex", pubhex);
    }

    /** {@return the verify key ({@code verhex})} */
    public VerifyKey verifyKey() {
        return VerifyKey.fromHex(verhex);
    }

    /** {@return the public key ({@code pubhex})} */
    public PublicKey publicKey() {
        return PublicKey.fromHex(pubhex);
    }

    /**
     * {@return true if both keys equal the given ones (hex compared case-insensitively)}
     *
     * @param otherVerhex a verify key, hex
     * @param otherPubhex a public key, hex
     */
    public boolean sameKeys(String otherVerhex, String otherPubhex) {
        return verhex.equalsIgnoreCase(otherVerhex) && pubhex.equalsIgnoreCase(otherPubhex);
    }

    /**
     * {@return this role file with another acceptance}
     *
     * @param status the acceptance, or null
     */
    public RemoteRoleData withAcceptance(Acceptance status) {
        return new RemoteRoleData(role, status, verhex, pubhex);
    }
}
