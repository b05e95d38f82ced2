package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sender of a large message reports how far it is acknowledged, at most every 100 ms. */
class ProgressEventTest {
    record Seen(long at, RoadEvent.Progress progress) {}

    @Test
    void aLargeMessageReportsAcknowledgedSegmentsAtMostEveryHundredMilliseconds() {
        SimNetwork net = new SimNetwork(7);
        net.delay = 20 * MS;
        RoadEngine beta = BurstPacingTest.joinedPair(net)[1];
        Map<String, Object> msg = body(RoadEngineSimTest.text(new Random(5), 1_000_000));
        long id = beta.send("alpha", msg, null, net.now);
        List<Seen> seen = new ArrayList<>();
        int before = net.events(beta).size();
        long deadline = net.now + 60 * S;
        while (net.events(beta, RoadEvent.Delivered.class).isEmpty()) {
            assertThat(net.now).as("delivered in time").isLessThan(deadline);
            net.step(10 * MS);
            List<RoadEvent> all = net.events(beta);
            for (RoadEvent e : all.subList(before, all.size())) {
                if (e instanceof RoadEvent.Progress p) {
                    seen.add(new Seen(net.now, p));
                }
            }
            before = all.size();
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(3);
        int total = seen.get(0).progress().total();
        assertThat(total).isGreaterThan(900);
        for (int i = 0; i < seen.size(); i++) {
            RoadEvent.Progress p = seen.get(i).progress();
            assertThat(p.messageId()).isEqualTo(id);
            assertThat(p.remote()).isEqualTo("alpha");
            assertThat(p.total()).isEqualTo(total);
            assertThat(p.acked()).isBetween(1, total - 1);
            if (i > 0) {
                assertThat(p.acked()).isGreaterThan(seen.get(i - 1).progress().acked());
                assertThat(seen.get(i).at() - seen.get(i - 1).at()).isGreaterThanOrEqualTo(100 * MS);
            }
        }
        List<RoadEvent> events = net.events(beta);
        assertThat(events.get(events.size() - 1)).isInstanceOf(RoadEvent.Delivered.class);
    }

    @Test
    void aMessageOfOneSegmentReportsNoProgress() {
        SimNetwork net = new SimNetwork(8);
        net.delay = 200 * MS;
        RoadEngine beta = BurstPacingTest.joinedPair(net)[1];
        beta.send("alpha", body("short"), null, net.now);
        assertThat(net.runUntil(() -> !net.events(beta, RoadEvent.Delivered.class).isEmpty(), 10 * S)).isTrue();
        assertThat(net.events(beta, RoadEvent.Progress.class)).isEmpty();
    }
}
