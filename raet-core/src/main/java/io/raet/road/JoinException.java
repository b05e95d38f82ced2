package io.raet.road;

import java.net.InetSocketAddress;

/**
 * A join failed. {@link #reason()} says what the remote answered when it answered ({@code rejected},
 * {@code refused}, {@code nacked}), {@code timeout} or {@code timeout while pending acceptance}, or why this
 * estate refused the answer.
 */
public final class JoinException extends IllegalStateException {
    /** The remote's name, or its address when it had none yet. */
    private final String remote;
    /** The address joined. */
    private final InetSocketAddress address;
    /** Why the join failed. */
    private final String reason;

    /**
     * A failed join.
     *
     * @param remote the remote's name, or its address when it had none yet
     * @param address the address joined
     * @param reason why the join failed
     */
    public JoinException(String remote, InetSocketAddress address, String reason) {
        super("join failed: " + reason);
        this.remote = remote;
        this.address = address;
        this.reason = reason;
    }

    /** {@return the remote's name, or its address when it had none yet} */
    public String remote() {
        return remote;
    }

    /** {@return the address joined} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return why the join failed: what the remote answered, {@code timeout}, or why its answer was refused} */
    public String reason() {
        return reason;
    }
}
