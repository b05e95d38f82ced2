package io.raet.agent;

/** The agent's runner closed: a command was not run. The cause, when set, is what closed it. */
public final class AgentClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public AgentClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
