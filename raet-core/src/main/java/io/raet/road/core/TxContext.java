package io.raet.road.core;

import io.raet.codec.RoadHead;
import io.raet.crypto.Entropy;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import java.net.InetSocketAddress;

/**
 * What a transaction, and a peer, may use of the road around it: the settings and the local estate, the keep,
 * random bytes, the output (packets and events), the timers and the counters. Nothing else of the engine.
 */
interface TxContext {
    RoadConfig config();

    LocalEstate local();

    /** Where remotes, roles and the local estate are kept. */
    RoadStore store();

    /** Where nonces and short-term keys come from. */
    Entropy entropy();

    /**
     * Encodes and queues a packet. When it answers {@code answering} (not null) it goes only within that remote's
     * answer credit ({@link RoadLimits#answerFactor()}). Returns its bytes, or null when it was not packed or not
     * sent (counted).
     */
    byte[] transmit(RoadHead head, byte[] coat, InetSocketAddress to, Peer answering);

    /** Queues a packet encoded already. */
    void enqueue(byte[] data, InetSocketAddress to);

    /**
     * Whether packets may be queued with their signature still to make ({@link #enqueueToSign}): the driver signs
     * them, on helper threads, before they go.
     */
    boolean deferSignatures();

    /** Queues a packet encoded with its signature deferred ({@code RoadCodec.encode(…, true)}), to be signed. */
    void enqueueToSign(byte[] data, InetSocketAddress to);

    /**
     * Queues a packet again (nothing when {@code data} is null); when it answers {@code answering} (not null) it
     * goes only within that remote's answer credit.
     */
    void resend(byte[] data, InetSocketAddress to, Peer answering);

    /** Tells the application. */
    void emit(RoadEvent event);

    /** Starts a transaction: it receives the packets of its key until it ends. */
    void start(Transaction tx);

    /** Ends a transaction (whatever the reason): its timers stop, what it holds is released. */
    void end(Transaction tx);

    /** Whether the transaction was started and has not ended. */
    boolean isActive(Transaction tx);

    /** (Re)arms the timer of a transaction (or a send window) at its {@link Timed#nextDeadline()}. */
    void schedule(Timed t);

    void count(RoadCounter counter);

    /** Counts a join this estate refuses. */
    void count(JoinRefusal refusal);

    /** Counts a dropped packet. */
    void drop(DropReason reason);
}
