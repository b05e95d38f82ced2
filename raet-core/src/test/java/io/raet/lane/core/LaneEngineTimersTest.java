package io.raet.lane.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.agent.Deadlines;
import io.raet.codec.LaneCodec;
import io.raet.codec.LaneHead;
import io.raet.codec.PackKind;
import io.raet.lane.LaneException;
import io.raet.lane.LaneMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the lane engine times, on a virtual clock: the backoff of a destination whose socket queue is full, the send
 * timeout, reaping (a destination without a socket, a transient yard left idle), the expiry of incomplete books,
 * and the turns destinations and sources take. No socket, no sleep: the time is what the test passes in.
 */
class LaneEngineTimersTest {
    static final Path DIR = Path.of("/tmp/lane-engine-timers-test");
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    static final long S = TimeUnit.SECONDS.toNanos(1);
    /** Where the virtual clock starts: near the wrap of nanoTime, which the engine must survive. */
    static final long T0 = Long.MAX_VALUE - 5 * S;

    static final UxdSocket.SendResult OK = new UxdSocket.SendResult(UxdSocket.SendStatus.OK, 0);
    static final UxdSocket.SendResult FULL = new UxdSocket.SendResult(UxdSocket.SendStatus.WOULD_BLOCK, 11);
    static final UxdSocket.SendResult GONE = new UxdSocket.SendResult(UxdSocket.SendStatus.PEER_GONE, 111);
    static final UxdSocket.SendResult BROKEN = new UxdSocket.SendResult(UxdSocket.SendStatus.ERROR, 22);

