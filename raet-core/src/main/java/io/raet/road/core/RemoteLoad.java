package io.raet.road.core;

import io.raet.road.RoadLimits;

/**
 * What one remote holds of the engine's bounded resources (see {@link RoadLimits}), and the bytes it may still
 * be sent in answer. Owned by the engine thread.
 */
final class RemoteLoad {
    /** Incoming messages of the remote being reassembled. */
    int incomplete;
    /** Bytes held for them (segment data plus {@link RoadLimits#SEGMENT_OVERHEAD} per segment). */
    long incompleteBytes;
    /** Messages to the remote being sent (the ones waiting for an allow are {@link Remote#pending}). */
    int outgoing;
    /** Bytes that may still be sent in answer to the remote. */
    long answerCredit;

    /** The remote sent {@code bytes}: the answer credit grows by {@code factor} times that, up to {@code cap}. */
    void heard(int bytes, RoadLimits limits) {
        answerCredit = Math.min(limits.answerCredit(), answerCredit + (long) limits.answerFactor() * bytes);
    }

    /** Spends credit for an answer of {@code bytes}; false (nothing spent) when there is not enough. */
    boolean answer(int bytes) {
        if (answerCredit < bytes) {
            return false;
        }
        answerCredit -= bytes;
        return true;
    }
}
