package io.raet.road.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoadStatsTest {
    @Test
    void countersDropReasonsAndJoinRefusalsShareOneNamespace() {
        RoadStats s = new RoadStats();
        assertThat(s.snapshot()).isEmpty();
        s.count(RoadCounter.PACKETS_SENT);
        s.count(RoadCounter.PACKETS_SENT);
        s.count(RoadCounter.KEEP_PROBLEM);
        s.drop(DropReason.BAD_SIGNATURE);
        s.drop(DropReason.BAD_SIGNATURE);
        s.drop(DropReason.REPLAY);
        s.refused(JoinRefusal.NAME_TAKEN);
        assertThat(s.get("packets_sent")).isEqualTo(2);
        assertThat(s.get(RoadCounter.PACKETS_SENT)).isEqualTo(2);
        assertThat(s.get("keep_problem")).isEqualTo(1);
        assertThat(s.get("drop_bad_signature")).isEqualTo(2);
        assertThat(s.get(DropReason.BAD_SIGNATURE)).isEqualTo(2);
        assertThat(s.get("drop_replay")).isEqualTo(1);
        assertThat(s.get("dropped")).isEqualTo(3);
        assertThat(s.get("drop_unknown")).isZero();
        assertThat(s.get("packets_received")).isZero();
        assertThat(s.snapshot()).containsExactly(Map.entry("drop_bad_signature", 2L), Map.entry("drop_replay", 1L),
                Map.entry("dropped", 3L), Map.entry("join_refused", 1L), Map.entry("join_refused_name_taken", 1L),
                Map.entry("keep_problem", 1L), Map.entry("packets_sent", 2L));
    }

    @Test
    void everyNameIsDistinctAndTheCodecReasonsKeepTheirNames() {
        Set<String> names = new HashSet<>();
        for (RoadCounter c : RoadCounter.values()) {
            assertThat(names.add(c.key())).as(c.key()).isTrue();
        }
        for (DropReason d : DropReason.values()) {
            assertThat(names.add("drop_" + d.key())).as(d.key()).isTrue();
            assertThat(d.key()).isEqualTo(d.name().toLowerCase(java.util.Locale.ROOT));
        }
        for (JoinRefusal r : JoinRefusal.values()) {
            assertThat(names.add(r.key())).as(r.key()).isTrue();
        }
        for (io.raet.codec.Reason r : io.raet.codec.Reason.values()) {
            String name = r.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(DropReason.parse(r).key()).isEqualTo("parse_" + name);
            assertThat(DropReason.messageBody(r).key()).isEqualTo("message_" + name);
        }
    }
}
