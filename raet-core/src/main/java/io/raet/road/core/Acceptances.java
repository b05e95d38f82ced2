package io.raet.road.core;

import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;

/** The reference's acceptance table (spec §6.5). */
final class Acceptances {
    private Acceptances() {}

    /**
     * @param prior the stored acceptance of the role, or null when there is no record
     * @param sameKeys whether the stored keys equal the presented ones (ignored without a record)
     */
    static Acceptance decide(AutoMode auto, Acceptance prior, boolean sameKeys) {
        if (auto == AutoMode.ALWAYS) {
            return Acceptance.ACCEPTED;
        }
        if (prior == null) {
            return auto == AutoMode.ONCE ? Acceptance.ACCEPTED : Acceptance.PENDING;
        }
        return switch (prior) {
            case REJECTED -> Acceptance.REJECTED;
            case ACCEPTED -> sameKeys ? Acceptance.ACCEPTED : Acceptance.REJECTED;
            case PENDING -> sameKeys ? (auto == AutoMode.ONCE ? Acceptance.ACCEPTED : Acceptance.PENDING)
                    : Acceptance.REJECTED;
        };
    }
}
