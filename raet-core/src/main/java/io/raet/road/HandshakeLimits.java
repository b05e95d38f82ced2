package io.raet.road;

/**
 * Bounds on what unauthenticated join requests and automatic handshakes can make an estate do. Join packets are
 * neither signed nor encrypted, so anyone can send them from anywhere; every limit has a counter when it is hit.
 *
 * @param joinsPerSecond new join requests admitted per second from one host (IP address, any port); beyond it
 *     requests are dropped ({@code drop_rate_limited})
 * @param joinBurst burst of new join requests admitted from one host
 * @param joinsPerHost join correspondents in progress for one host ({@code drop_join_capacity} beyond)
 * @param joins join correspondents in progress in all ({@code drop_join_capacity} beyond)
 * @param pendingJoins joins held pending an operator's decision, in memory only; beyond it a join that would pend
 *     is refused ({@code pending_joins_full})
 * @param unprovenRemotes remotes that completed a join but never yet sent a packet signed with the keys they
 *     presented; beyond it the oldest is forgotten ({@code unproven_remote_evicted}). They are kept in memory only.
 * @param handshakesPerSecond handshakes (allows) the estate starts on its own, for heartbeats, per second in all;
 *     a remote whose automatic handshake fails waits longer before the next one (up to five minutes)
 */
public record HandshakeLimits(double joinsPerSecond, int joinBurst, int joinsPerHost, int joins, int pendingJoins,
        int unprovenRemotes, double handshakesPerSecond) {

    /**
     * Checks every bound.
     *
     * @throws IllegalArgumentException when a bound is not positive (or {@code pendingJoins} negative)
     */
    public HandshakeLimits {
        if (!(joinsPerSecond > 0) || joinBurst < 1 || joinsPerHost < 1 || joins < 1 || pendingJoins < 0
                || unprovenRemotes < 1 || !(handshakesPerSecond > 0)) {
            throw new IllegalArgumentException("handshake limits must be positive (pendingJoins may be 0)");
        }
    }

    /**
     * {@return the defaults: 20 joins a second and a burst of 40 per host, 64 joins in progress per host and 1,024 in
     * all, 64 pending joins, 1,024 unproven remotes, 20 automatic handshakes a second}
     */
    public static HandshakeLimits defaults() {
        return new HandshakeLimits(20.0, 40, 64, 1024, 64, 1024, 20.0);
    }

    /**
     * {@return these limits with another bound on pending joins}
     *
     * @param n joins held pending at most
     */
    public HandshakeLimits withPendingJoins(int n) {
        return new HandshakeLimits(joinsPerSecond, joinBurst, joinsPerHost, joins, n, unprovenRemotes,
                handshakesPerSecond);
    }

    /**
     * {@return these limits with another bound on unproven remotes}
     *
     * @param n unproven remotes kept at most
     */
    public HandshakeLimits withUnprovenRemotes(int n) {
        return new HandshakeLimits(joinsPerSecond, joinBurst, joinsPerHost, joins, pendingJoins, n,
                handshakesPerSecond);
    }

    /**
     * {@return these limits with another rate of automatic handshakes}
     *
     * @param rate handshakes a second in all
     */
    public HandshakeLimits withHandshakesPerSecond(double rate) {
        return new HandshakeLimits(joinsPerSecond, joinBurst, joinsPerHost, joins, pendingJoins, unprovenRemotes,
                rate);
    }

    /**
     * {@return these limits with another join rate per host}
     *
     * @param perSecond new join requests a second from one host
     * @param burst the burst from one host
     */
    public HandshakeLimits withJoinRate(double perSecond, int burst) {
        return new HandshakeLimits(perSecond, burst, joinsPerHost, joins, pendingJoins, unprovenRemotes,
                handshakesPerSecond);
    }
}
