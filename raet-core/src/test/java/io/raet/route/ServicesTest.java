package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ServicesTest {
    static final long MS = 1_000_000L;
    static final Address ME = Address.of("alpha", "w1", "results");
    static final Address SVC = Address.of("beta", "svc", "jobs");

    static FlowException failure(java.util.concurrent.CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
        } catch (CompletionException e) {
            return (FlowException) e.getCause();
        }
        throw new AssertionError("not failed");
    }

    @Test
    void requestsAreCorrelatedByIdInAnyOrder() {
        Requester r = new Requester(ME, 1000 * MS, new Ids("t"));
        var p1 = r.request(SVC, "one", 0);
        var p2 = r.request(SVC, "two", 0);
        assertThat(p1.request().kind()).isEqualTo(Kind.REQ);
        assertThat(p1.request().id()).isEqualTo("t-1");
        assertThat(p2.request().id()).isEqualTo("t-2");
        assertThat(r.pending()).isEqualTo(2);
        assertThat(r.onMessage(Responder.respond(p2.request(), "TWO"))).isTrue();
        assertThat(p1.response()).isNotDone();
        assertThat(p2.response().join().data()).isEqualTo("TWO");
        // answers to nothing pending, and other kinds, are not consumed
        assertThat(r.onMessage(Responder.respond(p2.request(), "again"))).isFalse();
        assertThat(r.onMessage(FlowMessage.msg(SVC, ME, "x"))).isFalse();
        assertThat(r.onMessage(Responder.fail(p1.request(), ErrorCode.DENIED, "no"))).isTrue();
        FlowException e = failure(p1.response());
        assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
        assertThat(e.error().re()).isEqualTo("t-1");
        assertThat(r.pending()).isZero();
    }

    @Test
    void requestsTimeOutOnTick() {
        Requester r = new Requester(ME, 100 * MS, new Ids("t"));
        var p1 = r.request(SVC, 1L, 0);
        var p2 = r.request(SVC, 2L, 500 * MS, 50 * MS);
        assertThat(r.nextWakeup()).isEqualTo(100 * MS);
        assertThat(r.tick(99 * MS)).isZero();
        assertThat(r.tick(100 * MS)).isEqualTo(1);
        assertThat(failure(p1.response()).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(r.nextWakeup()).isEqualTo(550 * MS);
        // a late answer is not consumed
        assertThat(r.onMessage(Responder.respond(p1.request(), "late"))).isFalse();
        assertThat(r.cancel(p2.request().id())).isTrue();
        assertThat(p2.response()).isCancelled();
        assertThat(r.nextWakeup()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.timeouts()).isEqualTo(1);
        assertThatThrownBy(() -> r.request(FlowMessage.msg(ME, SVC, 1L), 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ackedDeliveryOverALossyLinkArrivesExactlyOnce() {
        Random rnd = new Random(42);
        AckedSender sender = new AckedSender(ME, 20 * MS, 50, new Ids("a"));
        AckedReceiver receiver = new AckedReceiver(10_000 * MS, 10_000);
        Map<Object, Integer> delivered = new HashMap<>();
        List<Object> order = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<FlowMessage>> acks = new ArrayList<>();
        List<FlowMessage> wire = new ArrayList<>();
        long now = 0;
        for (long i = 0; i < 100; i++) {
            var p = sender.send(SVC, i, now);
            acks.add(p.acked());
            wire.add(p.message());
        }
        int lost = 0;
        while (sender.pending() > 0 && now < 100_000 * MS) {
            List<FlowMessage> next = new ArrayList<>();
            for (FlowMessage m : wire) {
                if (rnd.nextDouble() < 0.4) { // the action is dropped: the packet is lost
                    lost++;
                    continue;
                }
                if (m.kind() == Kind.ACKD) {
                    var receipt = receiver.receive(m, now);
                    if (receipt.deliver()) {
                        delivered.merge(m.data(), 1, Integer::sum);
                        order.add(m.data());
                    }
                    next.add(receipt.ack());
                } else {
                    sender.onMessage(m);
                }
            }
            now += 5 * MS;
            next.addAll(sender.tick(now));
            wire = next;
        }
        assertThat(lost).isPositive();
        assertThat(sender.resent()).isPositive();
        assertThat(receiver.duplicates()).isPositive();
        assertThat(delivered).hasSize(100);
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(acks).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void ackedDeliveryGivesUpAfterTheRetries() {
        AckedSender sender = new AckedSender(ME, 10 * MS, 2, new Ids("a"));
        var p = sender.send(SVC, "x", 0);
        assertThat(sender.nextWakeup()).isEqualTo(10 * MS);
        assertThat(sender.tick(10 * MS)).containsExactly(p.message());
        assertThat(sender.tick(15 * MS)).isEmpty();
        assertThat(sender.tick(20 * MS)).containsExactly(p.message());
        assertThat(p.acked()).isNotDone();
        assertThat(sender.tick(30 * MS)).isEmpty();
        assertThat(failure(p.acked()).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(sender.failed()).isEqualTo(1);
        // an err answering an ackd fails it
        var q = sender.send(FlowMessage.msg(ME, SVC, "y"), 40 * MS);
        assertThat(q.message().kind()).isEqualTo(Kind.ACKD);
        assertThat(q.message().id()).isNotNull();
        sender.onMessage(Responder.fail(q.message(), ErrorCode.UNKNOWN_SHARE, "none"));
        assertThat(failure(q.acked()).code()).isEqualTo(ErrorCode.UNKNOWN_SHARE);
    }

    @Test
    void receiverAlwaysAcksAndForgetsAfterTheWindow() {
        AckedReceiver r = new AckedReceiver(100 * MS, 2);
        FlowMessage m = FlowMessage.builder(Kind.ACKD, ME, SVC).id("1").build();
        var first = r.receive(m, 0);
        assertThat(first.deliver()).isTrue();
        assertThat(first.ack().kind()).isEqualTo(Kind.ACK);
        assertThat(first.ack().re()).isEqualTo("1");
        assertThat(first.ack().dst()).isEqualTo(ME);
        assertThat(r.receive(m, 50 * MS).deliver()).isFalse();
        // the same id from another src is another message
        assertThat(r.receive(m.withSrc(Address.of("gamma", "w1", "results")), 50 * MS).deliver()).isTrue();
        assertThat(r.receive(m, 149 * MS).deliver()).isFalse();
        assertThat(r.receive(m, 400 * MS).deliver()).isTrue();
        assertThat(r.remembered()).isEqualTo(1);
        assertThatThrownBy(() -> r.receive(FlowMessage.msg(ME, SVC, 1L), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void repeaterResendsEveryPeriodUntilCancelled() {
        Repeater rep = new Repeater();
        FlowMessage beat = FlowMessage.msg(ME, SVC, "beat");
        long h = rep.start(beat, 100 * MS, 0);
        assertThat(rep.tick(50 * MS)).isEmpty();
        assertThat(rep.tick(100 * MS)).containsExactly(beat);
        assertThat(rep.tick(150 * MS)).isEmpty();
        assertThat(rep.tick(200 * MS)).containsExactly(beat);
        assertThat(rep.tick(550 * MS)).containsExactly(beat); // missed periods are not sent in a burst
        assertThat(rep.nextWakeup()).isEqualTo(650 * MS);
        assertThat(rep.cancel(h)).isTrue();
        assertThat(rep.cancel(h)).isFalse();
        assertThat(rep.tick(10_000 * MS)).isEmpty();
        long limited = rep.start(beat, 10 * MS, 3, 0);
        assertThat(rep.tick(10 * MS)).hasSize(1);
        assertThat(rep.tick(20 * MS)).hasSize(1);
        assertThat(rep.tick(30 * MS)).isEmpty();
        assertThat(rep.active()).isZero();
        assertThat(rep.cancel(limited)).isFalse();
    }

    @Test
    void sequencerNumbersPerFlowAndResequencerOrders() {
        Sequencer s = new Sequencer(new Ids("s"));
        Address other = SVC.withChannel("c2");
        FlowMessage a0 = s.next(ME, SVC, "a0");
        FlowMessage b0 = s.next(ME, other, "b0");
        FlowMessage a1 = s.next(ME, SVC, "a1");
        FlowMessage a2 = s.next(ME, SVC, "a2");
        assertThat(List.of(a0.seq(), b0.seq(), a1.seq(), a2.seq())).containsExactly(0L, 0L, 1L, 2L);
        assertThat(a0.id()).isNotEqualTo(a1.id());
        Resequencer r = new Resequencer(8);
        assertThat(r.receive(a2)).isEmpty();
        assertThat(r.receive(b0)).containsExactly(b0);
        assertThat(r.receive(a2)).isEmpty();
        assertThat(r.receive(a0)).containsExactly(a0);
        assertThat(r.receive(a1)).containsExactly(a1, a2);
        assertThat(r.receive(a1)).isEmpty();
        assertThat(r.duplicates()).isEqualTo(2);
        assertThat(r.expected(ME, SVC)).isEqualTo(3);
        FlowMessage plain = FlowMessage.msg(ME, SVC, "p");
        assertThat(r.receive(plain)).containsExactly(plain);
        s.reset(ME, SVC);
        r.reset(ME, SVC);
        assertThat(r.receive(s.next(ME, SVC, "again")).get(0).seq()).isZero();
    }

    @Test
    void resequencerWindowAndRelease() {
        Sequencer s = new Sequencer(new Ids("s"));
        List<FlowMessage> m = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            m.add(s.next(ME, SVC, i));
        }
        Resequencer r = new Resequencer(3);
        assertThat(r.receive(m.get(3))).isEmpty(); // 3 ahead of 0: beyond the window
        assertThat(r.overflow()).isEqualTo(1);
        assertThat(r.receive(m.get(2))).isEmpty();
        assertThat(r.receive(m.get(1))).isEmpty();
        assertThat(r.buffered()).isEqualTo(2);
        assertThat(r.release(ME, SVC)).containsExactly(m.get(1), m.get(2)); // 0 is given up
        assertThat(r.receive(m.get(0))).isEmpty();
        assertThat(r.receive(m.get(3))).containsExactly(m.get(3));
        assertThat(r.release(ME, SVC)).isEmpty();
    }
}
