package io.raet.route;

import static io.raet.route.ServicesTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.FlowRouter.Stat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two hosts: estate alpha (road role {@code minion1}) with the yard {@code worker1}, estate beta (road role
 * {@code master}) with the yard {@code svc}. Beta's table is the one in docs/routing.md.
 */
class TwoRoutersTest {
    static final long MS = 1_000_000L;

    InMemoryNet net;
    FlowRouter alpha;
    FlowRouter beta;
    Requester requester;
    List<FlowMessage> workerInbox;
    Shares svcShares;
    List<FlowMessage> svcSeen;

    @BeforeEach
    void setUp() {
        net = new InMemoryNet();
        alpha = net.host("alpha", "minion1", Set.of("beta"), Set.of("worker1"), Policy.allowAll());
        beta = net.host("beta", "master", Set.of("alpha"), Set.of("svc"), Policy.parseJson(PolicyTest.DOC_TABLE));

        requester = new Requester(Address.of("", "", "results"), 1000 * MS, new Ids("w"));
        workerInbox = new ArrayList<>();
        net.yard("alpha", "worker1", m -> {
            if (!requester.onMessage(m)) {
                workerInbox.add(m);
            }
        });

        svcShares = new Shares(Address.of("beta", "svc"));
        QueueShare jobs = svcShares.queue("jobs.high");
        svcShares.bestValue("status");
        svcSeen = new ArrayList<>();
        net.yard("beta", "svc", m -> {
            svcSeen.add(m);
            for (FlowMessage out : svcShares.deliver(m)) {
                net.send("beta", "svc", out);
            }
            for (FlowMessage job : jobs.drain()) {
                if (job.kind() == Kind.REQ) {
                    net.send("beta", "svc", Responder.handle(job, d -> Map.of("done", d, "by", "svc")));
                }
            }
        });
    }

    CompletableFuture<FlowMessage> request(Address dst, Object data) {
        var p = requester.request(dst, data, 0);
        net.send("alpha", "worker1", p.request());
        net.run();
        return p.response();
    }

    @Test
    void requestToAShareBehindTheOtherRouterGetsItsResponse() {
        var f = request(Address.of("beta", "svc", "jobs.high"), "build");
        assertThat(f).isCompleted();
        FlowMessage rsp = f.join();
        assertThat(rsp.kind()).isEqualTo(Kind.RSP);
        assertThat(rsp.data()).isEqualTo(Map.of("done", "build", "by", "svc"));
        assertThat(rsp.src()).isEqualTo(Address.of("beta", "svc", "jobs.high"));
        assertThat(rsp.dst()).isEqualTo(Address.of("alpha", "worker1", "results"));
        // the request arrived at svc with its src filled in by alpha's router
        assertThat(svcSeen.get(0).src()).isEqualTo(Address.of("alpha", "worker1", "results"));
        assertThat(alpha.stat(Stat.TO_ROAD)).isEqualTo(1);
        assertThat(alpha.stat(Stat.TO_LANE)).isEqualTo(1);
        assertThat(beta.stat(Stat.TO_LANE)).isEqualTo(1);
        assertThat(beta.stat(Stat.TO_ROAD)).isEqualTo(1);
        assertThat(net.drops).isEmpty();
        assertThat(requester.pending()).isZero();
    }

    @Test
    void deniedAddressGetsAnErrBackAndNothingReachesTheYard() {
        var f = request(Address.of("beta", "svc", "admin.reset"), "now");
        FlowException e = failure(f);
        assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
        assertThat(e.error().src()).isEqualTo(Address.of("beta", "router"));
        assertThat(e.getMessage()).contains("minion1").contains("beta/svc/admin.reset");
        assertThat(svcSeen).isEmpty();
        assertThat(beta.stat(Stat.DENIED)).isEqualTo(1);
        assertThat(beta.stat(Stat.ERRORS_SENT)).isEqualTo(1);
        assertThat(alpha.stat(Stat.TO_LANE)).isEqualTo(1);
    }

    @Test
    void deniedAfterThePolicyIsReplacedAtRunTime() {
        assertThat(request(Address.of("beta", "svc", "jobs.high"), 1L)).isCompleted();
        beta.policy(Policy.parseJson("[{\"role\": \"minion*\", \"dst\": \"*\", \"action\": \"deny\"}]"));
        assertThat(failure(request(Address.of("beta", "svc", "jobs.high"), 2L)).code()).isEqualTo(ErrorCode.DENIED);
    }

