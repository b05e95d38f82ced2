package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import io.raet.keep.HostPort;
import io.raet.keep.KeepException;
import io.raet.keep.KeepNames;
import io.raet.keep.LocalEstateData;
import io.raet.keep.RemoteEstateData;
import io.raet.keep.RoadKeep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Persists the road in a {@link RoadKeep} directory, in the reference's layout. */
public final class KeepRoadStore implements RoadStore {
    private static final Logger LOG = LoggerFactory.getLogger(KeepRoadStore.class);
    private final RoadKeep keep;

    public KeepRoadStore(RoadKeep keep) {
        this.keep = keep;
    }

    public RoadKeep keep() {
        return keep;
    }

    @Override
    public Acceptance decideRole(String role, VerifyKey verifyKey, PublicKey publicKey, AutoMode auto) {
        if (!KeepNames.isValid(role)) {
            return Acceptance.REJECTED;
        }
        try {
            return keep.decideRole(role, verifyKey.hex(), publicKey.hex(), auto);
        } catch (KeepException e) {
            LOG.warn("keep: cannot decide acceptance of role {}: {}", role, e.getMessage());
            return Acceptance.REJECTED;
        }
    }

    @Override
    public void keepRole(String role, VerifyKey verifyKey, PublicKey publicKey, Acceptance status) {
        if (!KeepNames.isValid(role)) {
            return;
        }
        try {
            keep.keepRole(role, verifyKey.hex(), publicKey.hex(), status);
        } catch (KeepException e) {
            LOG.warn("keep: cannot keep role {}: {}", role, e.getMessage());
        }
    }

    static HostPort hostPort(java.net.InetSocketAddress ha) {
        return new HostPort(ha.getAddress() != null ? ha.getAddress().getHostAddress() : ha.getHostString(),
                ha.getPort());
    }

    @Override
    public void saveRemote(Remote r) {
        if (r.name() == null || !KeepNames.isValid(r.name()) || r.role() == null) {
            return;
        }
        try {
            keep.dumpRemote(new RemoteEstateData(r.name(), r.uid(), r.fuid(), hostPort(r.ha()), null, null,
                    r.fqdn(), null, r.sid(), r.main(), r.kind(), r.joinedStatus(), r.role()));
        } catch (KeepException e) {
            LOG.warn("keep: cannot save remote {}: {}", r.name(), e.getMessage());
        }
    }

    @Override
    public void removeRemote(Remote r) {
        if (r.name() == null || !KeepNames.isValid(r.name())) {
            return;
        }
        try {
            keep.removeRemote(r.name());
        } catch (KeepException e) {
            LOG.warn("keep: cannot remove remote {}: {}", r.name(), e.getMessage());
        }
    }

    @Override
    public void saveLocal(LocalEstate l) {
        try {
            HostPort ha = hostPort(l.ha);
            keep.dumpLocal(new LocalEstateData(l.name, l.uid, ha, null, null, l.fqdn, null, 0, l.puid, ha, l.role));
        } catch (KeepException e) {
            LOG.warn("keep: cannot save the local estate: {}", e.getMessage());
        }
    }
}
