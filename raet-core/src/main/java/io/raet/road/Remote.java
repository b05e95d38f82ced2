package io.raet.road;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** A peer estate as this stack knows it ("RemoteEstate" in the reference). Owned by the engine thread. */
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

    long sid;
    long rsid;
    long tid;

    Boolean joined;
    Boolean allowed;
    Boolean alived;
    boolean reaped;

    /** Session keys of the current allow. */
    BoxKeyPair shortKeys;
    PublicKey peerShortKey;
    SharedKey sessionKey;
    /** {@code shortKeys} with {@code peerShortKey}: the next session key, computed once per handshake. */
    SharedKey shortShared;
    /** Our long-term box key with the remote's, and the remote key it was computed for. */
    private SharedKey longShared;
    private PublicKey longSharedFor;

    final Set<Transaction> transactions = new LinkedHashSet<>();
    /** Message tids the remote initiated and we completed, until the stale-tid window expires them. */
    final CompletedTids completedTids = new CompletedTids();
    /** Transaction ids the remote initiated in its current session: replays are refused for the whole session. */
    final ReplayWindow replay = new ReplayWindow();
    /** Messages waiting for the remote to be allowed. */
    final ArrayDeque<Messenger.Pending> pending = new ArrayDeque<>();
    /** Bounded resources the remote holds, and its credit for answers. */
    final RemoteLoad load = new RemoteLoad();
    long nextHeartbeat;

    /**
     * The name is bound to this remote's keys and role, and the remote is kept: it signed a packet with the keys it
     * joined with, or came from the keep, or answered a join we started. Until then it lives in memory only and
     * another join for its name may replace it.
     */
    boolean proven;
    /** Name, mode and kind a join asked for (mutable roads), applied by the next authenticated allow from there. */
    JoinProposal proposal;
    /** The remote lost our state (it answered our join with renew): our next allow lets its session id restart. */
    boolean rebaseSession;
    /**
     * The remote joined again since its session opened (as a remote that lost its state does): a hello of an older
     * session may then start an allow that, once complete, re-bases its session.
     */
    boolean rejoined;
    /** An allow was asked for while another handshake ran: start one when that ends. */
    boolean allowWanted;
    /** Callers waiting for the answer to a heartbeat ({@code null} = answered, else why not). */
    final List<Consumer<String>> aliveWaiters = new ArrayList<>(0);
    /** When the engine may start its next handshake of its own with the remote, and the wait after that one. */
    long nextAutoHandshake;
    long autoHandshakeBackoff;

    /** What a join of a known remote asked to change, and where from (see {@link #proposal}). */
    record JoinProposal(String name, String role, boolean main, int kind, long fuid, InetSocketAddress ha) {}

    Remote(String name, long uid, long fuid, InetSocketAddress ha) {
        this.name = name;
        this.uid = uid;
        this.fuid = fuid;
        this.ha = ha;
    }

    /** The box key between our long-term key and the remote's current one (computed once per remote key). */
    SharedKey longShared(BoxKeyPair local) {
        if (longShared == null || longSharedFor != publicKey) {
            longShared = local.sharedKey(publicKey);
            longSharedFor = publicKey;
        }
        return longShared;
    }

    long nextTid() {
        tid = tid >= 0xffffffffL ? 1 : tid + 1;
        return tid;
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

    public boolean isAllowed() {
        return Boolean.TRUE.equals(allowed);
    }

    public boolean isAlive() {
        return Boolean.TRUE.equals(alived);
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
        return "Remote[" + name + " uid=" + uid + " fuid=" + fuid + " ha=" + ha + " joined=" + joined + " allowed="
                + allowed + " alive=" + alived + "]";
    }
}
