package io.raet.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Request/response on the sending side of a yard (sans-IO). {@link #request} builds a {@code req} with a fresh
 * {@code id} for the caller to send; {@link #onMessage} completes the future with the {@code rsp} whose {@code re}
 * is that id, or fails it with a {@link FlowException} for a matching {@code err}; {@link #tick} fails requests
 * whose deadline passed with {@link ErrorCode#TIMEOUT}. A late answer after a timeout is not consumed. Thread safe;
 * futures are completed outside the lock, on the calling thread.
 */
public final class Requester {
    /**
     * A request to send, and its answer to come.
     *
     * @param request the request to send now
     * @param response completes with the {@code rsp}, or fails with a {@link FlowException}
     */
    public record Pending(FlowMessage request, CompletableFuture<FlowMessage> response) {}

    private record Entry(CompletableFuture<FlowMessage> future, long deadline) {}

    private final Address self;
    private final long timeoutNanos;
    private final Supplier<String> ids;
    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private long timeouts;

    /**
     * A requester whose requests come from {@code self}.
     *
     * @param self the {@code src} of requests (relative levels are filled by the router), usually the share that
     *     receives answers
     * @param timeoutNanos the default time to wait for an answer
     * @param ids where request ids come from
     */
    public Requester(Address self, long timeoutNanos, Supplier<String> ids) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.self = Objects.requireNonNull(self, "self");
        this.timeoutNanos = timeoutNanos;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * A requester with random ids.
     *
     * @param self the {@code src} of requests
     * @param timeoutNanos the default time to wait for an answer
     */
    public Requester(Address self, long timeoutNanos) {
        this(self, timeoutNanos, Ids.random());
    }

    /**
     * {@return a {@code req} to {@code dst} with the default timeout}
     *
     * @param dst the destination
     * @param data the request's {@code data}
     * @param now the time, in nanoseconds
     */
    public Pending request(Address dst, Object data, long now) {
        return request(dst, data, timeoutNanos, now);
    }

    /**
     * {@return a {@code req} to {@code dst}}
     *
     * @param dst the destination
     * @param data the request's {@code data}
     * @param timeoutNanos how long to wait for the answer
     * @param now the time, in nanoseconds
     */
    public Pending request(Address dst, Object data, long timeoutNanos, long now) {
        FlowMessage req = FlowMessage.builder(Kind.REQ, self, dst).id(ids.get()).data(data).build();
        return request(req, timeoutNanos, now);
    }

    /**
     * Tracks an already built {@code req} (it must have an id not pending yet).
     *
     * @param req the request
     * @param timeoutNanos how long to wait for the answer
     * @param now the time, in nanoseconds
     * @return the request and its answer to come
     */
    public synchronized Pending request(FlowMessage req, long timeoutNanos, long now) {
        if (req.kind() != Kind.REQ) {
            throw new IllegalArgumentException("not a req: " + req.kind().wire());
        }
        if (pending.containsKey(req.id())) {
            throw new IllegalArgumentException("id already pending: " + req.id());
        }
        CompletableFuture<FlowMessage> f = new CompletableFuture<>();
        pending.put(req.id(), new Entry(f, now + timeoutNanos));
        return new Pending(req, f);
    }

    /**
     * Consumes a matching {@code rsp} or {@code err}; false when the message is not an answer to a pending request.
     *
     * @param m an arriving message
     * @return true when it settled a pending request
     */
    public boolean onMessage(FlowMessage m) {
        return Answers.settle(m, Kind.RSP, this::take);
    }

    private synchronized CompletableFuture<FlowMessage> take(String id) {
        Entry e = pending.remove(id);
        return e == null ? null : e.future;
    }

    /**
     * Fails the requests whose deadline is at or before {@code now}; returns how many.
     *
     * @param now the time, in nanoseconds
     * @return how many failed
     */
    public int tick(long now) {
        List<Map.Entry<String, Entry>> due = new ArrayList<>();
        synchronized (this) {
            var it = pending.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().deadline - now <= 0) {
                    due.add(e);
                    it.remove();
                }
            }
            timeouts += due.size();
        }
        for (var e : due) {
            e.getValue().future.completeExceptionally(
                    new FlowException(ErrorCode.TIMEOUT, "no answer to request " + e.getKey()));
        }
        return due.size();
    }

    /**
     * When {@link #tick} next has work, or {@link Long#MAX_VALUE}.
     *
     * @return the time, in nanoseconds
     */
    public synchronized long nextWakeup() {
        long w = Long.MAX_VALUE;
        for (Entry e : pending.values()) {
            w = w == Long.MAX_VALUE || e.deadline - w < 0 ? e.deadline : w;
        }
        return w;
    }

    /**
     * Forgets a request; its future is cancelled.
     *
     * @param id the request's id
     * @return true when it was pending
     */
    public boolean cancel(String id) {
        Entry e;
        synchronized (this) {
            e = pending.remove(id);
        }
        if (e == null) {
            return false;
        }
        e.future.cancel(false);
        return true;
    }

    /** {@return the requests waiting for an answer} */
    public synchronized int pending() {
        return pending.size();
    }

    /** {@return the requests that timed out} */
    public synchronized long timeouts() {
        return timeouts;
    }
}
