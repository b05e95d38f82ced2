package io.raet.route;

import static io.raet.route.AddressAndMessageTest.body;
import static io.raet.route.AddressAndMessageTest.list;
import static io.raet.route.FlowRouterTest.msgOf;
import static io.raet.route.FlowRouterTest.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Load-balanced shares driven through the sans-IO {@link FlowRouter}: workers, spreading, leaving, affinity. */
class PoolShareTest {
    static final List<String> WORKERS = List.of("w1", "w2", "w3", "w4");

    FlowRouter router;
    PoolShare pool;
    int ids;

    @BeforeEach
    void setUp() {
        router = new FlowRouter(Topology.of("alpha", Set.of("beta"), Set.of("c", "d", "w1", "w2", "w3", "w4", "x")),
                Policy.allowAll());
        pool = router.shares().pool("jobs");
    }

    /** Registers a worker from its yard; returns the router's answer to it. */
    FlowMessage register(String yard) {
        RouteAction a = only(router.fromLane(yard, body(list("", "", "work"), list("", "", "jobs"),
                "kind", "sub", "id", yard + "-sub")));
        assertThat(a).isInstanceOf(ToLane.class);
        assertThat(((ToLane) a).yard()).isEqualTo(yard);
        return msgOf(a);
    }

    void registerAll() {
        for (String w : WORKERS) {
            assertThat(register(w).kind()).isEqualTo(Kind.ACK);
        }
    }

    /** A request from yard {@code c} to the pool; returns the worker it went to. */
    ToLane request(String kind, Object... fields) {
        Object[] all = new Object[fields.length + 4];
        all[0] = "kind";
        all[1] = kind;
        all[2] = "id";
        all[3] = "r" + ids++;
        System.arraycopy(fields, 0, all, 4, fields.length);
        RouteAction a = only(router.fromLane("c", body(list("", "", "results"), list("", "router", "jobs"), all)));
        assertThat(a).isInstanceOf(ToLane.class);
        return (ToLane) a;
    }

