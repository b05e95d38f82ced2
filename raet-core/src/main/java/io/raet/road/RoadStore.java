package io.raet.road;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;

/** Where the engine persists estates and decides key acceptance (the keep, or memory in tests). */
public interface RoadStore {
    /** The acceptance of a role with these keys under the auto mode (the reference's table); persists when not rejected. */
    Acceptance statusRole(String role, VerifyKey verifyKey, PublicKey publicKey, AutoMode auto);

    void saveRemote(Remote remote);

    void removeRemote(Remote remote);

    void saveLocal(LocalEstate local);
}
