package io.raet.road;

/**
 * A message was refused before it was sent: {@link RoadLimits#maxOutgoingPerRemote()} messages to the remote are
 * already being sent or waiting. Back pressure: try again once some of them completed.
 */
public final class OutgoingLimitException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String remote;
    private final int limit;

    public OutgoingLimitException(String remote, int limit) {
        super(limit + " messages to " + remote + " are already being sent or waiting (RoadLimits.maxOutgoingPerRemote)");
        this.remote = remote;
        this.limit = limit;
    }

    public String remote() {
        return remote;
    }

    public int limit() {
        return limit;
    }

    /** Always {@link DeliveryFailure#OUTGOING_LIMIT}: the reason as a {@link DeliveryException} would give it. */
    public DeliveryFailure reason() {
        return DeliveryFailure.OUTGOING_LIMIT;
    }
}
