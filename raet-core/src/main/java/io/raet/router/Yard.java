package io.raet.router;

import io.raet.agent.Agent;
import io.raet.agent.AgentRunner;
import io.raet.agent.Deadlines;
import io.raet.agent.ParkingIdleStrategy;
import io.raet.codec.PackKind;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneStack;
import io.raet.lane.UxdException;
import io.raet.route.AckedReceiver;
import io.raet.route.AckedSender;
import io.raet.route.Address;
import io.raet.route.Answers;
import io.raet.route.BestValueShare;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Ids;
import io.raet.route.Kind;
import io.raet.route.PresenceEvent;
import io.raet.route.PresenceShare;
import io.raet.route.QueueShare;
import io.raet.route.Repeater;
import io.raet.route.Requester;
import io.raet.route.Resequencer;
import io.raet.route.Responder;
import io.raet.route.Sequencer;
import io.raet.route.Shares;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java program as a yard of a {@link Router}'s lane: routed messages to and from shares, requests with
 * responses, services that answer requests. The Java counterpart of the Python SDK's {@code raetsdk.Yard}.
 *
 * <pre>{@code
 * try (Yard svc = Yard.builder("svc").dir(laneDir).build()) {
 *     svc.serve("jobs", data -> Map.of("done", data));                 // answers req to ["", "svc", "jobs"]
 *     FlowMessage rsp = svc.request(Address.of("beta", "db", "query"), "select").get();
 * }
 * }</pre>
 *
 * <p>Service types: request/response ({@link #request}, {@link #serve}), acknowledged with retry
 * ({@link #sendAcked}), sequential per flow ({@link #sendSequential}), repeated ({@link #repeat}) and
 * publish/subscribe ({@link #publish}, {@link #subscribe}, with tags). A yard may also serve as a worker of a
 * router's load-balanced share ({@link #work}) and follow the router's presence topic ({@link #presence}).
 *
 * <p>Only the router yard is heard. Answers ({@code rsp}, {@code ack}, {@code err}) to pending requests and
 * acknowledged messages complete their futures; incoming {@code ackd} messages are acknowledged and de-duplicated,
 * messages with a {@code seq} are put back in order per flow; everything else goes to the share
 * named by its {@code dst} share, and a routed message for a share this yard does not have is answered with
 * {@code unknown_share}. One agent on a virtual thread handles what the lane receives and the timers of requests,
 * acknowledged and repeated messages (docs of {@code io.raet.agent}); each served share has its own virtual thread,
 * so a slow service delays only its own share.
 */
public final class Yard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Yard.class);
    /** Most received messages handled in one duty cycle. */
    private static final int MESSAGES_PER_CYCLE = 256;
    /** Most requests of one sender waiting for a served share. */
    public static final int SERVE_BACKLOG = 256;
    /** Most messages for one destination waiting in this yard's stack. */
    static final int QUEUE_PER_DESTINATION = 1024;

    private enum Count { RECEIVED, SENT, BAD_MESSAGES, LATE_ANSWERS, DUPLICATES, SEND_FAILED, HANDLER_FAILED }

    private final String name;
    private final String router;
    private final LaneStack lane;
    private final Shares shares;
    private final Requester requester;
    private final AckedReceiver acked = new AckedReceiver(Duration.ofMinutes(5).toNanos(), 100_000);
    private final AckedSender ackedSender;
    private final Sequencer sequencer;
    private final Resequencer resequencer = new Resequencer(1024);
    private final Repeater repeater = new Repeater();
    private final Ids ids;
    private final Duration requestTimeout;
    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final List<Thread> threads = new ArrayList<>();
    private final AgentRunner flows;
    /** {@code sub}/{@code unsub} waiting for their {@code ack}, by id. */
    private final Map<String, CompletableFuture<FlowMessage>> controls = new java.util.HashMap<>();
    private volatile boolean running = true;

    private Yard(Builder b, LaneStack lane) {
        this.name = b.name;
        this.router = b.router;
        this.lane = lane;
        this.requestTimeout = b.requestTimeout;
        this.ids = new Ids(b.name);
        this.shares = new Shares(Address.of("", b.name));
        this.requester = new Requester(Address.of("", b.name), b.requestTimeout.toNanos(), ids);
        this.ackedSender = new AckedSender(Address.of("", b.name), b.retryEvery.toNanos(), b.retries, ids);
        this.sequencer = new Sequencer(ids);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        this.flows = new AgentRunner(new Flows(), new ParkingIdleStrategy(), 64);
        lane.onReceivable(flows::wake);
        flows.start(Thread.ofVirtual());
    }

    /**
     * {@return a builder for the yard {@code name}}
     *
     * @param name the yard's name
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the yard's name} */
    public String name() {
        return name;
    }

    /** {@return this yard's relative address {@code ["", name, "", ""]}; the router fills the estate} */
    public Address address() {
        return Address.of("", name);
    }

    /** {@return the path of this yard's socket} */
    public Path path() {
        return lane.ha();
    }

    /** {@return the lane stack underneath (plain bodies to other yards, counters)} */
    public LaneStack lane() {
        return lane;
    }

    /** {@return the shares of this yard} */
    public Shares shares() {
        return shares;
    }

    /**
     * {@return a queue share (created on first use): every message to {@code ["", name, share]}, in order}
     *
     * @param share the share's name
     */
    public QueueShare queue(String share) {
        return shares.get(share).map(s -> {
            if (s instanceof QueueShare q) {
                return q;
            }
            throw new IllegalArgumentException("share '" + share + "' is not a queue");
        }).orElseGet(() -> shares.queue(share));
    }

    /**
     * {@return a best-value share (created on first use): only the latest message is kept}
     *
     * @param share the share's name
     */
    public BestValueShare best(String share) {
        return shares.get(share).map(s -> {
            if (s instanceof BestValueShare v) {
                return v;
            }
            throw new IllegalArgumentException("share '" + share + "' is not a best-value share");
        }).orElseGet(() -> shares.bestValue(share));
    }

    /**
     * Answers every {@code req} addressed to {@code share} with {@code handler(data)}. A {@link FlowException} from
     * the handler becomes an {@code err} with its code, any other exception an {@code err} with code
     * {@code failed}. Other kinds of message on the share are dropped and counted. Requests wait per sender and
     * are answered in turns across senders ({@link QueueShare#perSource}), so one sender's flood delays the others
     * by one request at a time and overflows only its own queue: beyond {@value #SERVE_BACKLOG} waiting requests of
     * one sender its oldest are dropped (they time out at the sender; counted by the share).
     *
     * @param share the share's name
     * @param handler computes the answer's {@code data} from the request's
     */
    public void serve(String share, Function<Object, Object> handler) {
        Objects.requireNonNull(handler, "handler");
        QueueShare q = shares.add(QueueShare.perSource(share, SERVE_BACKLOG, QueueShare.Overflow.DROP_OLDEST));
        threads.add(Thread.ofVirtual().name("yard-" + name + "-" + share).start(() -> {
            while (running) {
                FlowMessage m;
                try {
                    m = q.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (m.kind() != Kind.REQ) {
                    count(Count.BAD_MESSAGES);
                    continue;
                }
                FlowMessage answer;
                try {
                    answer = Responder.handle(m, handler);
                } catch (RuntimeException e) {
                    count(Count.HANDLER_FAILED);
                    answer = Responder.fail(m, ErrorCode.FAILED, String.valueOf(e.getMessage()));
                }
                send(answer);
            }
        }));
    }

    /**
     * Serves the router's load-balanced share {@code pool} as one of its workers: answers every {@code req} the
     * router hands this yard with {@code handler(data)} (as {@link #serve} does, on this yard's share {@code pool})
     * and registers with the router ({@code sub} to {@code ["", "", pool]}). The future completes with the router's
     * {@code ack}, or fails ({@code unknown_share}: the router has no such share; {@code denied}: the pool is full).
     *
     * @param pool the router's pool share
     * @param handler computes the answer's {@code data} from the request's
     * @return completes with the router's {@code ack}
     */
    public CompletableFuture<FlowMessage> work(String pool, Function<Object, Object> handler) {
        serve(pool, handler);
        return control(Kind.SUB, Address.of("", "", pool), pool, null);
    }

    /**
     * Stops taking work from the router's share {@code pool} ({@code unsub}); the local share stays.
     *
     * @param pool the router's pool share
     * @return completes with the router's {@code ack}
     */
    public CompletableFuture<FlowMessage> leave(String pool) {
        return control(Kind.UNSUB, Address.of("", "", pool), pool, null);
    }

    /**
     * Follows the router's presence topic: {@code listener} gets a {@link PresenceEvent} for every estate that
     * joins, is allowed, comes alive or goes dead on the road and every yard that arrives on or leaves the lane,
     * starting with a snapshot of what the router knows. Events arrive on this yard's share
     * {@value PresenceShare#NAME} and are handed to the listener on one virtual thread, in order. The future
     * completes with the router's {@code ack}.
     *
     * @param listener gets the events, in order
     * @return completes with the topic's {@code ack}
     */
    public CompletableFuture<FlowMessage> presence(Consumer<PresenceEvent> listener) {
        return presence(null, listener);
    }

    /**
     * {@link #presence(Consumer)} for the events whose tag matches {@code tags} (e.g. {@code estate.*}).
     *
     * @param tags the glob the events' tags match
     * @param listener gets the events, in order
     * @return completes with the topic's {@code ack}
     */
    public CompletableFuture<FlowMessage> presence(String tags, Consumer<PresenceEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        QueueShare q = shares.add(new QueueShare(PresenceShare.NAME, SERVE_BACKLOG, QueueShare.Overflow.DROP_OLDEST));
        threads.add(Thread.ofVirtual().name("yard-" + name + "-presence").start(() -> {
            while (running) {
                PresenceEvent e;
                try {
                    e = PresenceEvent.of(q.take());
                } catch (InterruptedException ex) {
                    return;
                }
                if (e == null) {
                    count(Count.BAD_MESSAGES);
                    continue;
                }
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    count(Count.HANDLER_FAILED);
                    LOG.warn("yard {}: presence listener failed: {}", name, ex.toString());
                }
            }
        }));
        return control(Kind.SUB, Address.of("", "", PresenceShare.NAME), PresenceShare.NAME, tags);
    }

    /** {@return a fresh message id of this yard (for messages built with {@link FlowMessage#builder})} */
    public String newId() {
        return ids.get();
    }

    /**
     * Sends a plain message ({@code msg}) from this yard to {@code dst}.
     *
     * @param dst the destination
     * @param data the message's {@code data}
     * @return completes when the message is in the router's socket queue
     */
    public CompletableFuture<Void> send(Address dst, Object data) {
        return send(FlowMessage.builder(Kind.MSG, address(), dst).id(ids.get()).data(data).build());
    }

    /**
     * Sends a routed message through the router; completes when it is in the router's socket queue. Messages wait
     * per destination ({@code estate/yard} of their {@code dst}) and the destinations take turns, so answers to a
     * flooding sender do not hold back answers to the others; fails with a {@link io.raet.lane.LaneException} of
     * kind {@code QUEUE_FULL} when {@value #QUEUE_PER_DESTINATION} messages for that destination are waiting.
     *
     * @param m the message
     * @return completes when the message is in the router's socket queue
     */
    public CompletableFuture<Void> send(FlowMessage m) {
        count(Count.SENT);
        CompletableFuture<Void> f = lane.send(router, m.toBody(), m.dst().estate() + "/" + m.dst().yard());
        f.whenComplete((v, ex) -> {
            if (ex != null) {
                count(Count.SEND_FAILED);
            }
        });
        return f;
    }

    /**
     * Acknowledged delivery: sends an {@code ackd} and sends it again (same id) every retry period until the
     * receiving yard's {@code ack} comes; the receiver delivers it once however many copies arrive.
     *
     * @param dst the destination
     * @param data the message's {@code data}
     * @return completes with the {@code ack}, or fails with a {@link FlowException} ({@code timeout} after the last
     *     retry, or the code of an {@code err})
     */
    public CompletableFuture<FlowMessage> sendAcked(Address dst, Object data) {
        return track(ackedSender.send(dst, data, System.nanoTime()));
    }

    /**
     * Sequential delivery: acknowledged messages numbered {@code seq} 0, 1, 2, … on the flow from this yard to
     * {@code dst}; a receiving {@link Yard} delivers each flow in order, whatever order the copies arrive in.
     *
     * @param dst the destination
     * @param data the message's {@code data}
     * @return completes with the {@code ack}, or fails as {@link #sendAcked} does
     */
    public CompletableFuture<FlowMessage> sendSequential(Address dst, Object data) {
        FlowMessage m = sequencer.next(address(), dst, data);
        return track(ackedSender.send(m, System.nanoTime()));
    }

    private CompletableFuture<FlowMessage> track(AckedSender.Pending p) {
        flows.wake(); // a new retry timer
        send(p.message());
        return p.acked();
    }

    /**
     * Repeated delivery: sends a {@code msg} to {@code dst} now and again every {@code period}, {@code times} times in
     * all.
     *
     * @param dst the destination
     * @param data the message's {@code data}
     * @param period the time between two copies
     * @param times how many copies in all; 0: until {@link #cancelRepeat}
     * @return the handle that cancels it
     */
    public long repeat(Address dst, Object data, Duration period, long times) {
        FlowMessage m = FlowMessage.builder(Kind.MSG, address(), dst).id(ids.get()).data(data).build();
        long handle = times > 0 ? repeater.start(m, period.toNanos(), times, System.nanoTime())
                : repeater.start(m, period.toNanos(), System.nanoTime());
        flows.wake(); // a new repeat timer
        send(m);
        return handle;
    }

    /**
     * Stops a {@link #repeat}; false when it is not active.
     *
     * @param handle what {@link #repeat} returned
     * @return true when the repeat was active
     */
    public boolean cancelRepeat(long handle) {
        return repeater.cancel(handle);
    }

    /**
     * {@return a request with the default timeout; the future has the {@code rsp}, or fails with a {@link
     * FlowException}}
     *
     * @param dst the destination
     * @param data the request's {@code data}
     */
    public CompletableFuture<FlowMessage> request(Address dst, Object data) {
        return request(dst, data, requestTimeout);
    }

    /**
     * Sends a {@code req} to {@code dst}; the future completes with the {@code rsp}, or fails with a
     * {@link FlowException} carrying the {@code err}'s code ({@code timeout} when nothing came in time).
     *
     * @param dst the destination
     * @param data the request's {@code data}
     * @param timeout how long to wait for the answer
     * @return completes with the {@code rsp}
     */
    public CompletableFuture<FlowMessage> request(Address dst, Object data, Duration timeout) {
        return request(FlowMessage.builder(Kind.REQ, address(), dst).id(ids.get()).data(data).build(), timeout);
    }

    /**
     * Sends a {@code req} built by the caller (with a {@code tag}, {@code "idempotent": true}, …; its id from
     * {@link #newId()}), as {@link #request(Address, Object, Duration)} does.
     *
     * @param req the request
     * @param timeout how long to wait for the answer
     * @return completes with the {@code rsp}
     */
    public CompletableFuture<FlowMessage> request(FlowMessage req, Duration timeout) {
        Requester.Pending p = requester.request(req, timeout.toNanos(), System.nanoTime());
        flows.wake(); // a new timeout
        send(p.request()).whenComplete((v, ex) -> {
            if (ex != null) {
                // Fail the answer first: forgetting the request cancels its future, which must not win.
                FlowException failed = new FlowException(ErrorCode.UNKNOWN_DESTINATION,
                        "router yard '" + router + "' did not take the request: " + ex.getMessage());
                failed.initCause(ex);
                p.response().completeExceptionally(failed);
                requester.cancel(p.request().id());
            }
        });
        return p.response();
    }

    /**
     * Subscribes this yard's share {@code share} to the topic share at {@code topic}: every {@code pub} to the topic
     * then arrives there as a {@code msg}. The future completes with the topic's {@code ack}, or fails with a
     * {@link FlowException} ({@code denied}, {@code unknown_share}, {@code timeout}, …).
     *
     * @param topic the topic share's address
     * @param share this yard's share the {@code pub}s arrive on
     * @return completes with the topic's {@code ack}
     */
    public CompletableFuture<FlowMessage> subscribe(Address topic, String share) {
        return control(Kind.SUB, topic, share, null);
    }

    /**
     * {@link #subscribe(Address, String)} for the {@code pub}s whose {@code tag} matches the glob {@code tags}
     * ({@code *}: any run of characters; a {@code pub} without a tag is matched as {@code ""}).
     *
     * @param topic the topic share's address
     * @param share this yard's share the {@code pub}s arrive on
     * @param tags the glob the tags match
     * @return completes with the topic's {@code ack}
     */
    public CompletableFuture<FlowMessage> subscribe(Address topic, String share, String tags) {
        return control(Kind.SUB, topic, share, tags);
    }

    /**
     * Cancels {@link #subscribe}.
     *
     * @param topic the topic share's address
     * @param share this yard's share the {@code pub}s arrived on
     * @return completes with the topic's {@code ack}
     */
    public CompletableFuture<FlowMessage> unsubscribe(Address topic, String share) {
        return control(Kind.UNSUB, topic, share, null);
    }

    /**
     * Publishes {@code data} to the topic share at {@code topic}.
     *
     * @param topic the topic share's address
     * @param data the message's {@code data}
     * @return completes when the message is in the router's socket queue
     */
    public CompletableFuture<Void> publish(Address topic, Object data) {
        return publish(topic, data, null);
    }

    /**
     * Publishes {@code data} tagged {@code tag} (null: no tag) to the topic share at {@code topic}.
     *
     * @param topic the topic share's address
     * @param data the message's {@code data}
     * @param tag the tag, or null
     * @return completes when the message is in the router's socket queue
     */
    public CompletableFuture<Void> publish(Address topic, Object data, String tag) {
        return send(FlowMessage.builder(Kind.PUB, address(), topic).id(ids.get()).data(data).tag(tag).build());
    }

    private CompletableFuture<FlowMessage> control(Kind kind, Address topic, String share, String tags) {
        FlowMessage m = FlowMessage.builder(kind, address().withShare(share), topic).id(ids.get())
                .field("tags", tags).build();
        CompletableFuture<FlowMessage> f = new CompletableFuture<>();
        synchronized (controls) {
            controls.put(m.id(), f);
        }
        f.orTimeout(requestTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((v, ex) -> {
            synchronized (controls) {
                controls.remove(m.id());
            }
        });
        send(m).whenComplete((v, ex) -> {
            if (ex != null) {
                f.completeExceptionally(new FlowException(ErrorCode.UNKNOWN_DESTINATION,
                        "router yard '" + router + "' did not take the " + kind.wire() + ": " + ex.getMessage()));
            }
        });
        return f.exceptionallyCompose(ex -> {
            Throwable c = Router.cause(ex);
            if (c instanceof java.util.concurrent.TimeoutException) {
                return CompletableFuture.failedFuture(new FlowException(ErrorCode.TIMEOUT,
                        "no answer to " + kind.wire() + " " + m.id()));
            }
            return CompletableFuture.failedFuture(c);
        });
    }

    /** {@return counters: received, sent, bad messages, late answers, duplicates, failures} */
    public Map<String, Long> stats() {
        Map<String, Long> m = new TreeMap<>();
        for (Count c : Count.values()) {
            m.put(c.name().toLowerCase(Locale.ROOT), counts[c.ordinal()].sum());
        }
        m.put("unknown_share", shares.unknown());
        m.put("timeouts", requester.timeouts());
        m.put("resent", ackedSender.resent());
        m.put("acked_failed", ackedSender.failed());
        m.put("out_of_order_buffered", (long) resequencer.buffered());
        return m;
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        flows.close();
        lane.close();
        requester.tick(Long.MAX_VALUE);
    }

    /**
     * The yard's duty cycle: the messages the lane received (routed to answers, acknowledgements and shares) and the
     * timers of the request, acknowledged and repeated flows.
     */
    private final class Flows implements Agent {
        @Override
        public String roleName() {
            return "yard-" + name;
        }

        @Override
        public int doWork(long now) {
            int work = 0;
            LaneMessage lm;
            while (work < MESSAGES_PER_CYCLE && running && (lm = lane.poll()) != null) {
                work++;
                handle(lm, now);
            }
            if (Deadlines.due(requester.nextWakeup(), now)) {
                work += requester.tick(now);
            }
            if (Deadlines.due(ackedSender.nextWakeup(), now)) {
                for (FlowMessage again : ackedSender.tick(now)) {
                    work++;
                    send(again);
                }
            }
            if (Deadlines.due(repeater.nextWakeup(), now)) {
                for (FlowMessage again : repeater.tick(now)) {
                    work++;
                    send(again);
                }
            }
            return work;
        }

        @Override
        public long nextWakeup() {
            return Deadlines.earliest(requester.nextWakeup(),
                    Deadlines.earliest(ackedSender.nextWakeup(), repeater.nextWakeup()));
        }

        @Override
        public void onClose(Throwable cause) {
            if (cause != null) {
                LOG.error("yard {}: closing after a failure", name, cause);
                running = false;
                lane.close();
                requester.tick(Long.MAX_VALUE);
            }
        }
    }

    private void handle(LaneMessage lm, long now) {
        count(Count.RECEIVED);
        try {
            onMessage(FlowMessage.parse(lm.body()), now);
        } catch (FlowException e) {
            count(Count.BAD_MESSAGES);
            LOG.debug("yard {}: bad message from {}: {}", name, lm.from(), e.getMessage());
        } catch (RuntimeException e) {
            count(Count.BAD_MESSAGES);
            LOG.warn("yard {}: message from {} not handled: {}", name, lm.from(), e.toString());
        }
    }

    private void onMessage(FlowMessage m, long now) {
        if (requester.onMessage(m) || ackedSender.onMessage(m)) {
            return;
        }
        if (Answers.settle(m, Kind.ACK, id -> {
            synchronized (controls) {
                return controls.remove(id);
            }
        })) {
            return;
        }
        switch (m.kind()) {
            case RSP, ACK, ERR -> {
                if (!shares.has(m.dst().share())) {
                    count(Count.LATE_ANSWERS);
                    return;
                }
            }
            case ACKD -> {
                if (!shares.has(m.dst().share())) {
                    break; // answered unknown_share below, not acknowledged
                }
                AckedReceiver.Receipt r = acked.receive(m, now);
                send(r.ack());
                if (!r.deliver()) {
                    count(Count.DUPLICATES);
                    return;
                }
            }
            default -> { }
        }
        List<FlowMessage> ready = m.seq() == null ? List.of(m) : resequencer.receive(m);
        for (FlowMessage r : ready) {
            for (FlowMessage out : shares.deliver(r)) {
                send(out);
            }
        }
    }

    private void count(Count c) {
        counts[c.ordinal()].increment();
    }

    /** Builds a {@link Yard}; defaults: lane {@code lane}, router yard {@code router}, JSON, 5 s requests. */
    public static final class Builder {
        private final String name;
        private String lane = io.raet.lane.LaneNames.DEFAULT_LANE;
        private Path dir;
        private String router = Address.ROUTER_YARD;
        private PackKind packKind = PackKind.JSON;
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration sendTimeout = Duration.ofSeconds(10);
        private Duration retryEvery = Duration.ofSeconds(1);
        private int retries = 5;

        private Builder(String name) {
            this.name = io.raet.lane.LaneNames.checkYard(name);
        }

        /**
         * The lane's name (default {@code lane}).
         *
         * @param lane the name
         * @return this builder
         */
        public Builder lane(String lane) {
            this.lane = io.raet.lane.LaneNames.checkLane(lane);
            return this;
        }

        /**
         * The lane's socket directory (the router's).
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /**
         * The router's yard name (default {@code router}).
         *
         * @param router the router's yard name
         * @return this builder
         */
        public Builder router(String router) {
            this.router = io.raet.lane.LaneNames.checkYard(router);
            return this;
        }

        /**
         * How bodies are serialized on the lane (default JSON).
         *
         * @param pk the pack kind
         * @return this builder
         */
        public Builder packKind(PackKind pk) {
            this.packKind = Objects.requireNonNull(pk, "pk");
            return this;
        }

        /**
         * How long a request waits for its answer by default.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException when it is not positive
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Acknowledged and sequential messages: pause before a copy is sent again, and how many copies at most.
         *
         * @param every the pause
         * @param retries the most copies
         * @return this builder
         * @throws IllegalArgumentException when the pause is not positive or the count negative
         */
        public Builder retries(Duration every, int retries) {
            if (every.isNegative() || every.isZero() || retries < 0) {
                throw new IllegalArgumentException("retry period must be positive and retries not negative");
            }
            this.retryEvery = every;
            this.retries = retries;
            return this;
        }

        /**
         * How long the router may take no page before the messages queued for it fail (the lane's send timeout).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Binds {@code <dir>/<lane>.<name>.uxd} and starts reading.
         *
         * @return the running yard
         * @throws IOException when the socket cannot be bound
         */
        public Yard build() throws IOException {
            LaneStack.Builder b = LaneStack.builder().lane(lane).name(name).allowOnly(router).yards(router)
                    .packKind(packKind).sendTimeout(sendTimeout).maxQueuedPerSource(QUEUE_PER_DESTINATION);
            if (dir != null) {
                b.dir(dir);
            }
            try {
                return new Yard(this, b.build());
            } catch (UxdException e) {
                throw new IOException("yard " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
