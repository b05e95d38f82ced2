package io.raet.road;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The road's protocol state with one remote, as {@link Remote} says who it is: the transactions under way (at most
 * one join each way, one allow each way, one heartbeat, and any number of messages), the session (our session id
 * lives in the remote's record, which the keep holds), the replay window and the completed messages of the remote's
 * session, the messages waiting for an allow, and what the remote may make us hold or send. Owned by the engine
 * thread.
 */
final class Peer {
    /**
     * Where the road stands with the remote: a handshake under way, else what the last one left. A join under way
     * does not close an open session: messages keep flowing on it.
     */
    enum Phase {
        /** No join completed with the remote, or it told us it lost ours. */
        UNJOINED,
        /** A join is under way (ours or the remote's). */
        JOINING,
        /** A join waits for an operator's decision (ours, or the remote's operator's). */
        PENDING,
        /** Keys are exchanged; no session is open. */
        JOINED,
        /** An allow is under way and its session is not open yet. */
        ALLOWING,
        /** A session is open: messages and heartbeats flow. */
        ALLOWED
    }

    final Remote remote;

    /** The remote's session id as last authenticated, and our next transaction id. */
    long rsid;
    long tid;

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

    /** Every transaction under way, in the order they started. */
    final Set<Transaction> transactions = new LinkedHashSet<>();
    Joiner joiner;
    Joinent joinent;
    Allower allower;
    Allowent allowent;
    Aliver aliver;

    /** Message tids the remote initiated and we completed, until the stale-tid window expires them. */
    final CompletedTids completedTids = new CompletedTids();
    /** Transaction ids the remote initiated in its current session: replays are refused for the whole session. */
    final ReplayWindow replay = new ReplayWindow();
    /** Messages waiting for the remote to be allowed. */
    final ArrayDeque<Messenger.Pending> pending = new ArrayDeque<>();
    /** Bounded resources the remote holds, and its credit for answers. */
    final RemoteLoad load = new RemoteLoad();
    long nextHeartbeat;

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
    record JoinProposal(String name, String role, boolean main, int kind, long fuid, java.net.InetSocketAddress ha) {}

    Peer(Remote remote) {
        this.remote = remote;
    }

    /** The handshake under way, else where the last one left the remote. */
    Phase phase() {
        if (joiner != null || joinent != null) {
            return joiner != null && joiner.pending() || joinent != null && joinent.pending() ? Phase.PENDING
                    : Phase.JOINING;
        }
        if (allower != null || allowent != null && !allowent.acked()) {
            return Phase.ALLOWING;
        }
        if (isAllowed()) {
            return Phase.ALLOWED;
        }
        return remote.isJoined() ? Phase.JOINED : Phase.UNJOINED;
    }

    /** Whether a join or allow is under way (an allow whose session is open does not count). */
    boolean handshaking() {
        Phase p = phase();
        return p == Phase.JOINING || p == Phase.PENDING || p == Phase.ALLOWING;
    }

    /** Whether a join is under way, ours or the remote's. */
    boolean joining() {
        return joiner != null || joinent != null;
    }

    /** Takes a transaction that starts into its slot. */
    void added(Transaction tx) {
        transactions.add(tx);
        switch (tx) {
            case Joiner j -> joiner = j;
            case Joinent j -> joinent = j;
            case Allower a -> allower = a;
            case Allowent a -> allowent = a;
            case Aliver a -> aliver = a;
            default -> {}
        }
    }

    /** Empties the slot of a transaction that ended. */
    void removed(Transaction tx) {
        transactions.remove(tx);
        if (joiner == tx) {
            joiner = null;
        } else if (joinent == tx) {
            joinent = null;
        } else if (allower == tx) {
            allower = null;
        } else if (allowent == tx) {
            allowent = null;
        } else if (aliver == tx) {
            aliver = null;
        }
    }

    /** The box key between our long-term key and the remote's current one (computed once per remote key). */
    SharedKey longShared(BoxKeyPair local) {
        if (longShared == null || longSharedFor != remote.publicKey()) {
            longShared = local.sharedKey(remote.publicKey());
            longSharedFor = remote.publicKey();
        }
        return longShared;
    }

    long nextTid() {
        tid = tid >= 0xffffffffL ? 1 : tid + 1;
        return tid;
    }

    boolean isAllowed() {
        return Boolean.TRUE.equals(allowed);
    }

    boolean isAlive() {
        return Boolean.TRUE.equals(alived);
    }

    @Override
    public String toString() {
        return "Peer[" + remote + " " + phase() + " allowed=" + allowed + " alive=" + alived + "]";
    }
}
