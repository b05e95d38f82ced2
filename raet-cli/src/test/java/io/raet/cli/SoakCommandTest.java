package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raet.keep.AutoMode;
import io.raet.road.RoadStack;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakCommandTest {
    private static Map<String, Object> parse(String line) {
        try {
            return Json.parseObject(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> event(List<Map<String, Object>> events, String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).findFirst().orElseThrow();
    }

    private static long num(Map<String, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? 0 : ((Number) v).longValue();
    }

    @SuppressWarnings("unchecked")
    private static long packetsSent(Map<String, Object> event) {
        return num((Map<String, Object>) event.get("stats"), "packets_sent");
    }

    /** A soak sender of {@code count} messages of {@code size} bytes, one in flight, started by a line on stdin. */
    private static Map<String, Object> soak(int port, int count, int size) {
        CliRun r = CliRun.withInput("go\n", "soak", "--send", "--to", "127.0.0.1:" + port, "--count",
                String.valueOf(count), "--size", String.valueOf(size), "--window", "1", "--start-on-stdin",
                "--timeout", "60", "--name", "soaker" + size);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<Map<String, Object>> events = r.out().lines().filter(l -> l.startsWith("{")).map(SoakCommandTest::parse)
                .toList();
        assertThat(events).extracting(e -> e.get("event")).containsSubsequence("waiting", "timed_start", "soak_sent");
        Map<String, Object> done = event(events, "soak_sent");
        assertThat(done.get("ok")).isEqualTo(true);
        assertThat(num(done, "delivered")).isEqualTo(count);
        long datagrams = packetsSent(done) - packetsSent(event(events, "timed_start"));
        assertThat(datagrams).as("datagrams sent in the timed run").isGreaterThanOrEqualTo(num(done, "segments"));
        return done;
    }

    @Test
    void senderStartsOnStdinAndCountsTheSegmentsItsMessagesNeed() throws Exception {
        try (RoadStack main = RoadStack.builder().name("soakmain").main(true).port(0).auto(AutoMode.ALWAYS)
                .build()) {
            int port = main.address().getPort();
            assertThat(num(soak(port, 5, 100), "segments")).as("small messages: one datagram each").isEqualTo(5);
            // 60 KiB of content in segments of a little under 1 KiB: about 72 datagrams each
            assertThat(num(soak(port, 2, 60 * 1024), "segments")).isBetween(2L * 64, 2L * 80);
            assertThat(main.stats().get("messages_received")).isEqualTo(7L);
        }
    }
}
