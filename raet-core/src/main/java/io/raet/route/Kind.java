package io.raet.route;

import java.util.Optional;

/** The {@code kind} of a routed message. */
public enum Kind {
    /** Plain message (the default when {@code kind} is missing). */
    MSG("msg"),
    /** Request; expects a {@code rsp} (or {@code err}) with {@code re} = its {@code id}. */
    REQ("req"),
    /** Response to a {@code req}. */
    RSP("rsp"),
    /** Acknowledgement of an {@code ackd} message. */
    ACK("ack"),
    /** Acknowledged delivery: re-sent until an {@code ack} arrives. */
    ACKD("ackd"),
    /** Publish to a topic share. */
    PUB("pub"),
    /** Subscribe {@code src} to a topic share. */
    SUB("sub"),
    /** Unsubscribe {@code src} from a topic share. */
    UNSUB("unsub"),
    /** Error; never answered with another error. */
    ERR("err");

    private final String wire;

    Kind(String wire) {
        this.wire = wire;
    }

    /** {@return the spelling in messages} */
    public String wire() {
        return wire;
    }

    /** {@return whether this kind answers another message through {@code re}} */
    public boolean isAnswer() {
        return this == RSP || this == ACK || this == ERR;
    }

    /**
     * {@return the kind spelled {@code s}, if it is one}
     *
     * @param s the kind as the message spells it
     */
    public static Optional<Kind> fromWire(String s) {
        for (Kind k : values()) {
            if (k.wire.equals(s)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
