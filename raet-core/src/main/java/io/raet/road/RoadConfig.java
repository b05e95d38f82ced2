package io.raet.road;

import io.raet.codec.BodyKind;
import io.raet.codec.HeadKind;
import io.raet.keep.AutoMode;
import java.time.Duration;

/**
 * Behaviour settings of a road engine. Defaults follow the reference (raet 0.6.8) where that is safe, and are
 * stricter where the reference is weak: messages have a finite timeout, and an idle incomplete reception is
 * dropped. {@link #limits()} bounds what peers can make the engine hold or send.
 *
 * <p>{@code mutable} (false by default, as in the reference) lets a join change the name, id, mode and kind a
 * known remote has, and an authenticated allow move it to a new address. Whatever it says, a join never changes
 * the keys or the role a name is bound to, and never moves a remote. {@code handshakes} bounds what join requests
 * and automatic handshakes may make the engine do. {@code sessionRenewal} says when a session is renewed by a new
 * allow (forward secrecy; {@link SessionRenewal#defaults()}: every hour or GiB).
 *
 * @param auto how joins from unknown estates are accepted
 * @param mutable whether a join may change what a known remote has, and an allow move it
 * @param bodyKind how message bodies are serialized
 * @param headKind the head kind of sent packets
 * @param maxPacketSize the largest datagram sent; larger messages are segmented
 * @param joinerTimeout how long a join this estate starts may take
 * @param joinentTimeout how long a join from another estate may take
 * @param allowTimeout how long an allow may take; once the remote's cookie came, as long again from the initiate (the
 *     remote opens its session when it acks that, and re-sends the ack as long)
 * @param aliveTimeout how long a heartbeat waits for its answer
 * @param receiveTimeout how long an incoming message may receive nothing new before it is dropped
 * @param aliveInterval the heartbeat period (zero: no heartbeats)
 * @param staleTidWindow how long the ids of completed messages are remembered, so that late copies are answered, not
 *     delivered again
 * @param messageDefaults the options of a message sent without any
 * @param maxPendingPerRemote the most messages waiting for a session with one remote
 * @param limits the bounds on what peers can make the engine hold or send
 * @param handshakes the bounds on what joins and automatic handshakes can make the engine do
 * @param sessionRenewal when a session is renewed
 */
public record RoadConfig(
        AutoMode auto,
        boolean mutable,
        BodyKind bodyKind,
        HeadKind headKind,
        int maxPacketSize,
        Duration joinerTimeout,
        Duration joinentTimeout,
        Duration allowTimeout,
        Duration aliveTimeout,
        Duration receiveTimeout,
        Duration aliveInterval,
        Duration staleTidWindow,
        MessageOptions messageDefaults,
        int maxPendingPerRemote,
        RoadLimits limits,
        HandshakeLimits handshakes,
        SessionRenewal sessionRenewal) {

    /**
     * Checks that a session renewal is given.
     *
     * @throws NullPointerException when it is null ({@link SessionRenewal#OFF} for none)
     */
    public RoadConfig {
        java.util.Objects.requireNonNull(sessionRenewal, "sessionRenewal (SessionRenewal.OFF for none)");
    }

    /**
     * {@return the defaults: the reference's timeouts and packet size, auto mode {@code once}, JSON bodies, RAET heads,
     * 30 s messages, heartbeats every second, {@link RoadLimits#defaults()}, {@link HandshakeLimits#defaults()} and
     * {@link SessionRenewal#defaults()}}
     */
    public static RoadConfig defaults() {
        return new RoadConfig(AutoMode.ONCE, false, BodyKind.JSON, HeadKind.RAET, 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(600), MessageOptions.DEFAULT, 10_000,
                RoadLimits.defaults(), HandshakeLimits.defaults(), SessionRenewal.defaults());
    }

    /**
     * {@return these settings with another auto mode}
     *
     * @param a how joins from unknown estates are accepted
     */
    public RoadConfig withAuto(AutoMode a) {
        return new RoadConfig(a, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    /**
     * {@return these settings, mutable or not}
     *
     * @param m whether a join may change what a known remote has
     */
    public RoadConfig withMutable(boolean m) {
        return new RoadConfig(auto, m, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    /**
     * {@return these settings with another body kind}
     *
     * @param bk how message bodies are serialized
     */
    public RoadConfig withBodyKind(BodyKind bk) {
        return new RoadConfig(auto, mutable, bk, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    /**
     * {@return these settings with another head kind}
     *
     * @param hk the head kind of sent packets
     */
    public RoadConfig withHeadKind(HeadKind hk) {
        return new RoadConfig(auto, mutable, bodyKind, hk, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    /**
     * Heartbeat period; zero turns heartbeats off (presence then follows traffic only).
     *
     * @param d the period
     * @return these settings with another heartbeat period
     */
    public RoadConfig withAliveInterval(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, d, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    /**
     * {@return these settings with other message defaults}
     *
     * @param o the options of a message sent without any
     */
    public RoadConfig withMessageDefaults(MessageOptions o) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, o, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    /**
     * {@return these settings with another receive timeout}
     *
     * @param d how long an incoming message may receive nothing new
     */
    public RoadConfig withReceiveTimeout(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, d, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    /**
     * Bounds kept whatever peers send (see {@link RoadLimits}).
     *
     * @param l the bounds
     * @return these settings with other limits
     */
    public RoadConfig withLimits(RoadLimits l) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, l, handshakes, sessionRenewal);
    }

    /**
     * Bounds on what join requests and automatic handshakes may make the engine do (see {@link HandshakeLimits}).
     *
     * @param h the bounds
     * @return these settings with other handshake limits
     */
    public RoadConfig withHandshakes(HandshakeLimits h) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, h, sessionRenewal);
    }

    /**
     * {@return these settings with other handshake timeouts}
     *
     * @param joiner how long a join this estate starts may take
     * @param joinent how long a join from another estate may take
     * @param allow how long an allow may take
     * @param alive how long a heartbeat waits for its answer
     */
    public RoadConfig withTimeouts(Duration joiner, Duration joinent, Duration allow, Duration alive) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joiner, joinent, allow, alive,
                receiveTimeout, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote, limits,
                handshakes, sessionRenewal);
    }

    /**
     * Renews each session by a new allow once it is {@code maxAge} old or carried {@code maxBytes} of messages,
     * whichever comes first (zero turns either off; both zero: never). See {@link SessionRenewal}.
     *
     * @param maxAge the age at which a session is renewed
     * @param maxBytes the message bytes after which it is renewed
     * @return these settings with another session renewal
     */
    public RoadConfig withSessionRenewal(Duration maxAge, long maxBytes) {
        return withSessionRenewal(new SessionRenewal(maxAge, maxBytes));
    }

    /**
     * {@return these settings with another session renewal}
     *
     * @param r when a session is renewed
     */
    public RoadConfig withSessionRenewal(SessionRenewal r) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, r);
    }
}
