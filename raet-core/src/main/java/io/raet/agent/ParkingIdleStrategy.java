package io.raet.agent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks the runner's thread until the deadline or a wake-up (at most {@code maxWait}). For agents whose input
 * arrives through their command queue or through a callback that wakes them; fits virtual threads.
 */
public final class ParkingIdleStrategy extends SignalledIdleStrategy {
    private static final long DEFAULT_MAX_WAIT = TimeUnit.SECONDS.toNanos(1);

    public ParkingIdleStrategy() {
        this(DEFAULT_MAX_WAIT);
    }

    /** @param maxWaitNanos the longest wait */
    public ParkingIdleStrategy(long maxWaitNanos) {
        super(maxWaitNanos);
    }

    @Override
    protected void await(long nanos) {
        LockSupport.parkNanos(this, nanos);
    }

    @Override
    protected void interrupt(Thread owner) {
        if (owner != null) {
            LockSupport.unpark(owner); // a permit: a park that has not begun yet returns at once
        }
    }
}
