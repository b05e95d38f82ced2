package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;

/**
 * A peer estate as this stack knows and keeps it ("RemoteEstate" in the reference): its name, ids, address, role,
 * keys, and whether it joined. The protocol state with it is its {@link Peer}. Owned by the engine thread.
 */
public final class Remote {
    private String name;
    private long uid; // nuid: our id for the remote
    private long fuid; // the remote's id for us
    private InetSocketAddress ha;
    private String role;
    private String fqdn = "localhost";
    private boolean main;
    private int kind;
    private VerifyKey verifyKey;
    private PublicKey publicKey;
    private Acceptance acceptance;

    /** Our session id with the remote (kept, so that a restart opens a new session). */
    private long sid;
    private Boolean joined;

    /**
     * The name is bound to this remote's keys and role, and the remote is kept: it signed a packet with the keys it
     * joined with, or came from the keep, or answered a join we started. Until then it lives in memory only and
     * another join for its name may replace it.
     */
    private boolean proven;

    Remote(String name, long uid, long fuid, InetSocketAddress ha) {
        this.name = name;
        this.uid = uid;
        this.fuid = fuid;
        this.ha = ha;
    }

    // Changes, all on the engine thread: the endpoint's tables follow name and address (see RoadEngine).

    void name(String name) {
        this.name = name;
    }

    void fuid(long fuid) {
        this.fuid = fuid;
    }

    void ha(InetSocketAddress ha) {
        this.ha = ha;
    }

    void role(String role) {
        this.role = role;
    }

    void fqdn(String fqdn) {
        this.fqdn = fqdn == null ? "localhost" : fqdn;
    }

    void main(boolean main) {
        this.main = main;
    }

    void kind(int kind) {
        this.kind = kind;
    }

    void keys(VerifyKey verifyKey, PublicKey publicKey) {
        this.verifyKey = verifyKey;
        this.publicKey = publicKey;
    }

    void acceptance(Acceptance acceptance) {
        this.acceptance = acceptance;
    }

    void sid(long sid) {
        this.sid = sid;
    }

    void joined(Boolean joined) {
        this.joined = joined;
    }

    void proven(boolean proven) {
        this.proven = proven;
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

    /** The name, or the address while the remote has none (a join by address not answered yet). */
    public String label() {
        return name != null ? name : String.valueOf(ha);
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
