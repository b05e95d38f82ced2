package io.raet.road;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;

/**
 * A peer estate as this stack knows and keeps it ("RemoteEstate" in the reference): its name, ids, address, role,
 * keys, and whether it joined. The protocol state with it is its {@link Peer}. Owned by the engine thread.
 */
public final class Remote {
    String name;
    long uid; // nuid: our id for the remote
    long fuid; // the remote's id for us
    InetSocketAddress ha;
    String role;
    String fqdn = "localhost";
    boolean main;
    int kind;
    VerifyKey verifyKey;
    PublicKey publicKey;
    Acceptance acceptance;

    /** Our session id with the remote (kept, so that a restart opens a new session). */
    long sid;
    Boolean joined;

    /**
     * The name is bound to this remote's keys and role, and the remote is kept: it signed a packet with the keys it
     * joined with, or came from the keep, or answered a join we started. Until then it lives in memory only and
     * another join for its name may replace it.
     */
    boolean proven;

    Remote(String name, long uid, long fuid, InetSocketAddress ha) {
        this.name = name;
        this.uid = uid;
        this.fuid = fuid;
        this.ha = ha;
    }

    long nextSid() {
        sid = sid >= 0xffffffffL ? 1 : sid + 1;
        return sid;
    }

    /** Whether session id {@code next} is not older than {@code old} (half-window rule). */
    static boolean validSid(long next, long old) {
        if (next == 0 || old == 0) {
            return true;
        }
        return ((next - old) & 0xffffffffL) < 0x80000000L;
    }

    public String name() {
        return name;
    }

    public long uid() {
        return uid;
    }

    public long fuid() {
        return fuid;
    }

    public InetSocketAddress ha() {
        return ha;
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

    public long sid() {
        return sid;
    }

    public String fqdn() {
        return fqdn;
    }

    public VerifyKey verifyKey() {
        return verifyKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public Acceptance acceptance() {
        return acceptance;
    }

    public boolean isJoined() {
        return Boolean.TRUE.equals(joined);
    }

    /** Whether the remote's identity is bound and kept (see the class fields). */
    public boolean isProven() {
        return proven;
    }

    public Boolean joinedStatus() {
        return joined;
    }

    @Override
    public String toString() {
        return "Remote[" + name + " uid=" + uid + " fuid=" + fuid + " ha=" + ha + " joined=" + joined + "]";
    }
}