    Map<String, Integer> spread(List<ToLane> sent) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (ToLane l : sent) {
            m.merge(l.yard(), 1, Integer::sum);
        }
        return m;
    }

    FlowMessage answer(ToLane handed, String kind) {
        FlowMessage req = FlowMessage.parse(handed.body());
        FlowMessage rsp = FlowMessage.builder(Kind.fromWire(kind).orElseThrow(), req.dst(), req.src())
                .re(req.id()).data("done").build();
        RouteAction a = only(router.fromLane(handed.yard(), rsp.toBody()));
        return msgOf(a);
    }

    @Test
    void aWorkerRegistersWithASubAndIsAcknowledged() {
        FlowMessage ack = register("w1");
        assertThat(ack.kind()).isEqualTo(Kind.ACK);
        assertThat(ack.re()).isEqualTo("w1-sub");
        assertThat(ack.src()).isEqualTo(Address.of("alpha", "router", "jobs"));
        assertThat(pool.workers()).extracting(PoolShare.WorkerState::address)
                .containsExactly(Address.of("alpha", "w1", "work"));
        // registering again moves it (one registration per yard)
        router.fromLane("w1", body(list("", "", "other"), list("", "", "jobs"), "kind", "sub"));
        assertThat(pool.workers()).extracting(PoolShare.WorkerState::address)
                .containsExactly(Address.of("alpha", "w1", "other"));
    }

    @Test
    void workersAreYardsOfThisEstate() {
        FlowMessage err = msgOf(only(router.fromRoad("beta", "router",
                body(list("", "w9", "work"), list("alpha", "", "jobs"), "kind", "sub", "id", "s1"))));
        assertThat(err.kind()).isEqualTo(Kind.ERR);
        assertThat(err.errorCode()).isEqualTo(ErrorCode.DENIED);
        assertThat(pool.workers()).isEmpty();
    }

    @Test
    void requestsSpreadEvenlyOverWorkersThatDoNotAnswer() {
        registerAll();
        List<ToLane> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(request("req"));
        }
        assertThat(spread(sent)).containsExactlyInAnyOrderEntriesOf(Map.of("w1", 25, "w2", 25, "w3", 25, "w4", 25));
        // the worker sees the message at its registered address, the sender's src kept
        FlowMessage m = FlowMessage.parse(sent.get(0).body());
        assertThat(m.dst()).isEqualTo(Address.of("alpha", sent.get(0).yard(), "work"));
        assertThat(m.src()).isEqualTo(Address.of("alpha", "c", "results"));
        assertThat(pool.inFlight()).isEqualTo(100);
        assertThat(router.stat(Stat.TO_WORKER)).isEqualTo(100);
    }

    @Test
    void theLeastOutstandingWorkerGetsTheNextRequest() {
        registerAll();
        List<ToLane> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(request("req"));
        }
        // w3 answers both of its requests: it is the only one with fewer outstanding
        for (ToLane l : sent) {
            if (l.yard().equals("w3")) {
                FlowMessage rsp = answer(l, "rsp");
                assertThat(rsp.dst()).isEqualTo(Address.of("alpha", "c", "results"));
            }
        }
        assertThat(pool.workers()).filteredOn(w -> w.yard().equals("w3")).extracting(PoolShare.WorkerState::outstanding)
                .containsExactly(0);
        assertThat(request("req").yard()).isEqualTo("w3");
        assertThat(request("req").yard()).isEqualTo("w3");
        // now all are equal again: round robin goes on after w3
        assertThat(request("req").yard()).isEqualTo("w4");
        assertThat(request("req").yard()).isEqualTo("w1");
    }

    @Test
    void anAnswerFromAnotherYardDoesNotCountForTheWorker() {
        registerAll();
        ToLane l = request("req");
        FlowMessage req = FlowMessage.parse(l.body());
        String other = l.yard().equals("w1") ? "w2" : "w1";
        router.fromLane(other, FlowMessage.builder(Kind.RSP, Address.of("", other), req.src()).re(req.id()).build()
                .toBody());
        assertThat(pool.inFlight()).isEqualTo(1);
        answer(l, "err");
        assertThat(pool.inFlight()).isZero();
    }

    @Test
    void plainMessagesGoRoundRobin() {
        registerAll();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            order.add(request("msg").yard());
        }
        assertThat(order).containsExactly("w1", "w2", "w3", "w4", "w1", "w2", "w3", "w4");
        assertThat(pool.inFlight()).isZero();
    }

    @Test
    void aPoolWithoutWorkersAnswersUnknownDestination() {
        FlowMessage err = msgOf(only(router.fromLane("c", body(list(), list("", "", "jobs"), "kind", "req",
                "id", "q"))));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(err.error()).contains("no workers");
        assertThat(router.stat(Stat.NO_WORKER)).isEqualTo(1);
    }

    @Test
    void aWorkerThatLeavesIsDroppedAndItsRequestsAnsweredFailed() {
        registerAll();
        List<ToLane> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(request("req"));
        }
        List<RouteAction> out = router.yardLeft("w2", null);
        assertThat(out).hasSize(2).allSatisfy(a -> {
            assertThat(a).isInstanceOf(ToLane.class);
            assertThat(((ToLane) a).yard()).isEqualTo("c");
            FlowMessage err = msgOf(a);
            assertThat(err.kind()).isEqualTo(Kind.ERR);
            assertThat(err.errorCode()).isEqualTo(ErrorCode.FAILED);
            assertThat(err.dst()).isEqualTo(Address.of("alpha", "c", "results"));
            assertThat(err.src()).isEqualTo(Address.of("alpha", "router", "jobs"));
            assertThat(((Map<?, ?>) err.data()).get("worker")).isEqualTo("w2");
        });
        assertThat(out).extracting(a -> msgOf(a).re()).containsExactlyElementsOf(sent.stream()
                .filter(l -> l.yard().equals("w2")).map(l -> FlowMessage.parse(l.body()).id()).toList());
        assertThat(pool.workers()).extracting(PoolShare.WorkerState::yard).containsExactly("w1", "w3", "w4");
        for (int i = 0; i < 6; i++) {
            assertThat(request("req").yard()).isNotEqualTo("w2");
        }
        assertThat(router.stat(Stat.WORKERS_DROPPED)).isEqualTo(1);
        assertThat(router.stat(Stat.WORKER_FAILED)).isEqualTo(2);
        assertThat(router.yardLeft("w2", null)).isEmpty();
    }

    @Test
    void idempotentRequestsOfAWorkerThatLeftGoToAnother() {
        registerAll();
        ToLane first = request("req", "idempotent", true);
        assertThat(first.yard()).isEqualTo("w1");
        List<RouteAction> out = router.yardLeft("w1", null);
        ToLane again = (ToLane) only(out);
        assertThat(again.yard()).isIn("w2", "w3", "w4");
        FlowMessage m = FlowMessage.parse(again.body());
        assertThat(m.id()).isEqualTo(FlowMessage.parse(first.body()).id());
        assertThat(m.dst().yard()).isEqualTo(again.yard());
        assertThat(router.stat(Stat.WORKER_RETRIED)).isEqualTo(1);
        // the new worker answers it
        answer(again, "rsp");
        assertThat(pool.inFlight()).isZero();
    }

    @Test
    void anIdempotentRequestIsHandedToAtMostThreeWorkers() {
        registerAll();
        ToLane l = request("req", "idempotent", true);
        for (int attempt = 1; attempt < PoolShare.MAX_ATTEMPTS; attempt++) {
            l = (ToLane) only(router.yardLeft(l.yard(), null));
        }
        FlowMessage err = msgOf(only(router.yardLeft(l.yard(), null)));
        assertThat(err.errorCode()).isEqualTo(ErrorCode.FAILED);
        assertThat(pool.workers()).hasSize(1);
    }

    @Test
    void unregisteringIsLeaving() {
        registerAll();
        ToLane l = request("req");
        List<RouteAction> out = router.fromLane(l.yard(), body(list("", "", "work"), list("", "", "jobs"),
                "kind", "unsub", "id", "u1"));
        assertThat(out).hasSize(2);
        assertThat(msgOf(out.get(0)).kind()).isEqualTo(Kind.ACK);
        assertThat(((ToLane) out.get(0)).yard()).isEqualTo(l.yard());
        assertThat(msgOf(out.get(1)).errorCode()).isEqualTo(ErrorCode.FAILED);
        assertThat(((ToLane) out.get(1)).yard()).isEqualTo("c");
        assertThat(pool.hasWorker(l.yard())).isFalse();
    }

    @Test
    void aSendToAGoneWorkerIsAnsweredByThePoolNotTwice() {
        registerAll();
        ToLane l = request("req", "idempotent", true);
        FlowRouter.LaneFailure f = router.laneFailed(l.yard(), l.body(), true, null);
        assertThat(f.answered()).isTrue();
        assertThat(((ToLane) only(f.actions())).yard()).isNotEqualTo(l.yard());
        // not gone (its queue was full): the pool stops waiting, the driver answers
        ToLane l2 = request("req");
        FlowRouter.LaneFailure busy = router.laneFailed(l2.yard(), l2.body(), false, null);
        assertThat(busy.answered()).isFalse();
        assertThat(busy.actions()).isEmpty();
        assertThat(pool.inFlight()).isEqualTo(1);
        assertThat(pool.hasWorker(l2.yard())).isTrue();
    }

    @Test
    void aResentAcknowledgedMessageGoesToTheSameWorker() {
        registerAll();
        Map<String, Object> ackd = body(list("", "", "results"), list("", "", "jobs"), "kind", "ackd", "id", "a1");
        String first = ((ToLane) only(router.fromLane("c", ackd))).yard();
        for (int i = 0; i < 3; i++) {
            request("req");
        }
        assertThat(((ToLane) only(router.fromLane("c", ackd))).yard()).isEqualTo(first);
        assertThat(pool.inFlight()).isEqualTo(4);
    }

    @Test
    void sequentialFlowsKeepToOneWorker() {
        registerAll();
        Sequencer seq = new Sequencer(() -> "s" + ids++);
        Address src = Address.of("", "", "results", "flow1");
        Address dst = Address.of("", "", "jobs", "flow1");
        List<String> flow = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            flow.add(((ToLane) only(router.fromLane("c", seq.next(src, dst, i).toBody()))).yard());
            request("req"); // others load the workers in between
        }
        assertThat(flow).containsOnly(flow.get(0));
        // the channel of the flow reaches the worker
        ToLane l = (ToLane) only(router.fromLane("c", seq.next(src, dst, 9).toBody()));
        assertThat(FlowMessage.parse(l.body()).dst()).isEqualTo(Address.of("alpha", flow.get(0), "work", "flow1"));
        // another flow of the same sender may go elsewhere; after its worker leaves a flow moves on
        router.yardLeft(flow.get(0), null);
        String moved = ((ToLane) only(router.fromLane("c", seq.next(src, dst, 10).toBody()))).yard();
        assertThat(moved).isNotEqualTo(flow.get(0));
        assertThat(((ToLane) only(router.fromLane("c", seq.next(src, dst, 11).toBody()))).yard()).isEqualTo(moved);
    }

    @Test
    void aRemoteSenderIsServedAndItsAnswersCounted() {
        registerAll();
        ToLane l = (ToLane) only(router.fromRoad("beta", "router", body(list("", "cl", "r"), list("alpha", "", "jobs"),
                "kind", "req", "id", "x1")));
        FlowMessage req = FlowMessage.parse(l.body());
        assertThat(req.src()).isEqualTo(Address.of("beta", "cl", "r"));
        RouteAction back = only(router.fromLane(l.yard(), FlowMessage.builder(Kind.RSP, req.dst(), req.src())
                .re("x1").build().toBody()));
        assertThat(back).isInstanceOf(ToRoad.class);
        assertThat(pool.inFlight()).isZero();
    }

    @Test
    void thePoolBoundsItsWorkersAndItsInFlightRequests() {
        PoolShare small = router.shares().add(new PoolShare(Address.of("alpha", "router", "small"), 2, 3, 2));
        for (String w : List.of("w1", "w2")) {
            router.fromLane(w, body(list(), list("", "", "small"), "kind", "sub"));
        }
        FlowMessage refused = msgOf(only(router.fromLane("w3", body(list(), list("", "", "small"), "kind", "sub",
                "id", "s3"))));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.DENIED);
        assertThat(small.refused()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            router.fromLane("c", body(list(), list("", "", "small"), "kind", "req", "id", "q" + i));
        }
        assertThat(small.inFlight()).isEqualTo(3);
        assertThat(small.evicted()).isEqualTo(2);
        assertThat(small.workers()).extracting(PoolShare.WorkerState::outstanding).containsExactlyInAnyOrder(1, 2);
    }
}
