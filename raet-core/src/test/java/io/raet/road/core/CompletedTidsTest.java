package io.raet.road.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompletedTidsTest {
    static final long S = 1_000_000_000L;

    @Test
    void remembersUntilExpiryInCompletionOrderAndThenReleasesEverything() {
        CompletedTids c = new CompletedTids();
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.footprint()).isZero();
        c.add(10, 100);
        c.add(12, 200);
        c.add(11, 300); // completed out of order
        assertThat(c.contains(10)).isTrue();
        assertThat(c.contains(11)).isTrue();
        assertThat(c.contains(12)).isTrue();
        assertThat(c.contains(9)).isFalse();
        assertThat(c.contains(13)).isFalse();
        c.expire(99);
        assertThat(c.size()).isEqualTo(3);
        c.expire(100);
        assertThat(c.contains(10)).isFalse();
        assertThat(c.contains(12)).isTrue();
        c.expire(250);
        assertThat(c.contains(12)).isFalse();
        assertThat(c.contains(11)).isTrue();
        c.expire(300);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.contains(11)).isFalse();
        assertThat(c.footprint()).isZero();
    }

    @Test
    void tidsWrapFromTheTopToOne() {
        CompletedTids c = new CompletedTids();
        c.add(0xfffffffeL, 1);
        c.add(0xffffffffL, 2);
        c.add(1, 3);
        c.add(2, 4);
        assertThat(c.contains(0xfffffffeL)).isTrue();
        assertThat(c.contains(0xffffffffL)).isTrue();
        assertThat(c.contains(1)).isTrue();
        assertThat(c.contains(2)).isTrue();
        assertThat(c.contains(3)).isFalse();
        assertThat(c.contains(0xfffffffdL)).isFalse();
    }

    @Test
    void memoryStaysBoundedAtAnyRateWithinTheWindow() {
        CompletedTids c = new CompletedTids();
        long now = 0;
        long tid = 0;
        // Two million messages (with an alive tid in between now and then) within one 600 s window.
        for (int i = 0; i < 2_000_000; i++) {
            tid += (i % 7 == 0) ? 2 : 1;
            now += 100_000; // 10,000 msgs/s
            c.add(tid, now + 600 * S);
            if (i % 2500 == 0) {
                c.expire(now);
            }
        }
        assertThat(c.size()).isLessThanOrEqualTo(CompletedTids.MAX_SPAN);
        assertThat(c.footprint()).isLessThanOrEqualTo(CompletedTids.MAX_SPAN * 16L + CompletedTids.MAX_SPAN / 8);
        assertThat(c.contains(tid)).isTrue();
        assertThat(c.contains(tid - 1000)).isTrue();
        assertThat(c.contains(tid - 10 * CompletedTids.MAX_SPAN)).isFalse();
        c.expire(now + 600 * S);
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.footprint()).isZero();
    }

    @Test
    void aSlowRemoteCostsLittle() {
        CompletedTids c = new CompletedTids();
        long now = 0;
        long tid = 0;
        // One message a minute, a heartbeat tid every second, for two days.
        for (int minute = 0; minute < 2 * 24 * 60; minute++) {
            tid += 60;
            now += 60 * S;
            c.add(tid, now + 600 * S);
            c.expire(now);
        }
        assertThat(c.size()).isLessThanOrEqualTo(11);
        assertThat(c.footprint()).isLessThan(2048);
    }

    /**
     * Never claims a tid that was not completed or has expired (that would answer done for a message never
     * delivered), and remembers every recent completion until it expires.
     */
    @Test
    void agreesWithAMapModelAndNeverInventsACompletion() {
        Random rnd = new Random(5);
        for (int run = 0; run < 20; run++) {
            CompletedTids c = new CompletedTids();
            Map<Long, Long> model = new HashMap<>();
            ArrayDeque<Long> open = new ArrayDeque<>();
            long now = 0;
            long next = 0xffffffffL - rnd.nextInt(50_000); // cross the wrap in some runs
            long window = (1 + rnd.nextInt(100)) * 1_000_000L;
            for (int step = 0; step < 200_000; step++) {
                now += rnd.nextInt(50_000);
                int op = rnd.nextInt(10);
                if (op < 4) {
                    next = next >= 0xffffffffL ? 1 : next + 1;
                    if (rnd.nextInt(5) > 0) {
                        open.add(next); // a message; the other ids are alives and allows
                    }
                } else if (op < 8 && !open.isEmpty()) {
                    // Mostly in order, sometimes a message that started earlier completes later.
                    long tid = rnd.nextInt(8) == 0 && open.size() > 1 ? open.pollLast() : open.pollFirst();
                    c.add(tid, now + window);
                    model.put(tid, now + window);
                } else if (op == 8) {
                    long t = now;
                    c.expire(t);
                    model.values().removeIf(e -> e <= t);
                } else {
                    long probe = (next - rnd.nextInt(3 * CompletedTids.MAX_SPAN)) & 0xffffffffL;
                    if (!model.containsKey(probe)) {
                        assertThat(c.contains(probe)).as("tid %d never completed or expired", probe).isFalse();
                    }
                }
                if (step % 1000 == 0) {
                    for (Map.Entry<Long, Long> e : model.entrySet()) {
                        long dist = (next - e.getKey()) & 0xffffffffL;
                        if (dist < CompletedTids.MAX_SPAN / 2) {
                            assertThat(c.contains(e.getKey())).as("recent completion %d", e.getKey()).isTrue();
                        }
                    }
                }
            }
        }
    }
}
