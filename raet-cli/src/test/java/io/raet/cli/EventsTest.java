package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every road event becomes a JSON line by its record's shape, so a new kind needs no change in the CLI. */
class EventsTest {
    @Test
    void eventsAreWrittenByTheirRecordShape() {
        assertThat(Events.toJson(new RoadEvent.JoinFailed("beta", new InetSocketAddress("127.0.0.1", 7531),
                "rejected"))).containsExactly(Map.entry("event", "join_failed"), Map.entry("remote", "beta"),
                        Map.entry("address", "127.0.0.1:7531"), Map.entry("reason", "rejected"));
        assertThat(Events.toJson(new RoadEvent.Delivered(7, "alpha"))).containsExactly(
                Map.entry("event", "delivered"), Map.entry("id", 7L), Map.entry("remote", "alpha"));
        assertThat(Events.toJson(new RoadEvent.Progress(3, "alpha", 10, 40))).containsExactly(
                Map.entry("event", "progress"), Map.entry("id", 3L), Map.entry("remote", "alpha"),
                Map.entry("acked", 10), Map.entry("total", 40));
        assertThat(Events.toJson(new RoadEvent.Message("beta", "worker", Map.of("a", 1), 20)))
                .containsEntry("event", "message").containsEntry("from", "beta").containsEntry("role", "worker")
                .containsEntry("body", Map.of("a", 1));
        assertThat(Events.toJson(new RoadEvent.JoinFailed(null, null, "x"))).containsEntry("address", null);
    }

    @Test
    void everyKindOfEventHasALine() {
        for (Class<?> kind : RoadEvent.class.getPermittedSubclasses()) {
            assertThat(kind.isRecord()).as(kind.getName()).isTrue();
            assertThat(Events.snake(kind.getSimpleName())).matches("[a-z]+(_[a-z]+)*");
        }
    }
}
