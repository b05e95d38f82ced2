package io.raet.agent;

import io.raet.util.Counters;

/** What an {@link AgentRunner} counts, in {@link AgentRunner#counters()}. */
public enum AgentCounter implements Counters.Named {
    /** A command refused because the command queue was full. */
    COMMAND_QUEUE_FULL("command_queue_full"),
    /** A command that threw. */
    COMMAND_ERROR("command_error"),
    /** A duty cycle (or a wait) that threw. */
    WORK_ERROR("work_error");

    private final String key;

    AgentCounter(String key) {
        this.key = key;
    }

    @Override
    public String key() {
        return key;
    }
}