    static LaneConfig config(String name) {
        return LaneConfig.of("timer", name, DIR).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    static LaneEngine engine(String name, String... yards) {
        LaneEngine e = new LaneEngine(config(name));
        for (String y : yards) {
            e.addYard(y);
        }
        return e;
    }

    static String ha(String yard) {
        return DIR.resolve("timer." + yard + ".uxd").toString();
    }

    static long send(LaneEngine e, String yard, Object data, long now) throws LaneException {
        return e.enqueue(yard, Map.of("d", data), "", now);
    }

    static List<LaneEngine.Outcome> outcomes(LaneEngine e) {
        List<LaneEngine.Outcome> out = new ArrayList<>();
        LaneEngine.Outcome o;
        while ((o = e.pollOutcome()) != null) {
            out.add(o);
        }
        return out;
    }

    /** Writes every ready page with {@code result}; the destinations' socket paths in the order written. */
    static List<String> writeAll(LaneEngine e, long now, UxdSocket.SendResult result) {
        List<String> to = new ArrayList<>();
        LaneEngine.Page p;
        while ((p = e.nextPage(now)) != null) {
            to.add(p.ha());
            e.transmitted(result, now);
        }
        return to;
    }

    @Test
    void aFullDestinationIsTriedAgainAfterABackoffThatDoublesUpToItsCeilingAndResetsOnProgress() throws Exception {
        LaneEngine e = engine("main", "slow");
        long id = send(e, "slow", 1, T0);
        assertThat(e.nextWakeup()).isEqualTo(T0); // a page is ready now
        assertThat(e.nextPage(T0)).isNotNull();
        e.transmitted(FULL, T0);
        assertThat(e.nextPage(T0)).isNull();
        assertThat(e.nextWakeup()).isEqualTo(T0 + 100 * US);
        assertThat(e.nextPage(T0 + 99 * US)).isNull();
        long t = T0 + 100 * US;
        long expected = 200 * US;
        for (int i = 0; i < 10; i++) {
            assertThat(e.nextPage(t)).as("retry %d", i).isNotNull();
            e.transmitted(FULL, t);
            assertThat(e.nextWakeup() - t).isEqualTo(expected);
            t += expected;
            expected = Math.min(expected * 2, 10 * MS);
        }
        assertThat(e.nextWakeup()).isEqualTo(t);
        assertThat(e.stats()).containsEntry("busy_transmit_yard", 11L);
        // the page gets through: the message is sent and the backoff starts again from the bottom
        assertThat(e.nextPage(t)).isNotNull();
        e.transmitted(OK, t);
        assertThat(outcomes(e)).containsExactly(new LaneEngine.Outcome(id, null));
        send(e, "slow", 2, t);
        e.nextPage(t);
        e.transmitted(FULL, t);
        assertThat(e.nextWakeup()).isEqualTo(t + 100 * US);
    }

    @Test
    void aDestinationThatTakesNoPageForTheSendTimeoutFailsItsMessagesWithBusy() throws Exception {
        LaneEngine e = engine("main", "deaf", "fine");
        long first = send(e, "deaf", 1, T0);
        long second = send(e, "deaf", 2, T0);
        writeAll(e, T0, FULL);
        // tried again at every backoff until the send timeout, which is a timer of its own
        long t = T0;
        int retries = 0;
        while (e.nextWakeup() - (T0 + S) < 0) {
            t = e.nextWakeup();
            e.tick(t);
            writeAll(e, t, FULL);
            retries++;
        }
        assertThat(retries).isGreaterThan(90); // 10 ms apart at most
        assertThat(e.stats()).containsEntry("busy_transmit_yard", retries + 1L);
        assertThat(outcomes(e)).isEmpty();
        assertThat(e.nextWakeup()).isEqualTo(T0 + S);
        // another destination is not held back meanwhile
        long other = send(e, "fine", 3, t);
        assertThat(writeAll(e, t, OK)).containsExactly(ha("fine"));
        assertThat(outcomes(e)).containsExactly(new LaneEngine.Outcome(other, null));
        e.tick(T0 + S);
        List<LaneEngine.Outcome> failed = outcomes(e);
        assertThat(failed).extracting(LaneEngine.Outcome::id).containsExactlyInAnyOrder(first, second);
        assertThat(failed).allSatisfy(o -> {
            assertThat(o.failure().kind()).isEqualTo(LaneException.Kind.BUSY);
            assertThat(o.failure()).hasMessageContaining("took no page for 1000 ms");
        });
        assertThat(e.stats()).containsEntry("send_timeout", 1L);
        assertThat(e.queued()).isZero();
        assertThat(e.nextWakeup()).isEqualTo(Deadlines.NONE);
        // the yard stays known and is tried afresh
        assertThat(e.yardNames()).contains("deaf");
        long again = send(e, "deaf", 4, T0 + 2 * S);
        assertThat(writeAll(e, T0 + 2 * S, OK)).hasSize(1);
        assertThat(outcomes(e)).containsExactly(new LaneEngine.Outcome(again, null));
    }

    @Test
    void progressWithinTheSendTimeoutKeepsTheMessages() throws Exception {
        LaneEngine e = engine("main", "slow");
        long a = send(e, "slow", 1, T0);
        long b = send(e, "slow", 2, T0);
        writeAll(e, T0, FULL);
        // one page at 0.9 s: the timeout counts from there
        e.tick(T0 + 900 * MS);
        assertThat(e.nextPage(T0 + 900 * MS)).isNotNull();
        e.transmitted(OK, T0 + 900 * MS);
        assertThat(e.nextPage(T0 + 900 * MS)).isNotNull();
        e.transmitted(FULL, T0 + 900 * MS);
        e.tick(T0 + S);
        assertThat(outcomes(e)).containsExactly(new LaneEngine.Outcome(a, null));
        e.tick(T0 + 1900 * MS - 1);
        assertThat(outcomes(e)).isEmpty();
        e.tick(T0 + 1900 * MS);
        assertThat(outcomes(e)).extracting(LaneEngine.Outcome::id).containsExactly(b);
    }

    @Test
    void aDestinationWithoutSocketIsReapedAndItsMessagesFailWhileOthersGoOn() throws Exception {
        LaneEngine e = engine("main", "ghost", "live");
        long g1 = send(e, "ghost", 1, T0);
        long g2 = send(e, "ghost", 2, T0);
        long l1 = send(e, "live", 3, T0);
        LaneEngine.Page p = e.nextPage(T0);
        assertThat(p.ha()).isEqualTo(ha("ghost"));
        e.transmitted(GONE, T0);
        assertThat(e.yardNames()).containsExactly("live");
        assertThat(e.stats()).containsEntry("stale_transmit_yard", 1L);
        assertThat(writeAll(e, T0, OK)).containsExactly(ha("live"));
        List<LaneEngine.Outcome> out = outcomes(e);
        assertThat(out).filteredOn(o -> !o.sent()).extracting(LaneEngine.Outcome::id)
                .containsExactlyInAnyOrder(g1, g2);
        assertThat(out).filteredOn(o -> !o.sent()).allSatisfy(
                o -> assertThat(o.failure().kind()).isEqualTo(LaneException.Kind.PEER_GONE));
        assertThat(out).filteredOn(LaneEngine.Outcome::sent).extracting(LaneEngine.Outcome::id).containsExactly(l1);
    }

    @Test
    void anErrorFailsOneMessageAndTheNextGoesOn() throws Exception {
        LaneEngine e = engine("main", "odd");
        long a = send(e, "odd", 1, T0);
        long b = send(e, "odd", 2, T0);
        e.nextPage(T0);
        e.transmitted(BROKEN, T0);
        assertThat(writeAll(e, T0, OK)).hasSize(1);
        List<LaneEngine.Outcome> out = outcomes(e);
        assertThat(out.get(0).id()).isEqualTo(a);
        assertThat(out.get(0).failure().kind()).isEqualTo(LaneException.Kind.SEND_FAILED);
        assertThat(out.get(1)).isEqualTo(new LaneEngine.Outcome(b, null));
        assertThat(e.stats()).containsEntry("error_transmit_yard", 1L).containsEntry("messages_sent", 1L);
    }

    /** Page {@code pn} of a three-page book {@code bi} from {@code sn} to main. */
    static byte[] page(String sn, long bi, int pn) throws Exception {
        LaneHead h = new LaneHead().pk(PackKind.JSON).sn(sn).dn("main").si("0123456789abcdef01").bi(bi);
        byte[] body = ("{\"pad\":\"" + "x".repeat(2 * LaneCodec.MAX_PAGE_SIZE) + "\"}").getBytes();
        List<byte[]> pages = LaneCodec.paginate(h, body, LaneCodec.MAX_PAGE_SIZE);
        assertThat(pages).hasSize(3);
        return pages.get(pn);
    }

    @Test
    void anIncompleteBookExpiresWhenNoPageCameForTheBookTimeout() throws Exception {
        LaneEngine e = engine("main");
        byte[] p0 = page("writer", 1, 0);
        byte[] p1 = page("writer", 1, 1);
        byte[] p2 = page("writer", 1, 2);
        assertThat(e.receive(p0, 0, p0.length, ha("writer"), T0)).isNull();
        assertThat(e.partialBooks()).isEqualTo(1);
        // the book and the admitted yard are the timers; the book's comes first
        assertThat(e.nextWakeup()).isEqualTo(T0 + 30 * S);
        e.tick(T0 + 29 * S);
        assertThat(e.partialBooks()).isEqualTo(1);
        // a page moves the expiry
        assertThat(e.receive(p1, 0, p1.length, ha("writer"), T0 + 29 * S)).isNull();
        e.tick(T0 + 30 * S);
        assertThat(e.partialBooks()).isEqualTo(1);
        assertThat(e.nextWakeup()).isEqualTo(T0 + 59 * S);
        e.tick(T0 + 59 * S);
        assertThat(e.partialBooks()).isZero();
        assertThat(e.partialBytes()).isZero();
        assertThat(e.stats()).containsEntry("book_expired", 1L);
        // its last page comes too late: the book is gone
        assertThat(e.receive(p2, 0, p2.length, ha("writer"), T0 + 59 * S)).isNull();
        assertThat(e.stats()).containsEntry("missed_page", 1L);
    }

    @Test
    void booksExpireOldestActivityFirstAndAWholeBookIsDelivered() throws Exception {
        LaneEngine e = engine("main");
        byte[] a0 = page("writer", 1, 0);
        byte[] b0 = page("writer", 2, 0);
        e.receive(a0, 0, a0.length, ha("writer"), T0);
        e.receive(b0, 0, b0.length, ha("writer"), T0 + 10 * S);
        byte[] a1 = page("writer", 1, 1);
        e.receive(a1, 0, a1.length, ha("writer"), T0 + 20 * S);
        e.tick(T0 + 40 * S); // book 2 was last active at 10 s
        assertThat(e.partialBooks()).isEqualTo(1);
        byte[] a2 = page("writer", 1, 2);
        LaneMessage m = e.receive(a2, 0, a2.length, ha("writer"), T0 + 45 * S);
        assertThat(m).isNotNull();
        assertThat(m.from()).isEqualTo("writer");
        assertThat(e.stats()).containsEntry("book_expired", 1L).containsEntry("messages_received", 1L);
    }

    @Test
    void aYardAdmittedOnFirstContactIsForgottenWhenIdleAndAddedOnesAreKept() throws Exception {
        LaneEngine e = engine("main", "kept");
        LaneHead h = new LaneHead().pk(PackKind.JSON).sn("visitor").dn("main").si("0123456789abcdef01").bi(1);
        byte[] hello = LaneCodec.paginate(h, "{}".getBytes(), LaneCodec.MAX_PAGE_SIZE).getFirst();
        assertThat(e.receive(hello, 0, hello.length, ha("visitor"), T0)).isNotNull();
        assertThat(e.yardNames()).containsExactly("kept", "visitor");
        assertThat(e.nextWakeup()).isEqualTo(T0 + 60 * S);
        // activity moves its deadline: a message received, then one queued and sent
        e.receive(hello, 0, hello.length, ha("visitor"), T0 + 30 * S);
        e.tick(T0 + 60 * S);
        assertThat(e.yardNames()).contains("visitor");
        send(e, "visitor", "hi", T0 + 50 * S);
        assertThat(writeAll(e, T0 + 70 * S, OK)).containsExactly(ha("visitor"));
        e.tick(T0 + 129 * S);
        assertThat(e.yardNames()).contains("visitor");
        e.tick(T0 + 130 * S);
        assertThat(e.yardNames()).containsExactly("kept");
        assertThat(e.stats()).containsEntry("idle_yard_reaped", 1L);
        assertThat(e.nextWakeup()).isEqualTo(Deadlines.NONE);
        // it is admitted again when it speaks, with a fresh session id from this side
        assertThat(e.receive(hello, 0, hello.length, ha("visitor"), T0 + 200 * S)).isNotNull();
        assertThat(e.stats()).containsEntry("yards_added", 2L);
    }

    @Test
    void aYardWithMessagesWaitingIsNotIdle() throws Exception {
        LaneEngine e = engine("main");
        e.addFoundYard("found", Path.of(ha("found")), T0);
        send(e, "found", 1, T0); // queued, not written yet
        e.tick(T0 + 61 * S);
        assertThat(e.yardNames()).containsExactly("found");
        assertThat(writeAll(e, T0 + 61 * S, OK)).hasSize(1);
        e.tick(T0 + 120 * S);
        assertThat(e.yardNames()).containsExactly("found");
        e.tick(T0 + 121 * S);
        assertThat(e.yardNames()).isEmpty();
    }

    @Test
    void destinationsTakeTurnsOfBoundedPagesAndSourcesTakeTurnsWithinOne() throws Exception {
        LaneEngine e = engine("main", "a", "b");
        for (int i = 0; i < 100; i++) {
            send(e, "a", i, T0);
            send(e, "b", i, T0);
        }
        List<String> order = writeAll(e, T0, OK);
        assertThat(order).hasSize(200);
        assertThat(order.subList(0, LaneEngine.PAGES_PER_TURN)).containsOnly(ha("a"));
        assertThat(order.subList(LaneEngine.PAGES_PER_TURN, 2 * LaneEngine.PAGES_PER_TURN)).containsOnly(ha("b"));
        assertThat(order.get(2 * LaneEngine.PAGES_PER_TURN)).isEqualTo(ha("a"));

        LaneEngine f = engine("main", "c");
        List<Long> flood = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flood.add(f.enqueue("c", Map.of("i", i), "flood", T0));
        }
        long other = f.enqueue("c", Map.of("o", 1), "other", T0);
        writeAll(f, T0, OK);
        List<Long> done = outcomes(f).stream().map(LaneEngine.Outcome::id).toList();
        assertThat(done.indexOf(other)).isEqualTo(1); // one flood message, then the other source's turn
        assertThat(done).containsSubsequence(flood);
    }

