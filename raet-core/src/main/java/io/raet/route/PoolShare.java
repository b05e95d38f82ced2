package io.raet.route;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A load-balanced share of the router yard: a pool of worker yards that serve it (one process per core, say).
 * Sans-IO; the {@link FlowRouter} drives it.
 *
 * <ul>
 *   <li><b>Workers.</b> A yard of this estate becomes a worker with a {@code sub} to the pool's address
 *       ({@code ["", "router", name]}) whose {@code src} share is where it takes the work; it is acknowledged
 *       ({@code ack}, {@code re} = its id) or, with {@value #DEFAULT_MAX_WORKERS} workers already (by default),
 *       refused ({@code err} {@code denied}). {@code unsub} ends it. One registration per yard (a new {@code sub}
 *       replaces the share).
 *   <li><b>Spreading.</b> Every other message to the pool goes to one worker, its {@code dst} rewritten to the
 *       worker's address (the message's channel kept): the worker with the fewest outstanding requests, round
 *       robin among equals. Outstanding are the {@code req} and {@code ackd} messages handed to the worker and not
 *       yet answered ({@code rsp}, {@code ack} or {@code err} from that worker with {@code re} = their id, to their
 *       {@code src}). A {@code req}/{@code ackd} sent again with the same id while in flight goes to the same
 *       worker.
 *   <li><b>Sequential flows</b> (messages with {@code seq}, {@link Sequencer}) keep to the worker that took their
 *       first message, per (src, dst), while that worker stays; the affinities kept are bounded
 *       ({@value #DEFAULT_MAX_FLOWS}, least recently used dropped first).
 *   <li><b>Leaving.</b> A worker whose yard leaves (socket gone, a send to it failed) or that unregisters is
 *       dropped at once. Its in-flight requests are sent to another worker when marked {@code "idempotent": true}
 *       (at most {@value #MAX_ATTEMPTS} workers in all), otherwise answered {@code err} with code {@code failed}.
 * </ul>
 *
 * <p>In-flight requests are bounded ({@value #DEFAULT_MAX_IN_FLIGHT} by default): beyond, the oldest is forgotten
 * (counted {@link #evicted()}; its worker's count goes down, and it is not answered if that worker leaves). Thread
 * safe.
 */
public final class PoolShare implements Share {
    /** The most workers of a pool by default. */
    public static final int DEFAULT_MAX_WORKERS = 256;
    /** The most requests in flight by default. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 65_536;
    /** The most sequential flows tracked by default. */
    public static final int DEFAULT_MAX_FLOWS = 4096;
    /** Most workers one idempotent request is handed to. */
    public static final int MAX_ATTEMPTS = 3;

    /** What {@link #register} did. */
    public enum Registration {
        /** A new worker. */
        ADDED,
        /** A known worker, at its new address. */
        UPDATED,
        /** Refused: the pool has all its workers. */
        FULL
    }

    /**
     * A worker as seen from outside.
     *
     * @param yard the worker's yard
     * @param address its address
     * @param outstanding its requests in flight
     * @param dispatched the messages it was handed
     */
    public record WorkerState(String yard, Address address, int outstanding, long dispatched) {}

    /**
     * A request handed to {@code worker} and not answered: {@code request} as its sender wrote it (dst the pool).
     *
     * @param worker the worker's yard
     * @param request the request
     * @param attempts how many workers have had it
     */
    public record InFlight(String worker, FlowMessage request, int attempts) {}

    /**
     * A message handed to {@code worker}: {@code message} has the worker's address as {@code dst}.
     *
     * @param worker the worker's yard
     * @param message the message
     */
    public record Dispatch(String worker, FlowMessage message) {}

    /**
     * The outcome of a {@code sub} or {@code unsub}: answers to the worker, and requests left without a worker.
     *
     * @param answers the answers to the worker
     * @param orphans the requests left without a worker
     */
    public record Control(List<FlowMessage> answers, List<InFlight> orphans) {}

    private static final class Worker {
        final String yard;
        Address address;
        int outstanding;
        long dispatched;

        Worker(String yard, Address address) {
            this.yard = yard;
            this.address = address;
        }
    }

    private record Key(Address client, String id) {}

    private record Flow(Address src, Address dst) {}

    private static final class Entry {
        final Worker worker;
        final FlowMessage request;
        final int attempts;

        Entry(Worker worker, FlowMessage request, int attempts) {
            this.worker = worker;
            this.request = request;
            this.attempts = attempts;
        }
    }

    private final String name;
    private final Address self;
    private final int maxWorkers;
    private final int maxInFlight;
    private final int maxFlows;
    private final List<Worker> workers = new ArrayList<>();
    private int cursor;
    private final LinkedHashMap<Key, Entry> inFlight = new LinkedHashMap<>();
    private final LinkedHashMap<Flow, Worker> flows = new LinkedHashMap<>(16, 0.75f, true);
    private long delivered;
    private long evicted;
    private long flowsEvicted;
    private long refused;

    /**
     * A pool at {@code self} ({@code [estate, "router", name]}) with the default bounds.
     *
     * @param self the pool's address
     */
    public PoolShare(Address self) {
        this(self, DEFAULT_MAX_WORKERS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_FLOWS);
    }

    /**
     * A pool at {@code self} with these bounds.
     *
     * @param self the pool's address
     * @param maxWorkers the most workers
     * @param maxInFlight the most requests in flight
     * @param maxFlows the most sequential flows tracked
     * @throws IllegalArgumentException when a bound is not positive
     */
    public PoolShare(Address self, int maxWorkers, int maxInFlight, int maxFlows) {
        this.name = Shares.checkName(self.share());
        this.self = new Address(self.estate(), self.yard(), self.share(), "", List.of());
        if (maxWorkers < 1 || maxInFlight < 1 || maxFlows < 1) {
            throw new IllegalArgumentException("pool bounds must be at least 1");
        }
        this.maxWorkers = maxWorkers;
        this.maxInFlight = maxInFlight;
        this.maxFlows = maxFlows;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the pool's address} */
    public Address address() {
        return self;
    }

    /**
     * Registers or unregisters the {@code src} of a {@code sub} or {@code unsub} as a worker. The answers are an
     * {@code ack} when the message has an id, or an {@code err} {@code denied} when the pool is full; the orphans
     * are the in-flight requests of a worker that unregistered.
     *
     * @param m the {@code sub} or {@code unsub}
     * @return the answers and the orphans
     */
    public Control control(FlowMessage m) {
        String yard = m.src().yard();
        if (m.kind() == Kind.SUB) {
            if (register(m.src()) == Registration.FULL) {
                return new Control(m.id() == null ? List.of() : List.of(FlowMessage.errorFor(m, self,
                        ErrorCode.DENIED, "share '" + name + "' has its " + maxWorkers + " workers")), List.of());
            }
            return new Control(acknowledge(m), List.of());
        }
        if (m.kind() == Kind.UNSUB) {
            List<InFlight> orphans = remove(yard);
            return new Control(acknowledge(m), orphans == null ? List.of() : orphans);
        }
        throw new IllegalArgumentException("not a sub or unsub: " + m.kind().wire());
    }

    private List<FlowMessage> acknowledge(FlowMessage m) {
        if (m.id() == null) {
            return List.of();
        }
        return List.of(FlowMessage.builder(Kind.ACK, self, m.src()).re(m.id()).build());
    }

    /**
     * Adds the worker at {@code address} (its yard is the key), or moves it to that address.
     *
     * @param address the worker's address
     * @return whether it was added, moved, or refused because the pool is full
     */
    public synchronized Registration register(Address address) {
        for (Worker w : workers) {
            if (w.yard.equals(address.yard())) {
                w.address = address;
                return Registration.UPDATED;
            }
        }
        if (workers.size() >= maxWorkers) {
            refused++;
            return Registration.FULL;
        }
        workers.add(new Worker(address.yard(), address));
        return Registration.ADDED;
    }

    /**
     * Drops the worker of {@code yard}: returns its in-flight requests (oldest first), removed from this pool, or
     * null when the yard is not a worker here.
     *
     * @param yard the worker's yard
     * @return its requests in flight, or null
     */
    public synchronized List<InFlight> remove(String yard) {
        int index = -1;
        for (int i = 0; i < workers.size() && index < 0; i++) {
            if (workers.get(i).yard.equals(yard)) {
                index = i;
            }
        }
        if (index < 0) {
            return null;
        }
        Worker gone = workers.remove(index);
        if (index < cursor) {
            cursor--;
        }
        if (cursor >= workers.size()) {
            cursor = 0;
        }
        Worker g = gone;
        flows.values().removeIf(w -> w == g);
        List<InFlight> orphans = new ArrayList<>();
        for (Iterator<Entry> it = inFlight.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.worker == gone) {
                orphans.add(new InFlight(yard, e.request, e.attempts));
                it.remove();
            }
        }
        return orphans;
    }

    /**
     * Hands {@code m} (addressed to this pool) to a worker, as described in the class comment; {@code attempts}
     * is how many workers have had it (1 for a new message). Empty when the pool has no worker.
     *
     * @param m the message
     * @param attempts how many workers have had it
     * @return the worker and the message for it
     */
    public synchronized Optional<Dispatch> dispatch(FlowMessage m, int attempts) {
        delivered++;
        if (workers.isEmpty()) {
            return Optional.empty();
        }
        boolean tracked = m.id() != null && (m.kind() == Kind.REQ || m.kind() == Kind.ACKD);
        Key key = tracked ? new Key(m.src(), m.id()) : null;
        Entry again = tracked ? inFlight.get(key) : null;
        Worker w;
        if (again != null) {
            w = again.worker;
        } else if (m.seq() != null) {
            Flow f = new Flow(m.src(), m.dst());
            w = flows.get(f);
            if (w == null) {
                w = pick();
                flows.put(f, w);
                if (flows.size() > maxFlows) {
                    Iterator<Flow> it = flows.keySet().iterator();
                    it.next();
                    it.remove();
                    flowsEvicted++;
                }
            }
        } else {
            w = pick();
        }
        w.dispatched++;
        if (tracked && again == null) {
            inFlight.put(key, new Entry(w, m, attempts));
            w.outstanding++;
            if (inFlight.size() > maxInFlight) {
                Iterator<Entry> it = inFlight.values().iterator();
                it.next().worker.outstanding--;
                it.remove();
                evicted++;
            }
        }
        Address to = w.address;
        if (!m.dst().channel().isEmpty()) {
            to = to.withChannel(m.dst().channel());
        }
        return Optional.of(new Dispatch(w.yard, m.withDst(to)));
    }

    /** The fewest outstanding, the first such from the cursor on (round robin among equals). */
    private Worker pick() {
        int n = workers.size();
        int best = -1;
        for (int i = 0; i < n; i++) {
            int idx = (cursor + i) % n;
            if (best < 0 || workers.get(idx).outstanding < workers.get(best).outstanding) {
                best = idx;
            }
        }
        cursor = (best + 1) % n;
        return workers.get(best);
    }

    /**
     * An answer from {@code yard} with {@code re} to {@code client}: when it answers a request in flight to that
     * worker, the request is done.
     *
     * @param yard the answering worker
     * @param client the request's source
     * @param re the id answered
     * @return true when it answered a request in flight to that worker
     */
    public synchronized boolean answered(String yard, Address client, String re) {
        return take(yard, client, re) != null;
    }

    /**
     * {@return whether the request {@code id} of {@code client} is in flight to the worker {@code yard}}
     *
     * @param yard the worker
     * @param client the request's source
     * @param id the request's id
     */
    public synchronized boolean inFlight(String yard, Address client, String id) {
        Entry e = inFlight.get(new Key(client, id));
        return e != null && e.worker.yard.equals(yard);
    }

    /**
     * Forgets the request {@code id} of {@code client} in flight to {@code yard} (it could not be handed over).
     *
     * @param yard the worker
     * @param client the request's source
     * @param id the request's id
     * @return the request, or null when it was not in flight
     */
    public synchronized InFlight forget(String yard, Address client, String id) {
        Entry e = take(yard, client, id);
        return e == null ? null : new InFlight(yard, e.request, e.attempts);
    }

    private Entry take(String yard, Address client, String id) {
        Key k = new Key(client, id);
        Entry e = inFlight.get(k);
        if (e == null || !e.worker.yard.equals(yard)) {
            return null;
        }
        inFlight.remove(k);
        e.worker.outstanding--;
        return e;
    }

    /**
     * A {@code sub} or {@code unsub} registers or unregisters its {@code src} (answered as {@link #control} says;
     * the in-flight requests of a worker that leaves this way are answered {@code err} {@code failed}). The
     * {@link FlowRouter} hands every other message to a worker with {@link #dispatch}; given here, it is ignored.
     */
    @Override
    public List<FlowMessage> deliver(FlowMessage m) {
        if (m.kind() != Kind.SUB && m.kind() != Kind.UNSUB) {
            return List.of();
        }
        Control c = control(m);
        List<FlowMessage> out = new ArrayList<>(c.answers());
        for (InFlight o : c.orphans()) {
            out.add(orphanError(o));
        }
        return out;
    }

    /**
     * {@return the {@code err} ({@code failed}) answering a request whose worker left}
     *
     * @param o the request in flight
     */
    public FlowMessage orphanError(InFlight o) {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("kind", o.request().kind().wire());
        about.put("dst", o.request().dst().toList());
        about.put("worker", o.worker());
        return FlowMessage.errorTo(o.request().src(), self, o.request().id(), ErrorCode.FAILED,
                "worker '" + o.worker() + "' of share '" + name + "' left before answering").with("data", about);
    }

    /** {@return the workers, in registration order} */
    public synchronized List<WorkerState> workers() {
        List<WorkerState> out = new ArrayList<>(workers.size());
        for (Worker w : workers) {
            out.add(new WorkerState(w.yard, w.address, w.outstanding, w.dispatched));
        }
        return out;
    }

    /**
     * {@return whether {@code yard} is a worker of this pool}
     *
     * @param yard the yard
     */
    public synchronized boolean hasWorker(String yard) {
        for (Worker w : workers) {
            if (w.yard.equals(yard)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Requests in flight.
     *
     * @return the number of requests in flight
     */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    @Override
    public synchronized long delivered() {
        return delivered;
    }

    /** {@return in-flight requests forgotten because the table was full} */
    public synchronized long evicted() {
        return evicted;
    }

    /** {@return sequential-flow affinities forgotten because the table was full} */
    public synchronized long flowsEvicted() {
        return flowsEvicted;
    }

    /**
     * Registrations refused because the pool had all its workers.
     *
     * @return the registrations refused
     */
    public synchronized long refused() {
        return refused;
    }

    @Override
    public String toString() {
        return "PoolShare[" + name + ", " + workers().size() + " workers]";
    }
}
