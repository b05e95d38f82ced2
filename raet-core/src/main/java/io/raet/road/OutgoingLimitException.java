package io.raet.road;

/**
 * A message was refused before it was sent: {@link RoadLimits#maxOutgoingPerRemote()} messages to the remote are
 * already being sent or waiting. Back pressure: try again once some of them completed.
 */
public final class OutgoingLimitException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    /** The remote's name. */
    private final String remote;
    /** The bound that was reached. */
    private final int limit;

    /**
     * A send refused at the bound.
     *
     * @param remote the remote's name
     * @param limit the bound reached, {@link RoadLimits#maxOutgoingPerRemote()}
     */
    public OutgoingLimitException(String remote, int limit) {
        super(limit + " messages to " + remote + " are already being sent or waiting (RoadLimits.maxOutgoingPerRemote)");
        this.remote = remote;
        this.limit = limit;
    }

    /** {@return the remote's name} */
    public String remote() {
        return remote;
    }

    /** {@return the bound that was reached} */
    public int limit() {
        return limit;
    }

    /**
     * Always {@link DeliveryFailure#OUTGOING_LIMIT}: the reason as a {@link DeliveryException} would give it.
     *
     * @return {@link DeliveryFailure#OUTGOING_LIMIT}
     */
    public DeliveryFailure reason() {
        return DeliveryFailure.OUTGOING_LIMIT;
    }
}
