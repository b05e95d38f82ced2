package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import java.util.HashMap;
import java.util.Map;

/** A store that keeps role acceptance in memory and persists nothing else; for tests and ephemeral stacks. */
public final class MemoryRoadStore implements RoadStore {
    private record RoleRecord(Acceptance acceptance, VerifyKey verifyKey, PublicKey publicKey) {}

    private final Map<String, RoleRecord> roles = new HashMap<>();

    @Override
    public Acceptance decideRole(String role, VerifyKey verifyKey, PublicKey publicKey, AutoMode auto) {
        RoleRecord prior = roles.get(role);
        return Acceptances.decide(auto, prior == null ? null : prior.acceptance(),
                prior != null && prior.verifyKey().equals(verifyKey) && prior.publicKey().equals(publicKey));
    }

    @Override
    public void keepRole(String role, VerifyKey verifyKey, PublicKey publicKey, Acceptance status) {
        roles.put(role, new RoleRecord(status, verifyKey, publicKey));
    }

    /** Operator decision, as the reference's acceptRemote/pendRemote/rejectRemote. */
    public void setAcceptance(String role, Acceptance acceptance) {
        RoleRecord prior = roles.get(role);
        if (prior != null) {
            roles.put(role, new RoleRecord(acceptance, prior.verifyKey(), prior.publicKey()));
        }
    }

    /** The status kept for the role, or null. */
    public Acceptance acceptance(String role) {
        RoleRecord r = roles.get(role);
        return r == null ? null : r.acceptance();
    }

    @Override
    public void saveRemote(Remote remote) {}

    @Override
    public void removeRemote(Remote remote) {}

    @Override
    public void saveLocal(LocalEstate local) {}
}
