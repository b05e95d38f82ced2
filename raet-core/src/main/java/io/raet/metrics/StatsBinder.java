package io.raet.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * A {@link MeterBinder} over the counters and levels a RAET stack reports by name. Counters that first appear
 * after {@link #bindTo} get their meters at the next {@link #refresh()}; call it before each scrape, or now and
 * then, to have new drop reasons and outcomes show up.
 */
public interface StatsBinder extends MeterBinder {
    /** Reads the counters and levels now and registers a meter for every name not seen before. */
    void refresh();
}
