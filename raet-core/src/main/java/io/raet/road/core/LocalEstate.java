package io.raet.road.core;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import java.net.InetSocketAddress;

/** This stack's own estate: name, id, role, long-term keys and the uid counter. */
public final class LocalEstate {
    final String name;
    final String role;
    final boolean main;
    final int kind;
    final SigningKey signer;
    final BoxKeyPair boxKeys;
    final String fqdn;
    InetSocketAddress ha;
    long uid;
    long puid;

    public LocalEstate(String name, String role, boolean main, int kind, SigningKey signer, BoxKeyPair boxKeys,
            InetSocketAddress ha, String fqdn, long uid, long puid) {
        if (name == null || name.isEmpty() || name.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("estate name must be non-empty and contain no spaces: " + name);
        }
        if (kind < 0 || kind > 255) {
            throw new IllegalArgumentException("kind must be 0..255");
        }
        this.name = name;
        this.role = role == null || role.isEmpty() ? name : role;
        this.main = main;
        this.kind = kind;
        this.signer = signer;
        this.boxKeys = boxKeys;
        this.ha = ha;
        this.fqdn = fqdn == null ? "localhost" : fqdn;
        this.uid = uid <= 0 ? 1 : uid;
        this.puid = Math.max(puid, this.uid);
    }

    public String name() {
        return name;
    }

    public String role() {
        return role;
    }

    public boolean main() {
        return main;
    }

    public int kind() {
        return kind;
    }

    public SigningKey signer() {
        return signer;
    }

    public BoxKeyPair boxKeys() {
        return boxKeys;
    }

    public InetSocketAddress ha() {
        return ha;
    }

    public String fqdn() {
        return fqdn;
    }

    public long uid() {
        return uid;
    }

    public long puid() {
        return puid;
    }
}
