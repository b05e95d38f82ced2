package io.raet.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** A binder made of others: binds and refreshes each in turn. */
abstract class CompositeBinder implements StatsBinder {
    private final List<StatsBinder> parts;

    CompositeBinder(List<StatsBinder> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (StatsBinder b : parts) {
            b.bindTo(registry);
        }
    }

    @Override
    public void refresh() {
        for (StatsBinder b : parts) {
            b.refresh();
        }
    }
}
