package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPrinterTest {
    static final long S = 1_000_000_000L;

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long now = 1000 * S;
    final EventPrinter printer = new EventPrinter(out, () -> now, 10 * S);

    List<Map<String, Object>> lines() throws Exception {
        List<Map<String, Object>> l = new java.util.ArrayList<>();
        for (String s : bytes.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            if (!s.isBlank()) {
                l.add(Json.parseObject(s));
            }
        }
        return l;
    }

    @Test
    void oneFailureRepeatedIsOneLineThenOneCountPerInterval() throws Exception {
        Map<String, Object> failed = Events.toJson(new RoadEvent.AllowFailed("beta", "rejected"));
        for (int i = 0; i < 26; i++) {
            printer.print(failed);
            now += S / 4;
        }
        assertThat(lines()).containsExactly(failed);
        now = 1010 * S;
        printer.flush();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).containsAllEntriesOf(failed).containsEntry("repeats", 25)
                .containsEntry("window_s", 10);
        // it keeps coming: still one line per interval
        for (int i = 0; i < 8; i++) {
            now += S;
            printer.print(failed);
        }
        now += 3 * S;
        printer.flush();
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).containsEntry("repeats", 8);
        // a quiet interval ends it; the next one is printed at once
        now += 11 * S;
        printer.flush();
        printer.print(failed);
        assertThat(lines()).hasSize(4);
        assertThat(lines().get(3)).isEqualTo(failed);
    }

    @Test
    void otherCausesOtherPeersAndEventsWithoutAReasonArePrintedEachTime() throws Exception {
        printer.print(Events.toJson(new RoadEvent.AllowFailed("beta", "rejected")));
        printer.print(Events.toJson(new RoadEvent.AllowFailed("gamma", "rejected")));
        printer.print(Events.toJson(new RoadEvent.AllowFailed("beta", "timeout")));
        printer.print(Events.toJson(new RoadEvent.Alive("beta")));
        printer.print(Events.toJson(new RoadEvent.Alive("beta")));
        printer.print(Events.toJson(new RoadEvent.JoinFailed(null, new InetSocketAddress("127.0.0.1", 9),
                "timeout")));
        assertThat(lines()).hasSize(6);
    }

    @Test
    void closePrintsWhatWasCountedAndNotYetPrinted() throws Exception {
        Map<String, Object> failed = Events.toJson(new RoadEvent.AllowFailed("beta", "rejected"));
        printer.print(failed);
        printer.print(failed);
        printer.print(failed);
        printer.close();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).containsEntry("repeats", 2);
    }
}
