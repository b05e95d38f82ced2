/**
 * RAET: secure, reliable messaging over UDP between estates (the road), over Unix-domain datagram sockets between
 * the yards of one host (the lane), and routed flows between the yards of many hosts (the router).
 *
 * <p>What an application uses: {@link io.raet.road} (an estate on one UDP socket), {@link io.raet.lane} (a yard of
 * a lane), {@link io.raet.route} and {@link io.raet.router} (routed flows, policies, a router and its yards),
 * {@link io.raet.keep} (the keys and remotes kept on disk), {@link io.raet.trust} (the governed policy chain),
 * {@link io.raet.metrics} (Micrometer binders), {@link io.raet.crypto} (the keys and the libsodium primitives they
 * use) and {@link io.raet.codec} (the wire format: packets, pages, bodies). The protocol engines
 * ({@code io.raet.road.core}, {@code io.raet.lane.core}), the owner-thread model ({@code io.raet.agent}) and the
 * shared data structures ({@code io.raet.util}) are internal and not exported.
 *
 * <p>libsodium is called through the FFM API: run with {@code --enable-native-access=io.raet} (on the module path)
 * or {@code --enable-native-access=ALL-UNNAMED} (on the class path).
 */
// micrometer-core and msgpack-core are automatic modules: micrometer-core names itself in its manifest,
// msgpack-core is named after its jar (msgpack.core)
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.raet {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive micrometer.core;
    requires msgpack.core;
    requires org.slf4j;

    exports io.raet.codec;
    exports io.raet.crypto;
    exports io.raet.keep;
    exports io.raet.lane;
    exports io.raet.metrics;
    exports io.raet.road;
    exports io.raet.route;
    exports io.raet.router;
    exports io.raet.trust;
}
