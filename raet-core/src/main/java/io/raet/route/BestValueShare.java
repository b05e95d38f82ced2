package io.raet.route;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A share that keeps only the latest message: each delivery replaces the value, readers see the newest. Safe to
 * read from any thread. The optional listener runs on the delivering thread after the value is replaced.
 */
public final class BestValueShare implements Share {
    private final String name;
    private final Consumer<FlowMessage> listener;
    private final AtomicReference<FlowMessage> value = new AtomicReference<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong replaced = new AtomicLong();

    /**
     * A share named {@code name}.
     *
     * @param name the share's name
     */
    public BestValueShare(String name) {
        this(name, null);
    }

    /**
     * A share named {@code name} that tells {@code listener} of every new value.
     *
     * @param name the share's name
     * @param listener gets every new value, or null
     */
    public BestValueShare(String name, Consumer<FlowMessage> listener) {
        this.name = Shares.checkName(name);
        this.listener = listener;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<FlowMessage> deliver(FlowMessage message) {
        if (value.getAndSet(message) != null) {
            replaced.incrementAndGet();
        }
        delivered.incrementAndGet();
        if (listener != null) {
            listener.accept(message);
        }
        return List.of();
    }

    /** {@return the newest message, or empty when none arrived (or after {@link #clear()})} */
    public Optional<FlowMessage> get() {
        return Optional.ofNullable(value.get());
    }

    /**
     * Forgets the value.
     *
     * @return the value it held, if any
     */
    public Optional<FlowMessage> clear() {
        return Optional.ofNullable(value.getAndSet(null));
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    /** {@return how many values were overwritten by a newer one before being cleared} */
    public long replaced() {
        return replaced.get();
    }

    @Override
    public String toString() {
        return "BestValueShare[" + name + "]";
    }
}
