package io.raet.road;

import io.raet.keep.AutoMode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in a JVM of its own with a small heap by {@link RoadInboxHeapTest}: a sender pushes messages as fast as it
 * can at a receiver whose application does not read for a while, then reads everything. Prints one line of
 * {@code key=value} pairs with what it saw.
 */
public final class InboxPressure {
    private InboxPressure() {}

    public static void main(String[] args) throws Exception {
        long pushMillis = Long.parseLong(args[0]);
        int size = Integer.parseInt(args[1]);
        RoadLimits receiverLimits = RoadLimits.defaults().withInbox(Integer.parseInt(args[2]), Long.parseLong(args[3]));
        RoadConfig config = RoadConfig.defaults().withAuto(AutoMode.ALWAYS).withAliveInterval(Duration.ZERO);
        RoadLimits senderLimits = RoadLimits.defaults().withMaxOutgoingPerRemote(512);
        try (RoadStack receiver = RoadStack.builder().name("receiver").main(true).port(0)
                        .config(config.withLimits(receiverLimits)).build();
                RoadStack sender = RoadStack.builder().name("sender").port(0)
                        .config(config.withLimits(senderLimits)).build()) {
            String name = sender.join(receiver.address()).get(20, TimeUnit.SECONDS);
            sender.allow(name).get(20, TimeUnit.SECONDS);
            MessageOptions opts = MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));
            String pad = "p".repeat(size);
            // A little more than the sender's own bound, so that it is hit when the receiver holds back.
            Semaphore window = new Semaphore(576);
            Set<Long> delivered = ConcurrentHashMap.newKeySet();
            AtomicLong refused = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong lastRefusal = new AtomicLong(System.nanoTime() - 1_000_000_000L);
            ConcurrentLinkedQueue<CompletableFuture<Delivery>> all = new ConcurrentLinkedQueue<>();
            long pushed = 0;
            int maxInbox = 0;
            long maxInboxBytes = 0;
            long maxUsed = 0;
            long end = System.nanoTime() + pushMillis * 1_000_000L;
            while (System.nanoTime() < end) {
                if (System.nanoTime() - lastRefusal.get() < 5_000_000L) {
                    Thread.sleep(5); // refused at the sender's bound: wait a little, as an application would
                }
                if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    maxInbox = Math.max(maxInbox, receiver.inboxSize());
                    continue;
                }
                long id = pushed++;
                CompletableFuture<Delivery> f = sender.send(name, Map.of("i", id, "pad", pad), opts);
                all.add(f);
                f.whenComplete((d, e) -> {
                    if (e == null) {
                        delivered.add(id);
                    } else if (e instanceof OutgoingLimitException) {
                        refused.incrementAndGet();
                        lastRefusal.set(System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                    }
                    window.release();
                });
                if ((id & 63) == 0) {
                    maxInbox = Math.max(maxInbox, receiver.inboxSize());
                    maxInboxBytes = Math.max(maxInboxBytes, receiver.inboxBytes());
                    Runtime rt = Runtime.getRuntime();
                    maxUsed = Math.max(maxUsed, rt.totalMemory() - rt.freeMemory());
                }
            }
            // The application still does not read for a moment; senders keep retrying.
            Thread.sleep(2000);
            maxInbox = Math.max(maxInbox, receiver.inboxSize());
            maxInboxBytes = Math.max(maxInboxBytes, receiver.inboxBytes());
            boolean openWhileFull = receiver.isOpen();
            long deliveredBeforeReading = delivered.size();

            // Now it reads everything; the sender's retries go through.
            List<Long> received = new java.util.ArrayList<>();
            CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                RoadEvent.Message m = receiver.receive(Duration.ofMillis(500));
                if (m != null) {
                    received.add((Long) m.body().get("i"));
                } else if (done.isDone()) {
                    break;
                }
            }
            Set<Long> distinct = new HashSet<>(received);
            long missing = delivered.stream().filter(id -> !distinct.contains(id)).count();
            Map<String, Long> rs = receiver.stats();
            Map<String, Long> ss = sender.stats();
            System.out.println("RESULT pushed=" + pushed + " delivered=" + delivered.size() + " refused=" + refused.get()
                    + " failed=" + failed.get() + " received=" + received.size() + " duplicates="
                    + (received.size() - distinct.size()) + " missing=" + missing + " maxInbox=" + maxInbox
                    + " maxInboxBytes=" + maxInboxBytes + " maxUsedHeap=" + maxUsed + " openWhileFull="
                    + openWhileFull + " open=" + receiver.isOpen() + " deliveredBeforeReading="
                    + deliveredBeforeReading + " dropInboxFull=" + rs.getOrDefault("drop_inbox_full", 0L)
                    + " inboxHeld=" + rs.getOrDefault("inbox_held", 0L) + " senderResent="
                    + ss.getOrDefault("packets_resent", 0L) + " senderOutgoingLimit="
                    + ss.getOrDefault("outgoing_limit", 0L) + " heapMax=" + Runtime.getRuntime().maxMemory());
        }
    }
}
