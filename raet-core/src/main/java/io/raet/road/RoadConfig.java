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

    public RoadConfig {
        java.util.Objects.requireNonNull(sessionRenewal, "sessionRenewal (SessionRenewal.OFF for none)");
    }

    public static RoadConfig defaults() {
        return new RoadConfig(AutoMode.ONCE, false, BodyKind.JSON, HeadKind.RAET, 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(600), MessageOptions.DEFAULT, 10_000,
                RoadLimits.defaults(), HandshakeLimits.defaults(), SessionRenewal.defaults());
    }

    public RoadConfig withAuto(AutoMode a) {
        return new RoadConfig(a, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    public RoadConfig withMutable(boolean m) {
        return new RoadConfig(auto, m, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    public RoadConfig withBodyKind(BodyKind bk) {
        return new RoadConfig(auto, mutable, bk, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    public RoadConfig withHeadKind(HeadKind hk) {
        return new RoadConfig(auto, mutable, bodyKind, hk, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, sessionRenewal);
    }

    /** Heartbeat period; zero turns heartbeats off (presence then follows traffic only). */
    public RoadConfig withAliveInterval(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, d, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    public RoadConfig withMessageDefaults(MessageOptions o) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, o, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    public RoadConfig withReceiveTimeout(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, d, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits, handshakes, sessionRenewal);
    }

    /** Bounds kept whatever peers send (see {@link RoadLimits}). */
    public RoadConfig withLimits(RoadLimits l) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, l, handshakes, sessionRenewal);
    }

    /** Bounds on what join requests and automatic handshakes may make the engine do (see {@link HandshakeLimits}). */
    public RoadConfig withHandshakes(HandshakeLimits h) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, h, sessionRenewal);
    }

    public RoadConfig withTimeouts(Duration joiner, Duration joinent, Duration allow, Duration alive) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joiner, joinent, allow, alive,
                receiveTimeout, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote, limits,
                handshakes, sessionRenewal);
    }

    /**
     * Renews each session by a new allow once it is {@code maxAge} old or carried {@code maxBytes} of messages,
     * whichever comes first (zero turns either off; both zero: never). See {@link SessionRenewal}.
     */
    public RoadConfig withSessionRenewal(Duration maxAge, long maxBytes) {
        return withSessionRenewal(new SessionRenewal(maxAge, maxBytes));
    }

    public RoadConfig withSessionRenewal(SessionRenewal r) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits, handshakes, r);
    }
}
