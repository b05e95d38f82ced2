package io.raet.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.trust.Restrictions.Admission;
import io.raet.trust.Restrictions.Event;
import io.raet.trust.Restrictions.Level;
import io.raet.trust.Restrictions.Offence;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restriction overlay on a virtual clock: throttled, then denied, then free again after the cooling period. */
class RestrictionsTest {
    static final long MS = 1_000_000L;
    static final long S = 1000 * MS;

    /** Throttle at 10, deny at 30, half-life 10 s, cooling 20 s, 5 messages a second when throttled. */
    static Restrictions.Settings settings() {
        return Restrictions.Settings.defaults().withLevels(10, 30)
                .withTimes(Duration.ofSeconds(10), Duration.ofSeconds(20)).withRates(5, 1000, 2000);
    }

    /** Messages of {@code source} for {@code seconds}, {@code perSecond} evenly; how many passed. */
    static int send(Restrictions r, String source, long[] clock, int seconds, int perSecond) {
        int passed = 0;
        long step = S / perSecond;
        for (int i = 0; i < seconds * perSecond; i++) {
            clock[0] += step;
            if (r.admit(source, clock[0]).passes()) {
                passed++;
            }
        }
        return passed;
    }

    @Test
    void aMisbehavingSourceIsThrottledThenDeniedWhileOthersAreNotAndRecoversAfterCooling() {
        Restrictions r = new Restrictions(settings().withWeight(Offence.THROTTLED, 0));
        long[] clock = {0};
        // mallory sends to denied destinations, 5 a second; alice behaves
        for (int i = 0; i < 12; i++) {
            clock[0] += 200 * MS;
            assertThat(r.admit("estate:mallory", clock[0])).isEqualTo(Admission.PASS);
            r.offend("estate:mallory", Offence.DENIED, clock[0]);
            assertThat(r.admit("estate:alice", clock[0])).isEqualTo(Admission.PASS);
        }
        assertThat(r.level("estate:mallory", clock[0])).isEqualTo(Level.THROTTLED);
        List<Event> events = r.poll();
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.Restricted.class, e -> {
            assertThat(e.source()).isEqualTo("estate:mallory");
            assertThat(e.level()).isEqualTo(Level.THROTTLED);
            assertThat(e.reason()).isEqualTo(Offence.DENIED);
        });
        // throttled: 5 of 100 a second pass (after a burst of 5)
        assertThat(send(r, "estate:mallory", clock, 2, 100)).isBetween(13, 16);
        assertThat(send(r, "estate:alice", clock, 2, 100)).isEqualTo(200);
        // more offences: denied for the cooling period
        for (int i = 0; i < 25; i++) {
            r.offend("estate:mallory", Offence.BAD_ROUTE, clock[0]);
        }
        assertThat(r.level("estate:mallory", clock[0])).isEqualTo(Level.DENIED);
        assertThat(r.poll()).singleElement().isInstanceOfSatisfying(Event.Restricted.class, e -> {
            assertThat(e.level()).isEqualTo(Level.DENIED);
            assertThat(e.until()).isEqualTo(clock[0] + 20 * S);
        });
        assertThat(send(r, "estate:mallory", clock, 10, 10)).isZero();
        assertThat(send(r, "estate:alice", clock, 10, 10)).isEqualTo(100);
        // quiet through the rest of the cooling period: the score decayed below the throttle level, free again
        clock[0] += 11 * S;
        assertThat(r.level("estate:mallory", clock[0])).isEqualTo(Level.NONE);
        assertThat(r.poll()).singleElement().isEqualTo(new Event.Lifted("estate:mallory", Level.DENIED, Level.NONE));
        assertThat(send(r, "estate:mallory", clock, 1, 100)).isEqualTo(100);
        assertThat(r.stats()).containsEntry("restricted", 2L).containsEntry("restriction_lifted", 1L)
                .containsEntry("offences_denied", 12L).containsEntry("offences_bad_route", 25L);
        assertThat(r.stats().get("refused_denied")).isEqualTo(100L);
    }

    @Test
    void aFloodAboveTheRateIsItsOwnOffenceAndKeepsTheSourceRestrictedWhileItLasts() {
        Restrictions r = new Restrictions(settings());
        long[] clock = {0};
        // 5,000 a second against a threshold of 1,000 (burst 2,000): restricted within the second second
        int passed = send(r, "yard:flood", clock, 3, 5000);
        assertThat(r.level("yard:flood", clock[0])).isEqualTo(Level.DENIED);
        assertThat(passed).isLessThan(12_000);
        // still flooding when the cooling period ends: denied again at once
        send(r, "yard:flood", clock, 25, 2000);
        assertThat(r.level("yard:flood", clock[0])).isEqualTo(Level.DENIED);
        // it stops: bounded recovery (the score is capped at twice the deny level)
        clock[0] += 60 * S;
        assertThat(r.level("yard:flood", clock[0])).isEqualTo(Level.NONE);
        assertThat(r.score("yard:flood", clock[0])).isLessThan(10);
        // at the rate threshold nothing counts
        Restrictions calm = new Restrictions(settings());
        assertThat(send(calm, "yard:busy", new long[] {0}, 10, 1000)).isEqualTo(10_000);
        assertThat(calm.stats()).doesNotContainKey("offences_rate");
    }

    @Test
    void aSourceAskingFasterThanItIsAnsweredIsRestrictedAQuickAskerIsNot() {
        Restrictions r = new Restrictions(settings().withRates(5, 1_000_000, 1_000_000).withOpenRequests(100));
        long t = 0;
        // 20,000 requests in a second, each answered at once: never more than one open
        for (int i = 0; i < 20_000; i++) {
            t += 50_000;
            r.requested("yard:quick", t);
            r.answered("yard:quick", t);
        }
        assertThat(r.level("yard:quick", t)).isEqualTo(Level.NONE);
        // 2,000 requests a second to a service answering 200 of them
        for (int i = 0; i < 2000; i++) {
            t += 500_000;
            r.requested("yard:flood", t);
            if (i % 10 == 0) {
                r.answered("yard:flood", t);
            }
        }
        assertThat(r.level("yard:flood", t)).isNotEqualTo(Level.NONE);
        assertThat(r.stats().get("offences_unanswered")).isPositive();
        assertThat(r.stats()).doesNotContainKey("offences_rate");
    }

    @Test
    void aThrottledSourceThatKeepsSendingIsDenied() {
        Restrictions r = new Restrictions(settings());
        long[] clock = {0};
        for (int i = 0; i < 12; i++) {
            r.offend("yard:w", Offence.DENIED, clock[0]);
        }
        assertThat(r.level("yard:w", clock[0])).isEqualTo(Level.THROTTLED);
        int passed = send(r, "yard:w", clock, 1, 100);
        assertThat(r.level("yard:w", clock[0])).isEqualTo(Level.DENIED);
        assertThat(passed).isLessThanOrEqualTo(10);
        assertThat(r.stats().get("offences_throttled")).isGreaterThanOrEqualTo(30L);
    }

    @Test
    void aThrottledSourceIsFreedOnceItsScoreHalvedAndOffAllows() {
        Restrictions r = new Restrictions(settings());
        long[] clock = {0};
        for (int i = 0; i < 12; i++) {
            r.offend("yard:w", Offence.DENIED, clock[0]);
        }
        assertThat(r.level("yard:w", clock[0])).isEqualTo(Level.THROTTLED);
        clock[0] += 10 * S; // 12 → 6: still above 5
        assertThat(r.level("yard:w", clock[0])).isEqualTo(Level.THROTTLED);
        clock[0] += 3 * S;
        r.tick(clock[0]);
        assertThat(r.restricted()).isEmpty();
        Restrictions off = new Restrictions(Restrictions.Settings.off());
        for (int i = 0; i < 1000; i++) {
            off.offend("yard:w", Offence.BAD_SIGNATURE, 0);
        }
        assertThat(off.admit("yard:w", 0)).isEqualTo(Admission.PASS);
        assertThat(off.poll()).isEmpty();
    }

    @Test
    void theTableOfSourcesIsBounded() {
        Restrictions r = new Restrictions(settings().withMaxSources(3));
        for (int i = 0; i < 10; i++) {
            r.admit("yard:y" + i, i);
        }
        assertThat(r.stats()).containsEntry("sources_forgotten", 7L);
    }
}
