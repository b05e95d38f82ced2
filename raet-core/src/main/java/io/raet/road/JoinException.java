package io.raet.road;

import java.net.InetSocketAddress;

/**
 * A join failed. {@link #reason()} says what the remote answered when it answered ({@code rejected},
 * {@code refused}, {@code nacked}), {@code timeout} or {@code timeout while pending acceptance}, or why this
 * estate refused the answer.
 */
public final class JoinException extends IllegalStateException {
    private final String remote;
    private final InetSocketAddress address;
    private final String reason;

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

    public InetSocketAddress address() {
        return address;
    }

    public String reason() {
        return reason;
    }
}
