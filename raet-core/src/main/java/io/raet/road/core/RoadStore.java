package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;

/** Where the engine persists estates and decides key acceptance (the keep, or memory in tests). */
public interface RoadStore {
    /**
     * The acceptance of a role presenting these keys under the auto mode (the reference's table, §6.5). Writes
     * nothing: a decision is kept with {@link #keepRole} once the remote has proven its keys.
     */
    Acceptance decideRole(String role, VerifyKey verifyKey, PublicKey publicKey, AutoMode auto);

    /** Keeps the role with these keys and this status (an operator's decision, or a proven remote's). */
    void keepRole(String role, VerifyKey verifyKey, PublicKey publicKey, Acceptance status);

    void saveRemote(Remote remote);

    void removeRemote(Remote remote);

    void saveLocal(LocalEstate local);
}
