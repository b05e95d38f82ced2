package io.raet.route;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The sending side of sequential flows: numbers messages {@code seq} 0, 1, 2, … per flow, a flow being a
 * (src, dst) pair of addresses (the channel is part of each address). Messages without an id get a fresh one.
 * Thread safe.
 */
public final class Sequencer {
    private record Flow(Address src, Address dst) {}

    private final Supplier<String> ids;
    private final Map<Flow, Long> next = new HashMap<>();

    /**
     * A sequencer whose message ids come from {@code ids}.
     *
     * @param ids where message ids come from
     */
    public Sequencer(Supplier<String> ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** A sequencer with random ids. */
    public Sequencer() {
        this(Ids.random());
    }

    /**
     * {@return a {@code msg} from {@code src} to {@code dst} with the flow's next {@code seq}}
     *
     * @param src the source
     * @param dst the destination
     * @param data the {@code data}
     */
    public FlowMessage next(Address src, Address dst, Object data) {
        return next(FlowMessage.msg(src, dst, data));
    }

    /**
     * {@code m} with its flow's next {@code seq} (and an id when it has none).
     *
     * @param m the message
     * @return the numbered message
     */
    public FlowMessage next(FlowMessage m) {
        long seq;
        synchronized (this) {
            seq = next.merge(new Flow(m.src(), m.dst()), 1L, Long::sum) - 1;
        }
        FlowMessage out = m.id() == null ? m.with("id", ids.get()) : m;
        return out.with("seq", seq);
    }

    /**
     * Starts the flow over at 0 (the receiver must be reset too).
     *
     * @param src the flow's source
     * @param dst the flow's destination
     */
    public synchronized void reset(Address src, Address dst) {
        next.remove(new Flow(src, dst));
    }
}
