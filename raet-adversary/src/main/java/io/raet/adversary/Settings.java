package io.raet.adversary;

import java.time.Duration;

/**
 * How long each phase of an attack lasts and how much each attack sends: a short run for the test command
 * ({@link #quick()}) and a longer one ({@link #full()}).
 *
 * @param before the legitimate peer's rate is measured this long before the attack
 * @param during the attack lasts this long (the rate measured meanwhile)
 * @param after the rate measured this long after the attack stopped
 * @param warmup the legitimate peer runs at most this long, until its rate is steady, before it is measured
 * @param settle pause between the end of the attack and the after-phase (a grace for queues to drain)
 * @param heapMb the {@code -Xmx} of every target process
 * @param openMessages incomplete messages opened by the unbounded-state attack
 * @param amplifiers segments claiming 65,535 segments, sent once per second
 * @param joinFlood joins of each join flood
 * @param joinHosts loopback addresses the join floods come from
 * @param window messages the legitimate peer keeps in flight
 */
record Settings(String name, Duration warmup, Duration before, Duration during, Duration after, Duration settle,
        int heapMb,
        int openMessages, int amplifiers, int joinFlood, int joinHosts, int window) {

    static Settings quick() {
        return new Settings("quick", Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(1500),
                Duration.ofMillis(1000), Duration.ofMillis(500), 256, 2000, 20, 400, 20, 16);
    }

    static Settings full() {
        return new Settings("full", Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(15), Duration.ofSeconds(6),
                Duration.ofSeconds(1), 256, 5000, 20, 4000, 200, 16);
    }
}
