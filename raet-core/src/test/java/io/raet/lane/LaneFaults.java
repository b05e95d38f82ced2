package io.raet.lane;

/** Faults put into a lane stack's owner thread, for tests of its owners. */
public final class LaneFaults {
    private LaneFaults() {}

    /** The next message {@code stack} receives throws {@code error} on its owner thread. */
    public static void failOnNextMessage(LaneStack stack, Error error) {
        stack.receivedHook = m -> {
            throw error;
        };
    }
}