    @Test
    void unknownYardAndShareAreAnsweredAcrossTheRoad() {
        FlowException yard = failure(request(Address.of("beta", "nowhere", "jobs.x"), 1L));
        assertThat(yard.code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        FlowException share = failure(request(Address.of("beta", "svc", "jobs.none"), 1L));
        assertThat(share.code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
        assertThat(share.error().src()).isEqualTo(Address.of("beta", "svc"));
        FlowException estate = failure(request(Address.of("omega", "svc", "jobs.x"), 1L));
        assertThat(estate.code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(beta.stat(Stat.RECEIVED_ROAD)).isEqualTo(2);
    }

    @Test
    void unansweredRequestTimesOut() {
        var f = request(Address.of("beta", "svc", "status"), "ping");
        assertThat(f).isNotDone();
        assertThat(svcShares.get("status").map(s -> ((BestValueShare) s).get().orElseThrow().data())).contains("ping");
        requester.tick(1000 * MS);
        assertThat(failure(f).code()).isEqualTo(ErrorCode.TIMEOUT);
    }

    @Test
    void errorsAreNeverAnsweredWithErrorsAcrossRouters() {
        // an err from svc to a yard alpha does not have: alpha drops it instead of answering, no ping-pong
        net.send("beta", "svc", FlowMessage.errorTo(Address.of("alpha", "ghost", "x"), Address.of("", "", "jobs.high"),
                "1", ErrorCode.TIMEOUT, "late"));
        net.run();
        assertThat(alpha.stat(Stat.ERRORS_SUPPRESSED)).isEqualTo(1);
        assertThat(net.drops).hasSize(1);
        assertThat(beta.stat(Stat.RECEIVED_ROAD)).isZero();
    }

    @Test
    void ackedSequentialDeliveryOverALossyRoadArrivesOnceAndInOrder() {
        Random rnd = new Random(7);
        net.roadLoss = b -> rnd.nextDouble() < 0.35;
        AckedSender sender = new AckedSender(Address.of("", "", "results"), 30 * MS, 60, new Ids("k"));
        Sequencer seq = new Sequencer(new Ids("q"));
        AckedReceiver receiver = new AckedReceiver(60_000 * MS, 10_000);
        Resequencer reseq = new Resequencer(64);
        Map<Object, Integer> counts = new HashMap<>();
        List<Object> inOrder = new ArrayList<>();
        long[] now = {0};
        net.yard("alpha", "worker1", m -> sender.onMessage(m));
        net.yard("beta", "svc", m -> {
            var receipt = receiver.receive(m, now[0]);
            net.send("beta", "svc", receipt.ack());
            if (receipt.deliver()) {
                for (FlowMessage d : reseq.receive(m)) {
                    counts.merge(d.data(), 1, Integer::sum);
                    inOrder.add(d.data());
                }
            }
        });
        Address dst = Address.of("beta", "svc", "jobs.high", "stream");
        List<CompletableFuture<FlowMessage>> acks = new ArrayList<>();
        for (long i = 0; i < 40; i++) {
            var p = sender.send(seq.next(Address.of("", "", "results"), dst, i), now[0]);
            acks.add(p.acked());
            net.send("alpha", "worker1", p.message());
        }
        net.run();
        while (sender.pending() > 0 && now[0] < 600_000 * MS) {
            now[0] += 10 * MS;
            for (FlowMessage again : sender.tick(now[0])) {
                net.send("alpha", "worker1", again);
            }
            net.run();
        }
        assertThat(net.lost).isPositive();
        assertThat(receiver.duplicates()).isPositive();
        assertThat(acks).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(inOrder).isEqualTo(ResequencerProperties.range(40));
        assertThat(counts.values()).allMatch(n -> n == 1);
    }

    @Test
    void pubSubAcrossTheRoad() {
        TopicShare topic = beta.shares().topic("news");
        beta.policy(Policy.allowAll());
        net.send("alpha", "worker1", FlowMessage.builder(Kind.SUB, Address.of("", "", "feed"),
                Address.of("beta", "", "news")).build());
        net.run();
        assertThat(topic.subscribers()).containsExactly(Address.of("alpha", "worker1", "feed"));
        net.send("beta", "svc", FlowMessage.builder(Kind.PUB, Address.of("", "", "jobs.high"),
                Address.of("", "", "news")).data("hello").build());
        net.run();
        assertThat(workerInbox).hasSize(1);
        FlowMessage copy = workerInbox.get(0);
        assertThat(copy.data()).isEqualTo("hello");
        assertThat(copy.src()).isEqualTo(Address.of("beta", "router", "news"));
        assertThat(copy.dst()).isEqualTo(Address.of("alpha", "worker1", "feed"));
    }
}
