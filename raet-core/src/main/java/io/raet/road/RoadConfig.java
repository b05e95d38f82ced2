package io.raet.road;

import io.raet.codec.BodyKind;
import io.raet.codec.HeadKind;
import io.raet.keep.AutoMode;
import java.time.Duration;

/**
 * Behaviour settings of a road engine. Defaults follow the reference (raet 0.6.8) where that is safe, and are
 * stricter where the reference is weak: messages have a finite timeout, and an idle incomplete reception is
 * dropped. {@link #limits()} bounds what peers can make the engine hold or send.
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
        RoadLimits limits) {

    public static RoadConfig defaults() {
        return new RoadConfig(AutoMode.ONCE, true, BodyKind.JSON, HeadKind.RAET, 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(600), MessageOptions.DEFAULT, 10_000,
                RoadLimits.defaults());
    }

    public RoadConfig withAuto(AutoMode a) {
        return new RoadConfig(a, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits);
    }

    public RoadConfig withMutable(boolean m) {
        return new RoadConfig(auto, m, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits);
    }

    public RoadConfig withBodyKind(BodyKind bk) {
        return new RoadConfig(auto, mutable, bk, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits);
    }

    public RoadConfig withHeadKind(HeadKind hk) {
        return new RoadConfig(auto, mutable, bodyKind, hk, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, limits);
    }

    /** Heartbeat period; zero turns heartbeats off (presence then follows traffic only). */
    public RoadConfig withAliveInterval(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, d, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits);
    }

    public RoadConfig withMessageDefaults(MessageOptions o) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, o, maxPendingPerRemote,
                limits);
    }

    public RoadConfig withReceiveTimeout(Duration d) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, d, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits);
    }

    /** Bounds kept whatever peers send (see {@link RoadLimits}). */
    public RoadConfig withLimits(RoadLimits l) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joinerTimeout, joinentTimeout,
                allowTimeout, aliveTimeout, receiveTimeout, aliveInterval, staleTidWindow, messageDefaults,
                maxPendingPerRemote, l);
    }

    public RoadConfig withTimeouts(Duration joiner, Duration joinent, Duration allow, Duration alive) {
        return new RoadConfig(auto, mutable, bodyKind, headKind, maxPacketSize, joiner, joinent, allow, alive,
                receiveTimeout, aliveInterval, staleTidWindow, messageDefaults, maxPendingPerRemote,
                limits);
    }
}
