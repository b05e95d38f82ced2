package io.raet.agent;

/** A request from another thread, run on an agent's thread by its {@link AgentRunner} before the duty cycle. */
public interface Command {
    /** Runs on the agent's thread at {@code now}; an exception is counted ({@code command_error}) and rejects it. */
    void run(long now) throws Exception;

    /**
     * The command will not run, or failed: fails what waits on it. Called on the agent's thread when {@link #run}
     * threw ({@code cause} is that exception) and when the runner closes with the command still queued
     * ({@code cause} is an {@link AgentClosedException}).
     */
    default void reject(Throwable cause) {}
}
