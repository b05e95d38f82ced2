package io.raet.agent;

/**
 * The wake-up protocol of an {@link IdleStrategy}: a wake-up is a signal the next wait sees, and only a runner
 * that waits is interrupted (a busy runner costs the waker two volatile accesses). Subclasses say how to wait and
 * how to end a wait in progress.
 */
public abstract class SignalledIdleStrategy implements IdleStrategy {
    private final long maxWait;
    private volatile boolean signalled;
    private volatile boolean idling;

    /** @param maxWaitNanos the longest wait (a safety net: a runner with nothing to do looks again this often) */
    protected SignalledIdleStrategy(long maxWaitNanos) {
        if (maxWaitNanos <= 0) {
            throw new IllegalArgumentException("maxWait must be positive");
        }
        this.maxWait = maxWaitNanos;
    }

    @Override
    public final void idle(long now, long deadline) {
        idling = true;
        try {
            if (signalled) {
                return;
            }
            long wait = Deadlines.waitNanos(now, deadline, maxWait);
            if (wait > 0) {
                await(wait);
            }
        } finally {
            idling = false;
            signalled = false;
        }
    }

    @Override
    public final void wake(Thread owner) {
        signalled = true;
        // The runner announces its wait before it checks the signal: one of the two sees the other.
        if (idling) {
            interrupt(owner);
        }
    }

    /** Whether a wake-up came since the wait began (check it after announcing a wait that {@link #interrupt} ends). */
    protected final boolean signalled() {
        return signalled;
    }

    /** Waits up to {@code nanos} on the runner's thread; may return early. */
    protected abstract void await(long nanos);

    /** Ends the runner's wait in progress, or makes its next {@link #await} return at once; from any thread. */
    protected abstract void interrupt(Thread owner);
}
