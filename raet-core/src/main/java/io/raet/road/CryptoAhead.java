package io.raet.road;

import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads that do the Ed25519 work of owner threads ahead of them, so that one busy remote's signatures and
 * verifications (the largest costs of sending and receiving) spread over several cores while its owner still handles
 * its datagrams one by one, in their order.
 *
 * <p>Receiving: the owner reads a batch of datagrams, hands each of its own with its remote's key to {@link #check},
 * then handles them in order, asking each {@link Check#result()} first. Sending: the owner takes a batch of the
 * datagrams its shard queued with their signature deferred, hands each to {@link #sign}, then sends them in order,
 * each after {@link Signing#finish()}. Either way, a job a helper finished gives its outcome; one no helper has
 * started yet is withdrawn and the owner does the work itself, as without helpers; one under way is waited for (one
 * signature or verification at most). Nothing is reordered, no packet is acted on before its signature is checked,
 * none goes out unsigned, and the queue holds at most the batches owners took and have not finished.
 *
 * <p>Idle helpers spin briefly, then park until the next batch; the owner wakes parked ones once per batch.
 */
final class CryptoAhead implements AutoCloseable {
    /** One piece of work on one datagram for a helper, which the owner may withdraw until a helper starts it. */
    abstract static class Job {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int GOOD = 2;
        private static final int BAD = 3;
        private static final int WITHDRAWN = 4;

        private final AtomicInteger state = new AtomicInteger(NEW);
        /** The datagram. */
        final byte[] data;

        Job(byte[] data) {
            this.data = data;
        }

        /** The work; false (or an exception) when it failed. Runs once, on a helper. */
        abstract boolean work() throws Exception;

        /** Helper side: does the work unless the owner withdrew it. */
        final void run() {
            if (!state.compareAndSet(NEW, RUNNING)) {
                return;
            }
            boolean good;
            try {
                good = work();
            } catch (Exception e) {
                // unparsable, or a key wiped meanwhile: the owner decides on its own
                good = false;
            }
            state.set(good ? GOOD : BAD);
        }

        /** Whether a helper has finished it (tests). */
        final boolean finished() {
            int s = state.get();
            return s == GOOD || s == BAD;
        }

        /**
         * Owner side: true when a helper did the work and it succeeded; false when the owner must do it itself (no
         * helper had started it: withdrawn now; or it failed).
         */
        final boolean doneAhead() {
            if (state.compareAndSet(NEW, WITHDRAWN)) {
                return false;
            }
            int s;
            int spins = 0;
            while ((s = state.get()) == RUNNING) {
                // One operation at most; a helper the scheduler paused gets the core back sooner with a yield.
                if (++spins < 2_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return s == GOOD;
        }
    }

    /** One received datagram's signature check. */
    static final class Check extends Job {
        final VerifyKey key;

        Check(byte[] data, VerifyKey key) {
            super(data);
            this.key = key;
        }

        @Override
        boolean work() throws Exception {
            ParsedPacket p = RoadCodec.parse(data, 0, data.length);
            return p.signed() && p.verify(key);
        }

        /**
         * Owner side: the key the signature was found good with, or null when it was not checked here (withdrawn,
         * or found bad: the owner then checks and counts it itself).
         */
        VerifyKey result() {
            return doneAhead() ? key : null;
        }
    }

    /** One datagram to send whose signature was deferred. */
    static final class Signing extends Job {
        final SigningKey signer;

        Signing(byte[] data, SigningKey signer) {
            super(data);
            this.signer = signer;
        }

        @Override
        boolean work() {
            RoadCodec.sign(data, signer);
            return true;
        }

        /** Owner side: returns once the datagram is signed, by a helper or here. Returns whether a helper did. */
        boolean finish() {
            if (doneAhead()) {
                return true;
            }
            RoadCodec.sign(data, signer);
            return false;
        }
    }

    private static final int SPINS = 20_000;

    private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
    private final Thread[] helpers;
    /** 1 where that helper is parked (or about to park) and needs waking. */
    private final AtomicIntegerArray parked;
    private volatile boolean running = true;

    CryptoAhead(int threads, String name) {
        helpers = new Thread[threads];
        parked = new AtomicIntegerArray(threads);
        for (int i = 0; i < threads; i++) {
            int me = i;
            helpers[i] = Thread.ofPlatform().name(name + "-crypto-" + i).daemon(true).unstarted(() -> help(me));
        }
        for (Thread t : helpers) {
            t.start();
        }
    }

    /** Queues a signature check (owner thread); {@link #wake()} once the batch is queued. */
    Check check(byte[] data, VerifyKey key) {
        Check c = new Check(data, key);
        jobs.add(c);
        return c;
    }

    /** Queues a deferred signature (owner thread); {@link #wake()} once the batch is queued. */
    Signing sign(byte[] data, SigningKey signer) {
        Signing s = new Signing(data, signer);
        jobs.add(s);
        return s;
    }

    /** Wakes the parked helpers: a batch was queued. */
    void wake() {
        for (int i = 0; i < helpers.length; i++) {
            if (parked.get(i) == 1 && parked.compareAndSet(i, 1, 0)) {
                LockSupport.unpark(helpers[i]);
            }
        }
    }

    private void help(int me) {
        int idle = 0;
        while (running) {
            Job j = jobs.poll();
            if (j != null) {
                j.run();
                idle = 0;
                continue;
            }
            if (idle++ < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            parked.set(me, 1);
            if (!jobs.isEmpty() || !running) {
                parked.set(me, 0);
                continue;
            }
            LockSupport.park(this);
            parked.set(me, 0);
            idle = 0;
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
        jobs.clear();
    }
}
