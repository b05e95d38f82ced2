package io.raet.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiving side of sequential flows: delivers each flow's messages in {@code seq} order, per (src, dst) as
 * they arrive. A message ahead of the next expected one is buffered, up to {@code window} numbers ahead (beyond
 * that it is dropped and counted in {@link #overflow()}); one already delivered or already buffered is dropped and
 * counted in {@link #duplicates()}. Messages without {@code seq} pass through at once. A gap that will never be
 * filled (no acknowledged delivery underneath) can be skipped with {@link #release}. Thread safe.
 */
public final class Resequencer {
    private record Flow(Address src, Address dst) {}

    private static final class State {
        long next;
        final TreeMap<Long, FlowMessage> buffer = new TreeMap<>();
    }

    private final int window;
    private final Map<Flow, State> flows = new HashMap<>();
    private long duplicates;
    private long overflow;

    /**
     * A resequencer holding at most {@code window} messages ahead of a gap per flow.
     *
     * @param window the most messages held per flow
     * @throws IllegalArgumentException when it is less than 1
     */
    public Resequencer(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        this.window = window;
    }

    /**
     * Takes one arriving message; returns the messages now deliverable, in order (possibly none).
     *
     * @param m the message
     * @return the messages now deliverable
     */
    public synchronized List<FlowMessage> receive(FlowMessage m) {
        Long seq = m.seq();
        if (seq == null) {
            return List.of(m);
        }
        State s = flows.computeIfAbsent(new Flow(m.src(), m.dst()), f -> new State());
        if (seq < s.next || s.buffer.containsKey(seq)) {
            duplicates++;
            return List.of();
        }
        if (seq - s.next >= window) {
            overflow++;
            return List.of();
        }
        if (seq != s.next) {
            s.buffer.put(seq, m);
            return List.of();
        }
        List<FlowMessage> out = new ArrayList<>();
        out.add(m);
        s.next++;
        drain(s, out);
        return out;
    }

    private static void drain(State s, List<FlowMessage> out) {
        FlowMessage n;
        while ((n = s.buffer.remove(s.next)) != null) {
            out.add(n);
            s.next++;
        }
    }

    /**
     * Gives up on the gaps of a flow: delivers everything buffered, in order, and continues after it.
     *
     * @param src the flow's source
     * @param dst the flow's destination
     * @return the messages delivered
     */
    public synchronized List<FlowMessage> release(Address src, Address dst) {
        State s = flows.get(new Flow(src, dst));
        if (s == null || s.buffer.isEmpty()) {
            return List.of();
        }
        List<FlowMessage> out = new ArrayList<>(s.buffer.values());
        s.next = s.buffer.lastKey() + 1;
        s.buffer.clear();
        return out;
    }

    /**
     * Forgets a flow (its sender started over).
     *
     * @param src the flow's source
     * @param dst the flow's destination
     */
    public synchronized void reset(Address src, Address dst) {
        flows.remove(new Flow(src, dst));
    }

    /**
     * {@return the next {@code seq} expected on a flow}
     *
     * @param src the flow's source
     * @param dst the flow's destination
     */
    public synchronized long expected(Address src, Address dst) {
        State s = flows.get(new Flow(src, dst));
        return s == null ? 0 : s.next;
    }

    /** {@return the messages held, every flow together} */
    public synchronized int buffered() {
        int n = 0;
        for (State s : flows.values()) {
            n += s.buffer.size();
        }
        return n;
    }

    /** {@return the duplicates dropped} */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** {@return the messages dropped because the window was full} */
    public synchronized long overflow() {
        return overflow;
    }
}
