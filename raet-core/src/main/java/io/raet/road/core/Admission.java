package io.raet.road.core;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;

/**
 * What the endpoint decides and holds for every remote together, as peers and their join and allow transactions use
 * it: the remote table (by uid, name and address), who may join under which identity, the joins under way and held
 * for an operator, and the bounds on incoming messages shared by all remotes. Each shard has its own, which
 * counts what it does on that shard; the decisions are the endpoint's, shared by every shard.
 */
interface Admission {
    /** The remote of that name on the road, or null. */
    Peer peer(String name);

    /** Whether the peer is in the remote table (not a join's provisional one, not forgotten). */
    boolean isAdded(Peer peer);

    /** A peer for a remote new to us at {@code ha}, with a fresh uid, in no table yet. */
    Peer newPeer(InetSocketAddress ha);

    /** Renames a remote; the table follows. */
    void rename(Peer peer, String name);

    /** Moves a remote to another address; the table follows. */
    void move(Peer peer, InetSocketAddress ha);

    /** Forgets a remote: its transactions are nacked, its keep file removed when {@code clearKeep}. */
    void remove(Peer peer, boolean clearKeep);

    /** A remote new to us completed a join: it enters the road, in memory only, until it proves its keys. */
    void admitJoined(Peer peer);

    /**
     * Why a remote other than {@code except} holding {@code role} with other keys forbids binding it to these keys,
     * or null.
     */
    String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except);

    /** The acceptance of a joiner's identity: an operator's, else the keep's table (nothing written). */
    Acceptance decideJoin(PendingJoins.Identity id, long now);

    /** Whether {@code known}'s name may be bound to the identity {@code id} presents. */
    boolean rebindApproved(PendingJoins.Identity id, Remote known, long now);

    /** Joins held for an operator's decision. */
    PendingJoins pendingJoins();

    /** Counts and reports a join this estate refuses. */
    void refusedJoin(String name, InetSocketAddress from, JoinRefusal code, String reason);

    /** A join of a remote new to us runs under the uid it will have; its signed traffic finds it there. */
    void provisional(long uid, Joinent join);

    void endProvisional(long uid, Joinent join);

    /** A vacuous join runs from {@code src}: its repeated requests find the peer there. */
    void joinee(InetSocketAddress src, Peer peer);

    void endJoinee(InetSocketAddress src, Peer peer);

    /** Whether new incoming messages are admitted (not while the application's inbox is full). */
    boolean acceptingMessages();

    /** Admits a new incoming message for reassembly; false (counted) when refused. */
    boolean admitIncomplete(Messengent message);

    /** Holds {@code bytes} more for a message being reassembled; false (counted) when refused. */
    boolean holdIncomplete(Messengent message, long bytes);

    /** Gives back bytes held for a segment that was not kept after all. */
    void releaseBytes(Messengent message, long bytes);

    /** An incoming message that was admitted ended: what it holds is given back. */
    void releaseIncomplete(Messengent message);
}
