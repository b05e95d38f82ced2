package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharesTest {
    static final Address SRC = Address.of("alpha", "w1", "out");

    static FlowMessage to(String share, Object data) {
        return FlowMessage.msg(SRC, Address.of("beta", "svc", share), data);
    }

    @Test
    void bestValueKeepsOnlyTheNewest() {
        List<Object> seen = new ArrayList<>();
        Shares s = new Shares(Address.of("beta", "svc"));
        BestValueShare temp = s.bestValue("sensor.temp", m -> seen.add(m.data()));
        assertThat(temp.get()).isEmpty();
        for (long i = 1; i <= 5; i++) {
            assertThat(s.deliver(to("sensor.temp", i))).isEmpty();
        }
        assertThat(temp.get().orElseThrow().data()).isEqualTo(5L);
        assertThat(temp.get().orElseThrow().data()).isEqualTo(5L);
        assertThat(temp.replaced()).isEqualTo(4);
        assertThat(temp.delivered()).isEqualTo(5);
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(temp.clear()).isPresent();
        assertThat(temp.get()).isEmpty();
    }

    @Test
    void queueKeepsEveryMessageInOrderAndDropsTheOldestWhenFull() {
        Shares s = new Shares(Address.of("beta", "svc"));
        QueueShare q = s.queue("jobs", 3, QueueShare.Overflow.DROP_OLDEST);
        for (long i = 1; i <= 5; i++) {
            s.deliver(to("jobs", i));
        }
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.dropped()).isEqualTo(2);
        assertThat(q.drain()).extracting(FlowMessage::data).containsExactly(3L, 4L, 5L);
        assertThat(q.poll()).isEmpty();
    }

    @Test
    void queueCanRefuseNewWhenFull() {
        QueueShare q = new QueueShare("jobs", 2, QueueShare.Overflow.REFUSE_NEW);
        assertThat(q.offer(to("jobs", 1L))).isTrue();
        assertThat(q.offer(to("jobs", 2L))).isTrue();
        assertThat(q.offer(to("jobs", 3L))).isFalse();
        assertThat(q.dropped()).isEqualTo(1);
        assertThat(q.drain()).extracting(FlowMessage::data).containsExactly(1L, 2L);
    }

    @Test
    void queueTakeBlocksOnAVirtualThreadUntilAMessageOrTimeout() throws Exception {
        QueueShare q = new QueueShare("jobs");
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiting = ex.submit(() -> q.take(Duration.ofSeconds(10)));
            Thread.sleep(50);
            q.offer(to("jobs", "x"));
            assertThat(waiting.get(10, TimeUnit.SECONDS).orElseThrow().data()).isEqualTo("x");
            var empty = ex.submit(() -> q.take(Duration.ofMillis(30)));
            assertThat(empty.get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void shareNames() {
        assertThat(Shares.isValidName("")).isTrue();
        assertThat(Shares.isValidName("jobs.high")).isTrue();
        assertThat(Shares.isValidName("jobs..high")).isFalse();
        assertThat(Shares.isValidName(".jobs")).isFalse();
        assertThat(Shares.isValidName("a/b")).isFalse();
        assertThat(Shares.isValidName("a*")).isFalse();
        Shares s = new Shares(Address.of("beta", "svc", "ignored", "c"));
        assertThat(s.home()).isEqualTo(Address.of("beta", "svc"));
        s.queue("jobs");
        assertThatThrownBy(() -> s.bestValue("jobs")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.queue("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.names()).containsExactly("jobs");
        assertThat(s.remove("jobs")).isTrue();
        assertThat(s.has("jobs")).isFalse();
    }

    @Test
    void unknownShareInAYardIsAnsweredToSrcButNotForAnErr() {
        Shares s = new Shares(Address.of("beta", "svc"));
        List<FlowMessage> out = s.deliver(to("nope", 1L));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).kind()).isEqualTo(Kind.ERR);
        assertThat(out.get(0).code()).isEqualTo("unknown_share");
        assertThat(out.get(0).dst()).isEqualTo(SRC);
        assertThat(out.get(0).src()).isEqualTo(Address.of("beta", "svc"));
        FlowMessage err = FlowMessage.errorTo(Address.of("beta", "svc", "nope"), SRC, null, ErrorCode.DENIED, "x");
        assertThat(s.deliver(err)).isEmpty();
        assertThat(s.unknown()).isEqualTo(2);
    }

    @Test
    void pubSubFansOutOneRoutedCopyPerSubscriber() {
        FlowRouter router = new FlowRouter(Topology.of("alpha", Set.of("beta"), Set.of("w1", "w2")), Policy.allowAll());
        TopicShare news = router.shares().topic("news");
        // subscribers: two local yards (relative src filled by the router), one remote estate's yard
        router.settle(router.fromLane("w1", FlowMessage.builder(Kind.SUB, Address.of("", "", "in"),
                Address.of("", "", "news")).build().toBody()));
        router.settle(router.fromLane("w2", FlowMessage.builder(Kind.SUB, Address.of("", "", "in", "c2"),
                Address.of("", "", "news")).build().toBody()));
        router.settle(router.fromRoad("beta", "master", FlowMessage.builder(Kind.SUB, Address.of("beta", "svc", "feed"),
                Address.of("alpha", "", "news")).build().toBody()));
        // a duplicate sub is idempotent
        router.settle(router.fromLane("w1", FlowMessage.builder(Kind.SUB, Address.of("", "", "in"),
                Address.of("", "", "news")).build().toBody()));
        assertThat(news.subscribers()).containsExactly(Address.of("alpha", "w1", "in"),
                Address.of("alpha", "w2", "in", "c2"), Address.of("beta", "svc", "feed"));

        FlowMessage pub = FlowMessage.builder(Kind.PUB, Address.of("", "", "src"), Address.of("", "", "news"))
                .id("p1").data("headline").field("x-meta", 1L).build();
        List<RouteAction> out = router.settle(router.fromLane("w1", pub.toBody()));
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOfSatisfying(ToLane.class, l -> assertThat(l.yard()).isEqualTo("w1"));
        assertThat(out.get(1)).isInstanceOfSatisfying(ToLane.class, l -> assertThat(l.yard()).isEqualTo("w2"));
        assertThat(out.get(2)).isInstanceOfSatisfying(ToRoad.class, r -> assertThat(r.estate()).isEqualTo("beta"));
        List<FlowMessage> copies = out.stream().map(FlowRouterTest::msgOf).toList();
        assertThat(copies).extracting(FlowMessage::dst).containsExactlyElementsOf(news.subscribers());
        for (FlowMessage c : copies) {
            assertThat(c.kind()).isEqualTo(Kind.MSG);
            assertThat(c.data()).isEqualTo("headline");
            assertThat(c.src()).isEqualTo(Address.of("alpha", "router", "news"));
            assertThat(c.get("topic")).isEqualTo("news");
            assertThat(c.get("x-meta")).isEqualTo(1L);
            assertThat(c.get("origin")).isEqualTo(java.util.Map.of("src", List.of("alpha", "w1", "src", ""), "id", "p1"));
        }
        router.settle(router.fromLane("w2", FlowMessage.builder(Kind.UNSUB, Address.of("", "", "in", "c2"),
                Address.of("", "", "news")).build().toBody()));
        assertThat(router.settle(router.fromLane("w1", pub.toBody()))).hasSize(2);
        assertThat(news.published()).isEqualTo(2);
    }

    @Test
    void topicSubscriberBoundAndOtherKinds() {
        TopicShare t = new TopicShare(Address.of("e", "y", "t"), 1);
        assertThat(t.deliver(FlowMessage.builder(Kind.SUB, Address.of("e", "a"), t.address()).build())).isEmpty();
        t.deliver(FlowMessage.builder(Kind.SUB, Address.of("e", "b"), t.address()).build());
        assertThat(t.subscribers()).containsExactly(Address.of("e", "a"));
        assertThat(t.refused()).isEqualTo(1);
        assertThat(t.deliver(FlowMessage.msg(Address.of("e", "a"), t.address(), 1L))).isEmpty();
        assertThat(t.ignored()).isEqualTo(1);
    }

    @Test
    void subscriptionsWithAnIdAreAcknowledgedAndARefusalIsAnError() {
        TopicShare t = new TopicShare(Address.of("e", "y", "t"), 1);
        Address a = Address.of("e", "a", "in");
        List<FlowMessage> ack = t.deliver(FlowMessage.builder(Kind.SUB, a, t.address().withChannel("c")).id("s1")
                .build());
        assertThat(ack).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Kind.ACK);
            assertThat(m.re()).isEqualTo("s1");
            assertThat(m.src()).isEqualTo(Address.of("e", "y", "t", "c"));
            assertThat(m.dst()).isEqualTo(a);
        });
        // again: still one subscription, acknowledged again
        assertThat(t.deliver(FlowMessage.builder(Kind.SUB, a, t.address()).id("s2").build()))
                .singleElement().satisfies(m -> assertThat(m.re()).isEqualTo("s2"));
        List<FlowMessage> full = t.deliver(FlowMessage.builder(Kind.SUB, Address.of("e", "b"), t.address()).id("s3")
                .build());
        assertThat(full).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Kind.ERR);
            assertThat(m.errorCode()).isEqualTo(ErrorCode.DENIED);
            assertThat(m.re()).isEqualTo("s3");
        });
        assertThat(t.deliver(FlowMessage.builder(Kind.UNSUB, a, t.address()).id("u1").build()))
                .singleElement().satisfies(m -> assertThat(m.kind()).isEqualTo(Kind.ACK));
        assertThat(t.subscribers()).isEmpty();
    }
}
