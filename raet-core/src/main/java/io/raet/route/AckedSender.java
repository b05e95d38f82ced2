package io.raet.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Acknowledged delivery with retries on the sending side (sans-IO). {@link #send} builds an {@code ackd} with a
 * fresh {@code id} for the caller to send now; {@link #tick} returns the copies to send again, every
 * {@code retryNanos}, up to {@code maxRetries} times; when no {@code ack} came one period after the last copy the
 * future fails with {@link ErrorCode#TIMEOUT}. An {@code ack} (or {@code err}) with {@code re} = the id ends it. The
 * receiving side ({@link AckedReceiver}) acknowledges every copy and delivers only the first. Thread safe.
 */
public final class AckedSender {
    /**
     * A message to send now, and its acknowledgement to come.
     *
     * @param message the message to send now
     * @param acked completes with the {@code ack}, or fails with a {@link FlowException}
     */
    public record Pending(FlowMessage message, CompletableFuture<FlowMessage> acked) {}

    private static final class Entry {
        final FlowMessage message;
        final CompletableFuture<FlowMessage> future;
        long due;
        int retries;

        Entry(FlowMessage message, CompletableFuture<FlowMessage> future, long due) {
            this.message = message;
            this.future = future;
            this.due = due;
        }
    }

    private final Address self;
    private final long retryNanos;
    private final int maxRetries;
    private final Supplier<String> ids;
    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private long resent;
    private long failed;

    /**
     * A sender whose messages come from {@code self}.
     *
     * @param self the {@code src} of the messages
     * @param retryNanos the pause before a copy is sent again
     * @param maxRetries the most copies sent again
     * @param ids where message ids come from
     * @throws IllegalArgumentException when the pause is not positive or the count negative
     */
    public AckedSender(Address self, long retryNanos, int maxRetries, Supplier<String> ids) {
        if (retryNanos <= 0 || maxRetries < 0) {
            throw new IllegalArgumentException("retry period must be positive and retries not negative");
        }
        this.self = Objects.requireNonNull(self, "self");
        this.retryNanos = retryNanos;
        this.maxRetries = maxRetries;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * A sender with random ids.
     *
     * @param self the {@code src} of the messages
     * @param retryNanos the pause before a copy is sent again
     * @param maxRetries the most copies sent again
     */
    public AckedSender(Address self, long retryNanos, int maxRetries) {
        this(self, retryNanos, maxRetries, Ids.random());
    }

    /**
     * {@return an {@code ackd} to {@code dst} carrying {@code data}}
     *
     * @param dst the destination
     * @param data the message's {@code data}
     * @param now the time, in nanoseconds
     */
    public Pending send(Address dst, Object data, long now) {
        return send(FlowMessage.builder(Kind.ACKD, self, dst).id(ids.get()).data(data).build(), now);
    }

    /**
     * Tracks {@code m} as acknowledged delivery: its kind becomes {@code ackd} and it gets a fresh id when it has
     * none (other fields, such as {@code seq}, are kept).
     *
     * @param m the message
     * @param now the time, in nanoseconds
     * @return the message to send now, and its acknowledgement to come
     */
    public synchronized Pending send(FlowMessage m, long now) {
        FlowMessage msg = m;
        if (m.kind() != Kind.ACKD || m.id() == null) {
            Map<String, Object> body = m.toBody();
            body.put("kind", Kind.ACKD.wire());
            body.putIfAbsent("id", ids.get());
            msg = FlowMessage.parse(body);
        }
        if (pending.containsKey(msg.id())) {
            throw new IllegalArgumentException("id already pending: " + msg.id());
        }
        CompletableFuture<FlowMessage> f = new CompletableFuture<>();
        pending.put(msg.id(), new Entry(msg, f, now + retryNanos));
        return new Pending(msg, f);
    }

    /**
     * Consumes a matching {@code ack} or {@code err}; false when it answers nothing pending.
     *
     * @param m an arriving message
     * @return true when it settled a pending message
     */
    public boolean onMessage(FlowMessage m) {
        return Answers.settle(m, Kind.ACK, this::take);
    }

    private synchronized CompletableFuture<FlowMessage> take(String id) {
        Entry e = pending.remove(id);
        return e == null ? null : e.future;
    }

    /**
     * {@return the copies to send again now; fails the ones out of retries}
     *
     * @param now the time, in nanoseconds
     */
    public List<FlowMessage> tick(long now) {
        List<FlowMessage> out = new ArrayList<>();
        List<Entry> dead = new ArrayList<>();
        synchronized (this) {
            var it = pending.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.due - now > 0) {
                    continue;
                }
                if (e.retries >= maxRetries) {
                    it.remove();
                    dead.add(e);
                } else {
                    e.retries++;
                    e.due = now + retryNanos;
                    out.add(e.message);
                }
            }
            resent += out.size();
            failed += dead.size();
        }
        for (Entry e : dead) {
            e.future.completeExceptionally(new FlowException(ErrorCode.TIMEOUT,
                    "no ack for " + e.message.id() + " after " + e.retries + " retries"));
        }
        return out;
    }

    /**
     * When {@link #tick} next has work, or {@link Long#MAX_VALUE}.
     *
     * @return the time, in nanoseconds
     */
    public synchronized long nextWakeup() {
        long w = Long.MAX_VALUE;
        for (Entry e : pending.values()) {
            w = w == Long.MAX_VALUE || e.due - w < 0 ? e.due : w;
        }
        return w;
    }

    /** {@return the messages waiting for their {@code ack}} */
    public synchronized int pending() {
        return pending.size();
    }

    /**
     * Copies sent again.
     *
     * @return the copies sent again
     */
    public synchronized long resent() {
        return resent;
    }

    /** {@return messages that ran out of retries} */
    public synchronized long failed() {
        return failed;
    }
}
