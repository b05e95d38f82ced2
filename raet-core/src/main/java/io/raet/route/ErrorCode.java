package io.raet.route;

import java.util.Optional;

/** The {@code code} of an {@code err} message. */
public enum ErrorCode {
    /** The authorization table refused the destination for the sender's role. */
    DENIED("denied"),
    /** No such estate (not a known remote) or no such yard on the destination estate. */
    UNKNOWN_DESTINATION("unknown_destination"),
    /** The destination yard has no share by that name. */
    UNKNOWN_SHARE("unknown_share"),
    /** The message is not a valid routed message (missing or malformed {@code route}, fields of a wrong type). */
    BAD_ROUTE("bad_route"),
    /**
     * No answer in time (produced locally by the service helpers), or a router could not hand the message on in
     * time (the next estate or yard did not take it).
     */
    TIMEOUT("timeout"),
    /** The service that received the request failed while handling it. */
    FAILED("failed"),
    /** The destination names a channel the router has no road for (docs/routing.md, channels). */
    UNKNOWN_CHANNEL("unknown_channel"),
    /**
     * The next hop refused the message: a router's bound for its source was hit (its share of a yard's queue, the
     * messages in flight to an estate), the estate refused it on the road, or the source is restricted for its
     * behaviour. The text says which.
     */
    REFUSED("refused");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** {@return the spelling in messages} */
    public String wire() {
        return wire;
    }

    /**
     * {@return the code spelled {@code s}, if this implementation knows it}
     *
     * @param s the code as the message spells it
     */
    public static Optional<ErrorCode> fromWire(String s) {
        for (ErrorCode c : values()) {
            if (c.wire.equals(s)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
