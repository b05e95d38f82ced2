package io.raet.route;

import java.time.Duration;
import io.raet.util.FairQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A share that keeps every message, first in first out, up to a capacity. When full, the {@link Overflow} decides:
 * {@link Overflow#DROP_OLDEST} (the default) drops the oldest queued message to make room, so a slow reader sees
 * the most recent {@code capacity} messages; {@link Overflow#REFUSE_NEW} keeps the queue and drops the arriving
 * one. Either way the loss is counted in {@link #dropped()}.
 *
 * <p>A share {@linkplain #perSource(String, int, Overflow) per source} keeps one such queue for each sender (the
 * {@code estate} and {@code yard} of the messages' {@code src}, which routers check) and hands messages out in turns
 * across senders, so one sender's flood fills and overflows only its own queue and waits its turn like any other;
 * the senders together hold at most {@value #MAX_SOURCES} times the capacity (beyond it new messages are refused).
 *
 * <p>Thread safe; {@link #take(Duration)} blocks on a lock condition, which parks a virtual thread cheaply.
 */
public final class QueueShare implements Share {
    /** What a full queue does with an arriving message. */
    public enum Overflow {
        /** The oldest message makes room for it. */
        DROP_OLDEST,
        /** It is refused. */
        REFUSE_NEW
    }

    /** The capacity when none is given. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** A share per source holds at most this many times its capacity in all. */
    public static final int MAX_SOURCES = 16;

    private final String name;
    private final int capacity;
    private final Overflow overflow;
    private final boolean perSource;
    private final FairQueue<FlowMessage> queue = new FairQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long delivered;
    private long dropped;

    /**
     * A queue of the default capacity that drops its oldest message when full.
     *
     * @param name the share's name
     */
    public QueueShare(String name) {
        this(name, DEFAULT_CAPACITY, Overflow.DROP_OLDEST);
    }

    /**
     * A queue.
     *
     * @param name the share's name
     * @param capacity the most messages held
     * @param overflow what a full queue does
     */
    public QueueShare(String name, int capacity, Overflow overflow) {
        this(name, capacity, overflow, false);
    }

    /**
     * A share that queues each sender's messages apart (up to {@code capacity} each) and serves them in turns.
     *
     * @param name the share's name
     * @param capacity the most messages of one sender held
     * @param overflow what a full queue does
     * @return the share
     */
    public static QueueShare perSource(String name, int capacity, Overflow overflow) {
        return new QueueShare(name, capacity, overflow, true);
    }

    private QueueShare(String name, int capacity, Overflow overflow, boolean perSource) {
        this.perSource = perSource;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.name = Shares.checkName(name);
        this.capacity = capacity;
        this.overflow = overflow == null ? Overflow.DROP_OLDEST : overflow;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the most messages held} */
    public int capacity() {
        return capacity;
    }

    /** {@return what a full queue does} */
    public Overflow overflow() {
        return overflow;
    }

    /** {@return whether each sender has its own queue (see {@link #perSource})} */
    public boolean isPerSource() {
        return perSource;
    }

    private String source(FlowMessage m) {
        return perSource ? m.src().estate() + "/" + m.src().yard() : "";
    }

    @Override
    public List<FlowMessage> deliver(FlowMessage message) {
        offer(message);
        return List.of();
    }

    /**
     * Queues a message; false when it was refused ({@link Overflow#REFUSE_NEW} and full).
     *
     * @param message the message
     * @return true when it was queued
     */
    public boolean offer(FlowMessage message) {
        lock.lock();
        try {
            delivered++;
            String source = source(message);
            if (queue.size(source) >= capacity) {
                dropped++;
                if (overflow == Overflow.REFUSE_NEW) {
                    return false;
                }
                queue.pollFrom(source);
            } else if (perSource && queue.size() >= capacity * MAX_SOURCES) {
                dropped++;
                return false;
            }
            queue.add(source, message);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the oldest message, removed, or empty when the queue is empty} */
    public Optional<FlowMessage> poll() {
        lock.lock();
        try {
            return Optional.ofNullable(queue.poll());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for a message and removes it; empty on timeout.
     *
     * @param timeout the longest wait
     * @return the message, or empty
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Optional<FlowMessage> take(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return Optional.of(queue.poll());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits without limit for a message and removes it.
     *
     * @return the message
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public FlowMessage take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                notEmpty.await(1, TimeUnit.DAYS);
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns every queued message, in the order {@link #take()} would (oldest first per sender).
     *
     * @return the messages
     */
    public List<FlowMessage> drain() {
        lock.lock();
        try {
            List<FlowMessage> out = new ArrayList<>(queue.size());
            for (FlowMessage m; (m = queue.poll()) != null; ) {
                out.add(m);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the messages queued} */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** {@return messages lost to overflow (the dropped oldest, or the refused new ones)} */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "QueueShare[" + name + ", " + size() + "/" + capacity + "]";
    }
}
