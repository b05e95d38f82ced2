package io.raet.route;

import java.util.Set;

/**
 * What a router knows about the world around it: its own estate name, the remote estates it can reach on the road,
 * and the yards on its lane. Consulted on every message, so an implementation may answer from live state (the road
 * engine's remotes, the lane's yards).
 */
public interface Topology {
    /**
     * {@return whether {@code estate} is a known remote estate on the road}
     *
     * @param estate the estate's name
     */
    boolean hasEstate(String estate);

    /**
     * {@return whether {@code yard} is a yard on this host's lane (other than the router's own)}
     *
     * @param yard the yard's name
     */
    boolean hasYard(String yard);

    /** {@return this estate's name} */
    String localEstate();

    /**
     * {@return whether the router has a road for {@code channel} ({@code ""}: the default road)} By default every
     * channel is free text carried on the one road, as before channels picked roads.
     *
     * @param channel the channel
     */
    default boolean hasChannel(String channel) {
        return true;
    }

    /**
     * {@return whether {@code estate} is a known remote on the road of {@code channel}; by default {@link #hasEstate}}
     *
     * @param estate the estate's name
     * @param channel the channel
     */
    default boolean hasEstate(String estate, String channel) {
        return hasEstate(estate);
    }

    /**
     * A fixed topology (the sets are copied).
     *
     * @param localEstate the router's estate name
     * @param estates the remote estates
     * @param yards the yards
     * @return the topology
     */
    static Topology of(String localEstate, Set<String> estates, Set<String> yards) {
        Set<String> e = Set.copyOf(estates);
        Set<String> y = Set.copyOf(yards);
        return new Topology() {
            @Override
            public boolean hasEstate(String estate) {
                return e.contains(estate);
            }

            @Override
            public boolean hasYard(String yard) {
                return y.contains(yard);
            }

            @Override
            public String localEstate() {
                return localEstate;
            }
        };
    }
}
