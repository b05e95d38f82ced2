package io.raet.adversary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of the table: an attack, the target's counters, the legitimate peer's rate before, during and after,
 * the target's memory, and the verdict with its reasons. Criteria (issue 10): the legitimate peer keeps at least
 * half its rate during the attack and {@value #AFTER_SHARE} of it after; peak memory stays within the bound; the
 * target still answers (no owner thread died, no {@code OutOfMemoryError}); nothing is delivered twice; the keep
 * does not grow from unauthenticated traffic. Each attack adds the criteria that apply to it.
 */
final class Row {
    static final double DURING_SHARE = 0.5;
    static final double AFTER_SHARE = 0.8;

    final String attack;
    final String target;
    String counters = "";
    double before = Double.NaN;
    double during = Double.NaN;
    double after = Double.NaN;
    long rssBeforeKb = -1;
    long rssPeakKb = -1;
    long rssAfterKb = -1;
    final List<String> failures = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** How many of the failures are the legitimate peer's rates (noise on a busy machine can cause those). */
    int rateFailures;

    Row(String attack, String target) {
        this.attack = attack;
        this.target = target;
    }

    boolean held() {
        return failures.isEmpty();
    }

    /** Failed only on the legitimate peer's rates (worth a second run before the verdict stands). */
    boolean failedOnRatesOnly() {
        return !failures.isEmpty() && failures.size() == rateFailures;
    }

    String verdict() {
        return held() ? "held" : "FAILED";
    }

    Row fail(String why) {
        failures.add(why);
        return this;
    }

    Row note(String what) {
        notes.add(what);
        return this;
    }

    Row counters(String text) {
        this.counters = text;
        return this;
    }

    Row rates(double before, double during, double after) {
        this.before = before;
        this.during = during;
        this.after = after;
        return this;
    }

    /** The legitimate peer keeps half its rate during the attack (when {@code judgeDuring}) and most of it after. */
    Row judgeRates(boolean judgeDuring) {
        if (Double.isNaN(before)) {
            return this;
        }
        if (before <= 0) {
            return fail("the legitimate peer got nothing through even before the attack");
        }
        if (judgeDuring && !(during >= DURING_SHARE * before)) {
            fail(String.format(Locale.ROOT, "legitimate rate during the attack %.0f < %.0f%% of %.0f msgs/s",
                    during, DURING_SHARE * 100, before));
            rateFailures++;
        }
        if (!(after >= AFTER_SHARE * before)) {
            fail(String.format(Locale.ROOT, "legitimate rate after the attack %.0f < %.0f%% of %.0f msgs/s",
                    after, AFTER_SHARE * 100, before));
            rateFailures++;
        }
        return this;
    }

    /** Peak resident memory within {@code boundKb}. */
    Row judgeMemory(long boundKb) {
        if (rssPeakKb > boundKb) {
            fail(String.format(Locale.ROOT, "peak RSS %d MiB above the bound of %d MiB", rssPeakKb / 1024,
                    boundKb / 1024));
        }
        return this;
    }

    static String rate(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.0f", r);
    }

    static String mib(long kb) {
        return kb < 0 ? "n/a" : String.valueOf((kb + 512) / 1024);
    }
}
