package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.keep.AutoMode;
import io.raet.road.core.Probes;
import io.raet.road.core.RoadEngine;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The owner thread of a live stack: nothing one packet, command or listener throws stops it; a VM failure closes
 * the stack loudly and fails every future; a full inbox holds new messages back without losing any.
 */
class RoadStackRobustnessTest {
    static RoadConfig quiet() {
        return RoadConfig.defaults().withAuto(AutoMode.ALWAYS).withAliveInterval(Duration.ZERO);
    }

    static RoadStack estate(String name, boolean main, RoadConfig config) {
        return RoadStack.builder().name(name).main(main).port(0).config(config).build();
    }

    static void joinAndAllow(RoadStack from, RoadStack to) throws Exception {
        String name = from.join(to.address()).get(10, TimeUnit.SECONDS);
        from.allow(name).get(10, TimeUnit.SECONDS);
    }

    /**
     * Puts a transaction in alpha's engine where the first packet of beta's next message will land; handling that
     * packet throws {@code error} (once).
     */
    static void trapNextMessage(RoadStack alpha, RoadStack beta, Error error) throws Exception {
        long[] ids = beta.inspect(e -> Probes.nextMessageIds(e, alpha.name())).get(5, TimeUnit.SECONDS);
        alpha.inspect(e -> {
            Probes.trapMessage(e, beta.name(), ids, error);
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anErrorInOnePacketCommandOrListenerDoesNotStopTheOwner() throws Exception {
        try (RoadStack alpha = estate("alpha", true, quiet()); RoadStack beta = estate("beta", false, quiet())) {
            joinAndAllow(beta, alpha);
            alpha.onEvent(e -> {
                if (e instanceof RoadEvent.Message) {
                    throw new AssertionError("listener fails");
                }
            });
            alpha.onEvent(e -> {
                throw new IllegalStateException("another listener fails");
            });
            CompletableFuture<Object> failing = alpha.inspect(e -> {
                throw new AssertionError("command fails");
            });
            assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AssertionError.class);

            trapNextMessage(alpha, beta, new AssertionError("injected into one packet"));
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            RoadEvent.Message m = alpha.receive(Duration.ofSeconds(5));
            assertThat(m.body()).containsEntry("n", 1L);
            assertThat(alpha.receive(Duration.ofMillis(300))).isNull();

            Map<String, Long> stats = alpha.stats();
            assertThat(stats.get("drop_internal_error")).isEqualTo(1L);
            assertThat(stats.get("listener_error")).isGreaterThanOrEqualTo(2L);
            assertThat(alpha.isOpen()).isTrue();
            assertThat(alpha.closed()).isNotDone();

            // Both ways still work.
            beta.send("alpha", Map.of("n", 2L)).get(10, TimeUnit.SECONDS);
            alpha.send("beta", Map.of("n", 3L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 2L);
            assertThat(beta.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 3L);
        }
    }

    @Test
    void oneSegmentClaimingTwoBillionSegmentsLeavesTheStackServing() throws Exception {
        try (RoadStack alpha = estate("alpha", true, quiet()); RoadStack beta = estate("beta", false, quiet());
                DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            joinAndAllow(beta, alpha);
            for (int sn : new int[] {0, Integer.MAX_VALUE - 1}) {
                // Made with beta's keys and session: what a joined peer can send.
                byte[] d = beta.inspect(e -> Probes.segment(e, "alpha", sn, Integer.MAX_VALUE, 1000, true, 100))
                        .get(5, TimeUnit.SECONDS);
                attacker.send(new DatagramPacket(d, d.length, alpha.address()));
            }
            long until = System.nanoTime() + 5_000_000_000L;
            while (alpha.stats().getOrDefault("drop_segment_count", 0L) < 2 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(alpha.stats().get("drop_segment_count")).isEqualTo(2L);
            assertThat(alpha.isOpen()).isTrue();
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 1L);
            assertThat(alpha.inspect(RoadEngine::incompleteMessages).get(5, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aVmFailureClosesTheStackLoudlyAndFailsEveryFuture() throws Exception {
        try (RoadStack alpha = estate("alpha", true, quiet()); RoadStack beta = estate("beta", false, quiet());
                DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            joinAndAllow(beta, alpha);
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            CompletableFuture<String> hanging = alpha.join(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    silent.getLocalPort()));

            trapNextMessage(alpha, beta, new OutOfMemoryError("injected"));
            CompletableFuture<Delivery> lost = beta.send("alpha", Map.of("n", 2L),
                    MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(3)));

            assertThatThrownBy(() -> alpha.closed().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(OutOfMemoryError.class);
            assertThat(alpha.isOpen()).isFalse();
            assertThatThrownBy(() -> hanging.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("road stack failed");
            assertThatThrownBy(() -> alpha.send("beta", Map.of()).get(1, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            // The message answered done before the failure is still there; then receive says why it ends.
            assertThat(alpha.receive(Duration.ofSeconds(1)).body()).containsEntry("n", 1L);
            assertThatThrownBy(alpha::receive).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("OutOfMemoryError");
            assertThatThrownBy(() -> lost.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(alpha.stats()).isNotEmpty();
        }
    }

    @Test
    void aFullInboxHoldsNewMessagesBackUntilTheApplicationReads() throws Exception {
        RoadConfig small = quiet().withLimits(RoadLimits.defaults().withInbox(20, 1 << 20));
        try (RoadStack alpha = estate("alpha", true, small); RoadStack beta = estate("beta", false, quiet())) {
            joinAndAllow(beta, alpha);
            List<CompletableFuture<Delivery>> sent = new ArrayList<>();
            for (long i = 0; i < 100; i++) {
                sent.add(beta.send("alpha", Map.of("i", i, "pad", "x".repeat(2000))));
            }
            long until = System.nanoTime() + 2_000_000_000L;
            int peak = 0;
            while (System.nanoTime() < until) {
                peak = Math.max(peak, alpha.inboxSize());
                Thread.sleep(20);
            }
            assertThat(peak).isBetween(20, 20 + RoadLimits.defaults().maxIncompletePerRemote());
            assertThat(alpha.stats().get("drop_inbox_full")).isPositive();
            assertThat(alpha.stats().get("inbox_held")).isPositive();
            assertThat(sent.stream().filter(CompletableFuture::isDone).count()).isLessThan(100);

            Set<Long> got = new HashSet<>();
            int taken = 0;
            while (taken < 100) {
                RoadEvent.Message m = alpha.receive(Duration.ofSeconds(20));
                assertThat(m).isNotNull();
                got.add((Long) m.body().get("i"));
                taken++;
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(got).hasSize(100);
            assertThat(alpha.receive(Duration.ofMillis(500))).isNull();
            assertThat(alpha.inspect(RoadEngine::acceptingMessages).get(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
