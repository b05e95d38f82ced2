package io.raet.agent;

/**
 * How an {@link AgentRunner} waits when a duty cycle did nothing: until a deadline, a {@link #wake} from another
 * thread (a command was queued) or input on what the agent reads. One instance serves one runner.
 *
 * <p>Implementations: {@link ParkingIdleStrategy} (park the thread; virtual threads too), and those that block in
 * the agent's own input (the lane stack polls its Unix socket and is woken by an empty datagram to itself; a
 * selector-based driver would select and be woken by {@code Selector.wakeup()}).
 */
public interface IdleStrategy {
    /**
     * Waits on the runner's thread until {@code deadline} ({@link Long#MAX_VALUE}: none; the strategy may cap the
     * wait), a wake-up or input. May return early. A wake-up that came since the last wait ends this one at once.
     */
    void idle(long now, long deadline) throws Exception;

    /** Ends the runner's wait in progress, or the next one; from any thread. Cheap when the runner is busy. */
    void wake(Thread owner);
}
