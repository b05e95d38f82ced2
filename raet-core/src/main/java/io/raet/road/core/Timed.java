package io.raet.road.core;

/**
 * Something the engine's timer queue wakes: a transaction (its redo and timeout) or a peer's send window (its
 * pacing). {@link TxContext#schedule} (re)arms it at {@link #nextDeadline()}; arming again, or ending the
 * transaction, makes the earlier entry stale ({@link #timerGeneration}).
 */
abstract class Timed {
    /** Bumped at every (re)arming: a queued entry of an older generation is stale. */
    int timerGeneration;

    /** When it wants to run next (nanoseconds, the engine's clock), or -1 for never. */
    abstract long nextDeadline();

    /** Its time came. */
    abstract void fire(long now);
}
