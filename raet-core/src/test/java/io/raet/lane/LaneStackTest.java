package io.raet.lane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.codec.PackKind;
import io.raet.lane.core.LaneEngineTest;
import io.raet.lane.core.UxdSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LaneStackTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    LaneStack stack(String name) throws UxdException {
        return LaneStack.builder().lane("cherry").name(name).dir(dir).build();
    }

    static LaneException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LaneException.class);
            return (LaneException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("send did not finish", e);
        }
        throw new AssertionError("send succeeded");
    }

    @Test
    void socketFileIsPrivateAndNamedAfterLaneAndYard() throws Exception {
        try (LaneStack main = stack("main")) {
            Path p = dir.resolve("cherry.main.uxd");
            assertThat(main.ha()).isEqualTo(p.toAbsolutePath());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            assertThat(main.name()).isEqualTo("main");
            assertThat(main.lane()).isEqualTo("cherry");
            assertThatThrownBy(() -> stack("main")).isInstanceOf(UxdException.class).hasMessageContaining("live");
        }
        assertThat(Files.exists(dir.resolve("cherry.main.uxd"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void smallAndPagedMessagesBothWaysInBothPackKinds() throws Exception {
        try (LaneStack main = stack("main"); LaneStack other = stack("other")) {
            other.addYard("main");
            for (PackKind pk : PackKind.values()) {
                Map<String, Object> small = Map.of("route", Map.of("src", List.of("x", "other")), "pk", pk.name());
                other.send("main", small, pk).get(10, TimeUnit.SECONDS);
                LaneMessage m = main.receive(WAIT);
                assertThat(m.from()).isEqualTo("other");
                assertThat(m.body()).isEqualTo(small);

                Map<String, Object> big = LaneEngineTest.big(200_000);
                main.send("other", big, pk).get(10, TimeUnit.SECONDS);
                m = other.receive(WAIT);
                assertThat(m.from()).isEqualTo("main");
                assertThat(m.body()).isEqualTo(big);

                other.send("main", big, pk).get(10, TimeUnit.SECONDS);
                assertThat(main.receive(WAIT).body()).isEqualTo(big);
            }
            assertThat(main.yards()).containsExactly("other");
            assertThat(main.stats()).containsEntry("messages_received", 4L).containsEntry("messages_sent", 2L);
            assertThat(other.stats()).containsEntry("pages_sent", 2L + 8L);
        }
    }

    @Test
    void burstsBeyondTheKernelQueueArriveInOrder() throws Exception {
        try (LaneStack main = stack("main"); LaneStack other = stack("other")) {
            other.addYard("main");
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int n = 300;
            for (int i = 0; i < n; i++) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("i", (long) i);
                if (i % 50 == 0) {
                    body.put("pad", "p".repeat(150_000));
                }
                sent.add(other.send("main", body));
            }
            for (int i = 0; i < n; i++) {
                LaneMessage m = main.receive(WAIT);
                assertThat(m).as("message %d", i).isNotNull();
                assertThat(m.body().get("i")).isEqualTo((long) i);
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(main.stats().getOrDefault("invalid_page_header", 0L)).isZero();
        }
    }

    @Test
    void aYardAdmittedByAMessageIsKnownBeforeTheMessageCanBeTaken() throws Exception {
        try (LaneStack main = stack("main")) {
            for (int i = 0; i < 10; i++) {
                String name = "newcomer" + i;
                try (LaneStack newcomer = LaneStack.builder().lane("cherry").name(name).dir(dir).yards("main")
                        .build()) {
                    newcomer.send("main", Map.of("i", i));
                    LaneMessage m = main.receive(WAIT);
                    assertThat(m.from()).isEqualTo(name);
                    // what other threads see of the yards agrees with the message they were handed
                    assertThat(main.hasYard(name)).isTrue();
                    assertThat(main.yards()).contains(name);
                }
            }
        }
    }

    @Test
    void aYardOfTheLaneIsReachedByNameBeforeItHasSpoken() throws Exception {
        try (LaneStack a = stack("worker1"); LaneStack b = stack("worker2")) {
            assertThat(a.hasYard("worker2")).isFalse();
            a.send("worker2", Map.of("job", 7)).get(10, TimeUnit.SECONDS);
            assertThat(a.hasYard("worker2")).isTrue();
            LaneMessage m = b.receive(WAIT);
            assertThat(m.from()).isEqualTo("worker1");
            assertThat(m.body()).containsEntry("job", 7L);
            b.send("worker1", Map.of("done", 7)).get(10, TimeUnit.SECONDS);
            assertThat(a.receive(WAIT).body()).containsEntry("done", 7L);
        }
    }

    @Test
    void aNameWithoutSocketIsAnUnknownYardNamingThePath() throws Exception {
        try (LaneStack main = stack("main")) {
            Files.createFile(dir.resolve("cherry.plain.uxd"));
            for (String name : new String[] {"ghost", "plain", "main", "a/b", ""}) {
                LaneException e = failure(main.send(name, Map.of()));
                assertThat(e.kind()).as(name).isEqualTo(LaneException.Kind.UNKNOWN_YARD);
                assertThat(e.getMessage()).as(name).startsWith("unknown yard '" + name + "'");
            }
            assertThat(failure(main.send("ghost", Map.of())).getMessage())
                    .endsWith("no socket at " + dir.resolve("cherry.ghost.uxd").toAbsolutePath());
            assertThat(main.yards()).isEmpty();
        }
    }

    @Test
    void aYardWithoutSocketIsReportedAndRemoved() throws Exception {
        try (LaneStack main = stack("main")) {
            main.addYard("ghost");
            LaneException e = failure(main.send("ghost", Map.of("x", 1)));
            assertThat(e.kind()).isEqualTo(LaneException.Kind.PEER_GONE);
            assertThat(main.yards()).doesNotContain("ghost");
            assertThat(failure(main.send("ghost", Map.of())).kind()).isEqualTo(LaneException.Kind.UNKNOWN_YARD);
            assertThat(main.stats()).containsEntry("stale_transmit_yard", 1L);
        }
    }

    @Test
    void aYardThatNeverReadsFailsWithBusyAfterTheTimeout() throws Exception {
        try (UxdSocket deaf = UxdSocket.bind(dir.resolve("cherry.deaf.uxd"));
                LaneStack main = LaneStack.builder().lane("cherry").name("main").dir(dir)
                        .sendTimeout(Duration.ofMillis(300)).build()) {
            main.addYard("deaf");
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int n = 2000; // beyond any net.unix.max_dgram_qlen in common use
            for (int i = 0; i < n; i++) {
                sent.add(main.send("deaf", Map.of("i", i)));
            }
            LaneException e = failure(sent.get(n - 1));
            assertThat(e.kind()).isEqualTo(LaneException.Kind.BUSY);
            assertThat(sent.get(0)).isCompleted();
            assertThat(main.stats()).containsKey("busy_transmit_yard");
            // the yard stays known and becomes reachable once it reads
            byte[] buf = new byte[UxdSocket.MAX_DATAGRAM + 1];
            while (deaf.receive(buf) != null) {
                // drain
            }
            main.send("deaf", Map.of("again", true)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAllowListKeepsOutOtherYards() throws Exception {
        try (LaneStack main = LaneStack.builder().lane("cherry").name("main").dir(dir).allowOnly("friend").build();
                LaneStack friend = stack("friend");
                LaneStack stranger = stack("stranger")) {
            friend.addYard("main");
            stranger.addYard("main");
            stranger.send("main", Map.of("from", "stranger")).get(10, TimeUnit.SECONDS);
            friend.send("main", Map.of("from", "friend")).get(10, TimeUnit.SECONDS);
            LaneMessage m = main.receive(WAIT);
            assertThat(m.from()).isEqualTo("friend");
            assertThat(main.receive(Duration.ofMillis(200))).isNull();
            assertThat(main.yards()).containsExactly("friend");
            assertThat(main.stats()).containsEntry("unaccepted_source_yard", 1L);
        }
    }

    @Test
    void acceptFalseHearsOnlyKnownYards() throws Exception {
        try (LaneStack main = LaneStack.builder().lane("cherry").name("main").dir(dir).accept(false)
                .yards("known").build();
                LaneStack known = stack("known");
                LaneStack other = stack("other")) {
            known.addYard("main");
            other.addYard("main");
            other.send("main", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
            known.send("main", Map.of("n", 2)).get(10, TimeUnit.SECONDS);
            assertThat(main.receive(WAIT).from()).isEqualTo("known");
            assertThat(main.stats()).containsEntry("unaccepted_source_yard", 1L);
        }
    }

    @Test
    void junkDatagramsAreCountedAndTheStackGoesOn() throws Exception {
        try (LaneStack main = stack("main"); UxdSocket raw = UxdSocket.bind(dir.resolve("cherry.raw.uxd"));
                LaneStack other = stack("other")) {
            byte[] junk = "ri RAET\nnonsense".getBytes();
            raw.sendTo(main.ha(), junk, 0, junk.length);
            raw.sendTo(main.ha(), new byte[0], 0, 0);
            other.addYard("main");
            other.send("main", Map.of("ok", true)).get(10, TimeUnit.SECONDS);
            assertThat(main.receive(WAIT).body()).containsEntry("ok", true);
            assertThat(main.stats()).containsEntry("invalid_page_header", 1L);
        }
    }

    @Test
    void closeFailsPendingSendsAndEndsReceive() throws Exception {
        LaneStack main = stack("main");
        main.close();
        main.close();
        assertThat(failure(main.send("x", Map.of())).kind()).isEqualTo(LaneException.Kind.CLOSED);
        assertThatThrownBy(main::receive).isInstanceOf(IllegalStateException.class);
        assertThat(Files.exists(dir.resolve("cherry.main.uxd"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void builderChecksNames() {
        assertThatThrownBy(() -> LaneStack.builder().name("a.b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LaneStack.builder().name("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LaneStack.builder().lane("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultNameIsLaneUuid() throws Exception {
        try (LaneStack s = LaneStack.builder().dir(dir).build()) {
            assertThat(s.name()).matches("lane_[0-9a-f]{18}");
            assertThat(s.ha().getFileName().toString()).isEqualTo("lane." + s.name() + ".uxd");
        }
    }
}
