package io.raet.lane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.codec.PackKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneStackTest {
    @TempDir
    Path dir;

    LaneStack yard(String name) {
        return LaneStack.builder().lane("test").yard(name).dir(dir).build();
    }

    @Test
    void smallAndPagedMessagesBetweenTwoYards() throws Exception {
        try (LaneStack a = yard("alpha"); LaneStack b = yard("beta")) {
            a.send("beta", Map.of("content", "hello beta")).get(5, TimeUnit.SECONDS);
            LaneMessage m = b.receive(Duration.ofSeconds(5));
            assertThat(m.from()).isEqualTo("alpha");
            assertThat(m.body()).containsEntry("content", "hello beta");

            String big = "y".repeat(200_000);
            b.send("alpha", Map.of("content", big)).get(5, TimeUnit.SECONDS);
            LaneMessage mb = a.receive(Duration.ofSeconds(5));
            assertThat(mb.body().get("content")).isEqualTo(big);
            Thread.sleep(100);
            assertThat(b.stats().getOrDefault("pages_sent", 0L)).isEqualTo(4L);
        }
    }

    @Test
    void manyMessagesInARowSurviveTheShortKernelQueue() throws Exception {
        try (LaneStack a = yard("alpha"); LaneStack b = yard("beta")) {
            var last = a.send("beta", Map.of("n", 0L));
            for (long i = 1; i < 500; i++) {
                last = a.send("beta", Map.of("n", i));
            }
            last.get(10, TimeUnit.SECONDS);
            for (long i = 0; i < 500; i++) {
                LaneMessage m = b.receive(Duration.ofSeconds(5));
                assertThat(m).isNotNull();
                assertThat(m.body()).containsEntry("n", i);
            }
        }
    }

    @Test
    void msgpackPages() throws Exception {
        try (LaneStack a = LaneStack.builder().lane("test").yard("alpha").dir(dir).packKind(PackKind.MSGPACK).build();
                LaneStack b = yard("beta")) {
            a.send("beta", Map.of("blob", new byte[] {1, 2, 3}, "n", 5L)).get(5, TimeUnit.SECONDS);
            LaneMessage m = b.receive(Duration.ofSeconds(5));
            assertThat((byte[]) m.body().get("blob")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void socketFileIsPrivateAndRemovedOnClose() throws Exception {
        Path p;
        try (LaneStack a = yard("alpha")) {
            p = a.path();
            assertThat(Files.getPosixFilePermissions(p)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(p).doesNotExist();
    }

    @Test
    void sendingToAMissingYardFails() {
        try (LaneStack a = yard("alpha")) {
            assertThatThrownBy(() -> a.send("nobody", Map.of("x", 1L)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("no yard nobody");
            assertThatThrownBy(() -> a.send("bad.name", Map.of()).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("without dots");
        }
    }

    @Test
    void aMainYardThatAdmitsOnlyKnownYards() throws Exception {
        try (LaneStack main = LaneStack.builder().lane("test").yard("main").dir(dir).accept(false)
                .allowed(Set.of("friend")).build();
                LaneStack friend = yard("friend"); LaneStack stranger = yard("stranger")) {
            stranger.send("main", Map.of("who", "stranger")).get(5, TimeUnit.SECONDS);
            friend.send("main", Map.of("who", "friend")).get(5, TimeUnit.SECONDS);
            LaneMessage m = main.receive(Duration.ofSeconds(5));
            assertThat(m.from()).isEqualTo("friend");
            assertThat(main.receive(Duration.ofMillis(300))).isNull();
            Thread.sleep(100);
            assertThat(main.stats()).containsEntry("drop_unknown_yard", 1L);
        }
    }

    @Test
    void garbageIsCountedNotFatal() throws Exception {
        try (LaneStack a = yard("alpha"); UxdSocket raw = UxdSocket.bind(dir.resolve("test.raw.uxd"))) {
            byte[] junk = "not a page".getBytes();
            raw.send(a.path(), junk, 0, junk.length);
            a.send("alpha", Map.of("self", true)).get(5, TimeUnit.SECONDS);
            assertThat(a.receive(Duration.ofSeconds(5)).body()).containsEntry("self", true);
            assertThat(a.stats()).containsEntry("drop_bad_page", 1L);
        }
    }
}
