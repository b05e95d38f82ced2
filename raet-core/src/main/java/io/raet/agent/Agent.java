package io.raet.agent;

/**
 * A unit of work that runs on one owner thread under an {@link AgentRunner}: everything a driver does (read a
 * socket, run a sans-IO core, send what it produced, serve its timers) is one duty cycle, {@link #doWork}.
 *
 * <p>The runner calls, on its thread and in this order: {@link #onStart()} once; then, until closed, the queued
 * commands and {@link #doWork} with the time, and when both did nothing it waits, through its
 * {@link IdleStrategy}, until {@link #nextWakeup()}, a wake-up or input; {@link #onClose} once at the end.
 * An agent holds no lock of its own: its state belongs to the runner's thread, and other threads reach it through
 * the runner's command queue.
 */
public interface Agent {
    /** Name of the agent (and of its thread), e.g. {@code lane-main}. */
    String roleName();

    /** Runs on the runner's thread before the first duty cycle. */
    default void onStart() {}

    /**
     * One duty cycle at {@code now} ({@link System#nanoTime()} scale, or the runner's clock): does what is ready,
     * each kind of work bounded so that the others get their turn.
     *
     * @return how much work was done; 0 lets the runner wait
     * @throws Exception a defect of this cycle: counted ({@code work_error}) and the runner goes on; a
     *     {@link VirtualMachineError} closes the agent
     */
    int doWork(long now) throws Exception;

    /** When {@link #doWork} next has work without any input ({@link Long#MAX_VALUE}: none). */
    default long nextWakeup() {
        return Long.MAX_VALUE;
    }

    /**
     * Runs on the runner's thread once the loop has ended, after the commands never run were rejected: releases what
     * the agent holds and fails what waits on it.
     *
     * @param cause null when closed by {@link AgentRunner#close()}, else the {@link VirtualMachineError} that ended it
     */
    default void onClose(Throwable cause) {}
}
