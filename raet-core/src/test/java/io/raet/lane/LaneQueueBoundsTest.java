package io.raet.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.Body;
import io.raet.codec.LaneCodec;
import io.raet.codec.ParsedPage;
import io.raet.lane.core.UxdSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every queue of a lane stack is bounded, with a counter and a defined behaviour when full, and sources take turns:
 * at a destination that does not keep up, and in the inbox of a yard that does not read; a fault while handling
 * one datagram is counted and the stack goes on, a {@link VirtualMachineError} closes it loudly.
 */
@Timeout(60)
class LaneQueueBoundsTest {
    @TempDir
    Path dir;

    LaneStack.Builder yard(String name) {
        return LaneStack.builder().lane("plum").name(name).dir(dir);
    }

    /** The bodies waiting in a raw socket, in arrival order. */
    static List<Map<String, Object>> read(UxdSocket s) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        byte[] buf = new byte[UxdSocket.MAX_DATAGRAM + 1];
        UxdSocket.Received r;
        while ((r = s.receive(buf)) != null) {
            ParsedPage p = LaneCodec.parse(buf, 0, r.length());
            out.add(Body.decode(p.head().pk(), p.buffer(), p.bodyOffset(), p.bodyLength()));
        }
        return out;
    }

    static LaneException.Kind kind(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return ((LaneException) e.getCause()).kind();
        }
    }

    /** Waits until at least {@code n} datagrams could be read, reading them all. */
    static List<Map<String, Object>> readAll(UxdSocket s, int n) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.size() < n && System.nanoTime() < end) {
            out.addAll(read(s));
            Thread.sleep(5);
        }
        return out;
    }

    @Test
    void aFullDestinationQueueRefusesAtOnceCountsAndTakesMoreOnceItDrains() throws Exception {
        try (UxdSocket slow = UxdSocket.bind(dir.resolve("plum.slow.uxd"));
                LaneStack main = yard("main").maxQueued(5).build()) {
            main.addYard("slow");
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(main.send("slow", Map.of("i", i)));
            }
            assertThat(kind(sent.get(199))).isEqualTo(LaneException.Kind.QUEUE_FULL);
            assertThat(main.queued("slow")).isLessThanOrEqualTo(5);
            assertThat(main.queued()).isLessThanOrEqualTo(5);
            assertThat(main.stats().get("tx_queue_full")).isPositive();
            long refused = sent.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertThat(refused).isGreaterThan(150);
            // what was taken arrives, in order, and the queue takes more once the yard reads
            List<Map<String, Object>> got = readAll(slow, (int) (200 - refused));
            assertThat(got).hasSize((int) (200 - refused));
            assertThat(got.getFirst()).containsEntry("i", 0L);
            main.send("slow", Map.of("again", true)).get(10, TimeUnit.SECONDS);
            assertThat(readAll(slow, 1)).containsExactly(Map.of("again", true));
        }
    }

    @Test
    void aMessageLargerThanTheByteBoundIsTakenWhenTheQueueIsEmpty() throws Exception {
        try (UxdSocket slow = UxdSocket.bind(dir.resolve("plum.slow.uxd"));
                LaneStack main = yard("main").maxQueuedBytes(1000).build()) {
            main.addYard("slow");
            CompletableFuture<Void> big = main.send("slow", Map.of("pad", "x".repeat(5000)));
            big.get(10, TimeUnit.SECONDS);
            assertThat(readAll(slow, 1)).hasSize(1);
        }
    }

    @Test
    void sourcesTakeTurnsAtADestinationThatDoesNotKeepUp() throws Exception {
        try (UxdSocket slow = UxdSocket.bind(dir.resolve("plum.slow.uxd"));
                LaneStack main = yard("main").build()) {
            main.addYard("slow");
            List<CompletableFuture<Void>> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                flood.add(main.send("slow", Map.of("src", "flood", "i", i), "flood"));
            }
            // the kernel queue of the slow yard is full of the flood by now
            Thread.sleep(100);
            List<CompletableFuture<Void>> other = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                other.add(main.send("slow", Map.of("src", "other", "i", i), "other"));
            }
            List<Map<String, Object>> got = readAll(slow, 305);
            assertThat(got).hasSize(305);
            int lastOther = -1;
            List<Object> otherOrder = new ArrayList<>();
            for (int i = 0; i < got.size(); i++) {
                if ("other".equals(got.get(i).get("src"))) {
                    lastOther = i;
                    otherOrder.add(got.get(i).get("i"));
                }
            }
            // after what the kernel held, the two sources alternate: the other's five are among the first ~30
            assertThat(lastOther).isLessThan(40);
            assertThat(otherOrder).containsExactly(0L, 1L, 2L, 3L, 4L);
            for (CompletableFuture<Void> f : other) {
                assertThat(f).isCompleted();
            }
        }
    }

    @Test
    void aSourceBeyondItsShareIsRefusedWhileOthersAreTaken() throws Exception {
        try (UxdSocket slow = UxdSocket.bind(dir.resolve("plum.slow.uxd"));
                LaneStack main = yard("main").maxQueuedPerSource(3).build()) {
            main.addYard("slow");
            List<CompletableFuture<Void>> flood = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                flood.add(main.send("slow", Map.of("f", i), "flood"));
            }
            assertThat(kind(flood.get(99))).isEqualTo(LaneException.Kind.QUEUE_FULL);
            CompletableFuture<Void> other = main.send("slow", Map.of("o", 1), "other");
            assertThat(other.isCompletedExceptionally()).isFalse();
            List<Map<String, Object>> got = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!got.contains(Map.of("o", 1L)) && System.nanoTime() < end) {
                got.addAll(read(slow));
                Thread.sleep(5);
            }
            assertThat(got).contains(Map.of("o", 1L));
            other.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void receivedMessagesAreTakenInTurnsAndOneYardCannotFillTheInbox() throws Exception {
        try (LaneStack main = yard("main").inboxPerSource(20).build();
                LaneStack flood = yard("flood").yards("main").build();
                LaneStack other = yard("other").yards("main").build()) {
            for (int i = 0; i < 300; i++) {
                flood.send("main", Map.of("f", i));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (flood.queued() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 3; i++) {
                other.send("main", Map.of("o", i)).get(10, TimeUnit.SECONDS);
            }
            while (main.inboxSize() < 23 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(main.inboxSize()).isEqualTo(23);
            assertThat(main.stats().get("inbox_source_full")).isGreaterThanOrEqualTo(280);
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 23; i++) {
                order.add(main.receive(Duration.ofSeconds(5)).from());
            }
            assertThat(order.subList(0, 6)).containsExactly("flood", "other", "flood", "other", "flood", "other");
            assertThat(main.poll()).isNull();
        }
    }

    @Test
    void aFullInboxHoldsTheSendersBackInsteadOfDropping() throws Exception {
        try (LaneStack main = yard("main").inboxCapacity(5).build();
                LaneStack sender = yard("sender").yards("main").build()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(sender.send("main", Map.of("i", i)));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(main.receive(Duration.ofSeconds(10)).body()).containsEntry("i", (long) i);
            }
            assertThat(main.stats()).doesNotContainKey("inbox_source_full");
        }
    }

    @Test
    void aFaultWhileHandlingOneDatagramIsCountedAndTheStackGoesOn() throws Exception {
        try (LaneStack main = yard("main").build(); LaneStack sender = yard("sender").yards("main").build()) {
            main.receivedHook = m -> {
                if ("error".equals(m.body().get("boom"))) {
                    throw new AssertionError("defect");
                }
                if ("runtime".equals(m.body().get("boom"))) {
                    throw new IllegalStateException("defect");
                }
            };
            sender.send("main", Map.of("boom", "runtime")).get(10, TimeUnit.SECONDS);
            sender.send("main", Map.of("boom", "error")).get(10, TimeUnit.SECONDS);
            sender.send("main", Map.of("fine", 1)).get(10, TimeUnit.SECONDS);
            assertThat(main.receive(Duration.ofSeconds(10)).body()).containsEntry("fine", 1L);
            assertThat(main.stats()).containsEntry("receive_error", 2L);
            assertThat(main.failure()).isNull();
        }
    }

    @Test
    void aVirtualMachineErrorClosesTheStackLoudly() throws Exception {
        try (UxdSocket slow = UxdSocket.bind(dir.resolve("plum.slow.uxd"));
                LaneStack main = yard("main").build(); LaneStack sender = yard("sender").yards("main").build()) {
            main.addYard("slow");
            for (int i = 0; i < 50; i++) {
                main.send("slow", Map.of("i", i));
            }
            CompletableFuture<Void> queued = main.send("slow", Map.of("last", true));
            main.receivedHook = m -> {
                throw new OutOfMemoryError("injected");
            };
            sender.send("main", Map.of("any", 1)).get(10, TimeUnit.SECONDS);
            assertThat(kind(queued)).isEqualTo(LaneException.Kind.CLOSED);
            assertThat(main.failure()).isInstanceOf(OutOfMemoryError.class);
            try {
                main.receive();
                throw new AssertionError("receive went on");
            } catch (IllegalStateException e) {
                assertThat(e).hasMessageContaining("failed").hasCauseInstanceOf(OutOfMemoryError.class);
            }
            assertThat(kind(main.send("slow", Map.of("after", 1)))).isEqualTo(LaneException.Kind.CLOSED);
        }
    }

    @Test
    void aFullCommandQueueRefusesSendsAtOnceAndCountsThem() throws Exception {
        try (UxdSocket peer = UxdSocket.bind(dir.resolve("plum.peer.uxd"));
                LaneStack main = yard("main").commandQueue(4).build();
                LaneStack other = yard("other").yards("main").build()) {
            main.addYard("peer");
            // hold the owner thread in the hook that sees each received message
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            main.receivedHook = m -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            other.send("main", Map.of("hold", true));
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(main.send("peer", Map.of("i", i)));
            }
            assertThat(sent.subList(0, 4)).noneMatch(CompletableFuture::isDone);
            assertThat(kind(sent.get(4))).isEqualTo(LaneException.Kind.QUEUE_FULL);
            assertThat(kind(sent.get(5))).isEqualTo(LaneException.Kind.QUEUE_FULL);
            assertThat(main.levels()).containsEntry("queue_commands", 4L);
            release.countDown();
            for (CompletableFuture<Void> f : sent.subList(0, 4)) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(main.stats()).containsEntry("command_queue_full", 2L).containsEntry("tx_queue_full", 2L);
            assertThat(readAll(peer, 4)).hasSize(4);
            assertThat(main.receive(Duration.ofSeconds(10)).body()).containsEntry("hold", true);
        }
    }

    @Test
    void aStackWhoseInboxIsFullGoesOnSending() throws Exception {
        try (UxdSocket peer = UxdSocket.bind(dir.resolve("plum.peer.uxd"));
                LaneStack main = yard("main").inboxCapacity(2).build();
                LaneStack sender = yard("sender").yards("main").build()) {
            main.addYard("peer");
            for (int i = 0; i < 10; i++) {
                sender.send("main", Map.of("i", i));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (main.inboxSize() < 2 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(main.inboxSize()).isEqualTo(2);
            // not reading, but writing: a send goes out at once
            main.send("peer", Map.of("out", 1)).get(10, TimeUnit.SECONDS);
            assertThat(readAll(peer, 1)).containsExactly(Map.of("out", 1L));
            for (int i = 0; i < 10; i++) {
                assertThat(main.receive(Duration.ofSeconds(10)).body()).containsEntry("i", (long) i);
            }
        }
    }
}
