package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.route.PoolShare;
import io.raet.route.PresenceEvent;
import io.raet.route.QueueShare;
import io.raet.route.Stamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live router (alpha, lane directory {@code a}) with the load-balanced share {@code jobs}, an alias file it
 * re-reads, its presence topic and a topic share {@code events}; Java yards are its workers, clients and watchers.
 */
@Timeout(60)
class RouterFlowsTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    Path dir;
    Path aliasFile;
    Router alpha;
    final List<AutoCloseable> closing = new ArrayList<>();
    final List<RouterEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dir = Files.createDirectories(tmp.resolve("a"));
        aliasFile = tmp.resolve("aliases.json");
        writeAliases("{}");
        alpha = Router.start(RouterConfig.builder("alpha").port(0).laneDir(dir).aliasFile(aliasFile)
                .policyPoll(Duration.ofMillis(50)).share("jobs", RouterConfig.ShareKind.POOL)
                .share("events", RouterConfig.ShareKind.TOPIC).build(), events::add);
        closing.add(alpha);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : closing.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // next
            }
        }
    }

    Yard yard(String name) throws Exception {
        Yard y = Yard.builder(name).dir(dir).requestTimeout(WAIT).build();
        closing.add(y);
        return y;
    }

    void writeAliases(String json) throws Exception {
        Path t = aliasFile.resolveSibling("aliases.tmp");
        Files.writeString(t, json);
        Files.move(t, aliasFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static FlowException failure(CompletableFuture<?> f) throws Exception {
        try {
            get(f);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(FlowException.class);
            return (FlowException) e.getCause();
        }
        throw new AssertionError("succeeded");
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static final Address JOBS = Address.builder().share("jobs").build();

    @Test
    void requestsSpreadOverFourWorkers() throws Exception {
        for (String w : List.of("w1", "w2", "w3", "w4")) {
            Yard y = yard(w);
            assertThat(get(y.work("jobs", data -> Map.of("by", w, "echo", data))).kind()).isEqualTo(Kind.ACK);
        }
        Yard client = yard("client");
        Map<String, Integer> spread = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            FlowMessage rsp = get(client.request(JOBS, i));
            spread.merge((String) ((Map<?, ?>) rsp.data()).get("by"), 1, Integer::sum);
            // the router stamped the request; the worker's answer came back with its own stamp
            assertThat(Stamp.parse((String) rsp.stamp())).isNotNull();
        }
        // one request at a time: every worker has nothing outstanding, so they take turns
        assertThat(spread).isEqualTo(Map.of("w1", 10, "w2", 10, "w3", 10, "w4", 10));
        // many at once still reach every worker
        List<CompletableFuture<FlowMessage>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(client.request(JOBS, i));
        }
        Map<String, Integer> burst = new TreeMap<>();
        for (CompletableFuture<FlowMessage> f : all) {
            burst.merge((String) ((Map<?, ?>) get(f).data()).get("by"), 1, Integer::sum);
        }
        assertThat(burst.keySet()).containsExactly("w1", "w2", "w3", "w4");
        assertThat(burst.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(alpha.stats()).containsEntry("route_to_worker", 140L);
    }

    @Test
    void aWorkerThatLeavesHasItsRequestsAnsweredOrHandedOn() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        Yard slow = yard("slow");
        CountDownLatch release = new CountDownLatch(1);
        closing.add(release::countDown);
        get(slow.work("jobs", data -> {
            holding.countDown();
            while (release.getCount() > 0) { // holds the request until the test ends, the yard long closed
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // closing the yard interrupts its threads: keep holding
                }
            }
            return "late";
        }));
        Yard client = yard("client");
        CompletableFuture<FlowMessage> plain = client.request(JOBS, "plain");
        FlowMessage idem = FlowMessage.builder(Kind.REQ, client.address(), JOBS).id(client.newId()).data("again")
                .field("idempotent", true).build();
        CompletableFuture<FlowMessage> retried = client.request(idem, WAIT);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue(); // the worker holds one, the other waits in its share
        PoolShare pool = (PoolShare) alpha.shares().get("jobs").orElseThrow();
        awaitTrue(() -> pool.inFlight() == 2);
        Yard fast = yard("fast");
        get(fast.work("jobs", data -> Map.of("by", "fast", "echo", data)));
        slow.close(); // its socket goes: the router sees it leave
        FlowException f = failure(plain);
        assertThat(f.code()).isEqualTo(ErrorCode.FAILED);
        assertThat(f.getMessage()).contains("worker 'slow'");
        assertThat(get(retried).data()).isEqualTo(Map.of("by", "fast", "echo", "again"));
        assertThat(alpha.stats()).containsEntry("route_workers_dropped", 1L).containsEntry("route_worker_failed", 1L)
                .containsEntry("route_worker_retried", 1L);
        // the pool goes on with the worker that stayed; without workers it answers unknown_destination
        assertThat(get(client.request(JOBS, 1)).data()).isEqualTo(Map.of("by", "fast", "echo", 1L));
        get(fast.leave("jobs"));
        assertThat(failure(client.request(JOBS, 2)).code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
    }

    @Test
    void theAliasFileIsReReadWhenItChanges() throws Exception {
        Yard svc = yard("svc");
        svc.serve("orders", data -> "svc");
        Yard staging = yard("staging");
        staging.serve("orders", data -> "staging");
        QueueShare tapped = yard("tap").queue("orders");
        Yard client = yard("client");
        Address orders = Address.builder().yard("svc").share("orders").build();
        assertThat(get(client.request(orders, 1)).data()).isEqualTo("svc");
        writeAliases("""
                {"aliases": [{"dst": "*/svc/orders", "yard": "staging"}],
                 "taps": [{"dst": "*/staging/orders", "yard": "tap"}]}""");
        awaitEvent(RouterEvent.AliasesLoaded.class, 1);
        FlowMessage rsp = get(client.request(orders, 2));
        assertThat(rsp.data()).isEqualTo("staging");
        assertThat(rsp.src()).isEqualTo(Address.of("alpha", "staging", "orders"));
        FlowMessage copy = tapped.take();
        assertThat(copy.kind()).isEqualTo(Kind.MSG);
        assertThat(copy.data()).isEqualTo(2L);
        assertThat(((Map<?, ?>) copy.get("tap")).get("kind")).isEqualTo("req");
        // a bad table is refused and the one in force stays
        writeAliases("{\"aliases\": [{\"dst\": \"*\"}]}");
        awaitEvent(RouterEvent.AliasesRejected.class, 1);
        assertThat(get(client.request(orders, 3)).data()).isEqualTo("staging");
        writeAliases("{}");
        awaitEvent(RouterEvent.AliasesLoaded.class, 2);
        assertThat(get(client.request(orders, 4)).data()).isEqualTo("svc");
        assertThat(alpha.stats()).containsEntry("alias_reloads", 2L).containsEntry("alias_rejected", 1L);
    }

    void awaitEvent(Class<? extends RouterEvent> type, long count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.stream().filter(type::isInstance).count() < count + (type == RouterEvent.AliasesLoaded.class
                ? 1 : 0)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void presenceTellsYardsOfEstatesAndYards() throws Exception {
        Yard watcher = yard("watcher");
        BlockingQueue<PresenceEvent> seen = new LinkedBlockingQueue<>();
        get(watcher.presence(seen::add));
        PresenceEvent snap = seen.poll(10, TimeUnit.SECONDS);
        assertThat(snap.event()).isEqualTo("snapshot");
        assertThat(snap.yards()).contains("watcher");
        Yard other = yard("newcomer");
        assertThat(next(seen, "arrived").yard()).isEqualTo("newcomer");
        other.close();
        PresenceEvent left = next(seen, "left");
        assertThat(left.yard()).isEqualTo("newcomer");
        assertThat(left.estate()).isEqualTo("alpha");
        assertThat(left.stamp()).isInstanceOf(String.class);
        // another router joins: joined, allowed (and alive) for its estate
        Files.createDirectories(tmp.resolve("b"));
        Router beta = Router.start(RouterConfig.builder("beta").port(0).laneDir(tmp.resolve("b"))
                .join(alpha.address()).joinRetry(Duration.ofMillis(200)).build());
        closing.add(beta);
        assertThat(next(seen, "joined").estate()).isEqualTo("beta");
        assertThat(next(seen, "allowed").estate()).isEqualTo("beta");
        assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new RouterEvent.YardChanged("newcomer", "left")));
    }

    static PresenceEvent next(BlockingQueue<PresenceEvent> q, String event) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            PresenceEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.event().equals(event)) {
                return e;
            }
        }
        throw new AssertionError("no " + event + " event");
    }

    @Test
    void subscribersChooseTheirPublicationsByTag() throws Exception {
        Yard sub = yard("sub");
        QueueShare jobs = sub.queue("jobs");
        QueueShare all = sub.queue("all");
        Address events = Address.builder().share("events").build();
        get(sub.subscribe(events, "jobs", "job.*"));
        get(sub.subscribe(events, "all"));
        Yard pub = yard("pub");
        get(pub.publish(events, 1, "log"));
        get(pub.publish(events, 2, "job.done"));
        assertThat(jobs.take().data()).isEqualTo(2L);
        assertThat(all.take().data()).isEqualTo(1L);
        FlowMessage second = all.take();
        assertThat(second.data()).isEqualTo(2L);
        assertThat(second.tag()).isEqualTo("job.done");
        assertThat(jobs.poll()).isEmpty();
    }
}
