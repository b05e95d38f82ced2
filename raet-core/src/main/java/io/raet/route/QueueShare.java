package io.raet.route;

import java.time.Duration;
import java.util.ArrayDeque;
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
 * <p>Thread safe; {@link #take(Duration)} blocks on a lock condition, which parks a virtual thread cheaply.
 */
public final class QueueShare implements Share {
    /** What a full queue does with an arriving message. */
    public enum Overflow { DROP_OLDEST, REFUSE_NEW }

    /** The capacity when none is given. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final String name;
    private final int capacity;
    private final Overflow overflow;
    private final ArrayDeque<FlowMessage> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long delivered;
    private long dropped;

    public QueueShare(String name) {
        this(name, DEFAULT_CAPACITY, Overflow.DROP_OLDEST);
    }

    public QueueShare(String name, int capacity, Overflow overflow) {
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

    public int capacity() {
        return capacity;
    }

    public Overflow overflow() {
        return overflow;
    }

    @Override
    public List<FlowMessage> deliver(FlowMessage message) {
        offer(message);
        return List.of();
    }

    /** Queues a message; false when it was refused ({@link Overflow#REFUSE_NEW} and full). */
    public boolean offer(FlowMessage message) {
        lock.lock();
        try {
            delivered++;
            if (queue.size() >= capacity) {
                dropped++;
                if (overflow == Overflow.REFUSE_NEW) {
                    return false;
                }
                queue.pollFirst();
            }
            queue.addLast(message);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest message, removed, or empty when the queue is empty. */
    public Optional<FlowMessage> poll() {
        lock.lock();
        try {
            return Optional.ofNullable(queue.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for a message and removes it; empty on timeout. */
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
            return Optional.of(queue.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    /** Waits without limit for a message and removes it. */
    public FlowMessage take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                notEmpty.await(1, TimeUnit.DAYS);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every queued message, oldest first. */
    public List<FlowMessage> drain() {
        lock.lock();
        try {
            List<FlowMessage> out = new ArrayList<>(queue);
            queue.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

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

    /** Messages lost to overflow (the dropped oldest, or the refused new ones). */
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
