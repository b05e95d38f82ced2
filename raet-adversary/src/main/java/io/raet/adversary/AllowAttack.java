package io.raet.adversary;

import io.raet.road.RoadStack;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Java API (issue 10, finding 7): {@code allow()} called on the responding side of an allow while that side is
 * finishing (its {@code Allowed} event already emitted, the initiator's final acknowledgement on its way: held back
 * {@value #SLOW_MILLIS} ms, as from a slow initiator). Every future the API returns must complete.
 */
final class AllowAttack {
    /** How long the future may take: the allow handshake's timeout (4 s) and a margin. */
    static final long WAIT_SECONDS = 6;

    private AllowAttack() {}

    /** How long the initiator's final acknowledgement is held back (a slow initiator, as the reference is). */
    static final long SLOW_MILLIS = 300;

    static Row allowWhileFinishing(Context c) throws Exception {
        Row row = new Row("7 allow() while the responder finishes", "Java API");
        try (RoadStack a = Context.estate("a", "a").main(true).build();
                Tap tap = new Tap(a.address());
                RoadStack b = Context.estate("b", "b").build()) {
            tap.delayToTarget(h -> h.tk() == Wire.TK_ALLOW && h.pk() == Wire.ACK && (h.fg() & Wire.CF) == 0,
                    SLOW_MILLIS);
            CompletableFuture<CompletableFuture<Void>> second = new CompletableFuture<>();
            AtomicBoolean fired = new AtomicBoolean();
            a.onEvent(e -> {
                if (IdentityAttacks.isAllowed(e, "b") && !fired.getAndSet(true)) {
                    second.complete(a.allow("b"));
                }
            });
            String remote = b.join(tap.front()).get(5, TimeUnit.SECONDS);
            b.allow(remote).get(5, TimeUnit.SECONDS);
            CompletableFuture<Void> f = second.get(5, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            try {
                f.get(WAIT_SECONDS, TimeUnit.SECONDS);
                row.counters(String.format(java.util.Locale.ROOT, "completed after %.1f s",
                        (System.nanoTime() - t0) / 1e9));
            } catch (ExecutionException e) {
                row.counters("failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e.getCause());
            } catch (TimeoutException e) {
                row.counters("still pending after " + WAIT_SECONDS + " s");
                row.fail("allow() called while the responding side was finishing did not complete");
            }
        }
        return row;
    }

}
