package io.raet.keep;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;

/**
 * The local role and long-term secret keys, file {@code role/local/role.json}: {@code role, sighex, prihex}.
 * Both keys are 64 hex characters (stored lowercase): {@code sighex} is the Ed25519 seed, {@code prihex} the
 * Curve25519 secret.
 *
 * @param role the local role
 * @param sighex the Ed25519 seed, hex
 * @param prihex the Curve25519 secret, hex
 */
public record LocalRoleData(String role, String sighex, String prihex) {
    /**
     * Checks the role and both keys; the keys are stored lowercase.
     *
     * @throws KeepException naming what is not valid
     */
    public LocalRoleData {
        KeepNames.require("role", role);
        sighex = Checks.hexKey("sighex", sighex);
        prihex = Checks.hexKey("prihex", prihex);
    }

    /**
     * The role file of {@code role} with these keys.
     *
     * @param role the local role
     * @param signingKey the Ed25519 key
     * @param boxKeyPair the Curve25519 pair
     * @return the role data
     */
    public static LocalRoleData of(String role, SigningKey signingKey, BoxKeyPair boxKeyPair) {
        return new LocalRoleData(role, signingKey.hex(), boxKeyPair.hex());
    }

    /** {@return the Ed25519 key ({@code sighex})} */
    public SigningKey signingKey() {
        return SigningKey.fromHex(sighex);
    }

    /** {@return the Curve25519 pair ({@code prihex})} */
    public BoxKeyPair boxKeyPair() {
        return BoxKeyPair.fromHex(prihex);
    }

    /** {@return the Ed25519 verify key of {@code sighex}, as hex} */
    public String verhex() {
        SigningKey key = signingKey();
        try {
            return key.verifyKey().hex();
        } finally {
            key.destroy();
        }
    }

    /** {@return the Curve25519 public key of {@code prihex}, as hex} */
    public String pubhex() {
        BoxKeyPair keys = boxKeyPair();
        try {
            return keys.publicKey().hex();
        } finally {
            keys.destroy();
        }
    }

    /** Keys are secrets: they are not part of the string form. */
    @Override
    public String toString() {
        return "LocalRoleData[role=" + role + ", sighex=<secret>, prihex=<secret>]";
    }
}
