package io.raet.road;

import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.crypto.VerifyKey;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads that check the signatures of datagrams an owner thread has read and not handled yet, so that one
 * busy remote's verifications (the largest cost of receiving) spread over several cores while its owner still
 * handles its datagrams one by one, in their order.
 *
 * <p>The owner reads a batch of datagrams, hands each of its own with its remote's key to {@link #submit}, then
 * handles them in order, asking each {@link Check#result()} first: a check a helper finished gives its answer; one
 * no helper has started yet is withdrawn and the owner checks the signature itself, as without helpers; one under
 * way is waited for (it takes one verification at most). Nothing is reordered, no packet is acted on before its
 * signature is checked, and the queue holds at most the batches an owner read and has not finished handling.
 *
 * <p>Idle helpers spin briefly, then park until the next batch; the owner wakes parked ones once per batch.
 */
final class VerifyAhead implements AutoCloseable {
    /** One datagram's signature check. */
    static final class Check {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int GOOD = 2;
        private static final int BAD = 3;
        private static final int WITHDRAWN = 4;

        final byte[] data;
        final VerifyKey key;
        private final AtomicInteger state = new AtomicInteger(NEW);

        Check(byte[] data, VerifyKey key) {
            this.data = data;
            this.key = key;
        }

        /** Helper side: checks the signature unless the owner withdrew the check. */
        void run() {
            if (!state.compareAndSet(NEW, RUNNING)) {
                return;
            }
            boolean good;
            try {
                ParsedPacket p = RoadCodec.parse(data, 0, data.length);
                good = p.signed() && p.verify(key);
            } catch (io.raet.codec.PacketException | RuntimeException e) {
                // unparsable, or a key wiped meanwhile: the owner decides on its own
                good = false;
            }
            state.set(good ? GOOD : BAD);
        }

        /** Whether a helper has finished this check (tests). */
        boolean finished() {
            int s = state.get();
            return s == GOOD || s == BAD;
        }

        /**
         * Owner side: the key the signature was found good with, or null when it was not checked here (withdrawn,
         * or found bad: the owner then checks and counts it itself).
         */
        VerifyKey result() {
            if (state.compareAndSet(NEW, WITHDRAWN)) {
                return null;
            }
            int s;
            int spins = 0;
            while ((s = state.get()) == RUNNING) {
                // One verification at most; a helper the scheduler paused gets the core back sooner with a yield.
                if (++spins < 2_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return s == GOOD ? key : null;
        }
    }

    private static final int SPINS = 20_000;

    private final ConcurrentLinkedQueue<Check> checks = new ConcurrentLinkedQueue<>();
    private final Thread[] helpers;
    /** 1 where that helper is parked (or about to park) and needs waking. */
    private final AtomicIntegerArray parked;
    private volatile boolean running = true;

    VerifyAhead(int threads, String name) {
        helpers = new Thread[threads];
        parked = new AtomicIntegerArray(threads);
        for (int i = 0; i < threads; i++) {
            int me = i;
            helpers[i] = Thread.ofPlatform().name(name + "-verify-" + i).daemon(true).unstarted(() -> help(me));
        }
        for (Thread t : helpers) {
            t.start();
        }
    }

    int threads() {
        return helpers.length;
    }

    /** Queues a check (owner thread); {@link #wake()} once the batch is queued. */
    Check submit(byte[] data, VerifyKey key) {
        Check c = new Check(data, key);
        checks.add(c);
        return c;
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
            Check c = checks.poll();
            if (c != null) {
                c.run();
                idle = 0;
                continue;
            }
            if (idle++ < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            parked.set(me, 1);
            if (!checks.isEmpty() || !running) {
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
        checks.clear();
    }
}