    @Test
    void queueBoundsRefuseAtOnceAndCount() throws Exception {
        LaneEngine e = new LaneEngine(config("main").withQueues(3, 2, 1 << 20));
        e.addYard("slow");
        e.enqueue("slow", Map.of(), "x", T0);
        e.enqueue("slow", Map.of(), "x", T0);
        try {
            e.enqueue("slow", Map.of(), "x", T0);
            throw new AssertionError("taken beyond the source's share");
        } catch (LaneException ex) {
            assertThat(ex.kind()).isEqualTo(LaneException.Kind.QUEUE_FULL);
        }
        e.enqueue("slow", Map.of(), "y", T0);
        try {
            e.enqueue("slow", Map.of(), "z", T0);
            throw new AssertionError("taken beyond the destination's bound");
        } catch (LaneException ex) {
            assertThat(ex).hasMessageContaining("3 messages");
        }
        assertThat(e.queued("slow")).isEqualTo(3);
        assertThat(e.stats()).containsEntry("tx_queue_full", 2L);
    }

    @Test
    void closingFailsEveryQueuedMessage() throws Exception {
        LaneEngine e = engine("main", "a", "b");
        long a = send(e, "a", 1, T0);
        long b = send(e, "b", 1, T0);
        e.nextPage(T0); // handed out, never reported
        e.failAll(new LaneException(LaneException.Kind.CLOSED, "closed"));
        assertThat(outcomes(e)).extracting(LaneEngine.Outcome::id).containsExactlyInAnyOrder(a, b);
        assertThat(e.nextPage(T0)).isNull();
        assertThat(e.queued()).isZero();
        assertThat(Set.copyOf(e.yardNames())).containsExactlyInAnyOrder("a", "b");
    }
}
