package io.raet.road;

import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import java.net.InetSocketAddress;

/**
 * A remote estate as a stack knows it at one moment ({@link RoadStack#remotes()}).
 *
 * @param name its name, or null while a join by address has not been answered
 * @param address where it is reached
 * @param role its role, from its join
 * @param main whether it is a main estate
 * @param kind its kind, a number the application gives
 * @param uid our id for it; {@code fuid} is its id for us
 * @param fuid its id for us
 * @param sid our current session id with it (0 before the first allow)
 * @param verifyKey its long-term signing key (null before a join)
 * @param publicKey its long-term Curve25519 key (null before a join)
 * @param proven its name is bound to these keys and kept: it signed with them, came from the keep, or answered a
 *     join we started
 * @param joined keys are exchanged
 * @param allowed a session is open
 * @param alive it answered lately
 */
public record RemoteInfo(String name, InetSocketAddress address, String role, boolean main, int kind, long uid,
        long fuid, long sid, VerifyKey verifyKey, PublicKey publicKey, boolean proven, boolean joined, boolean allowed,
        boolean alive) {}
