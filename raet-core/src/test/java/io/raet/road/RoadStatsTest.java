package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoadStatsTest {
    @Test
    void countersByEnumNameAndDropReasonShareOneNamespace() {
        RoadStats s = new RoadStats();
        assertThat(s.snapshot()).isEmpty();
        s.inc(RoadStats.Counter.PACKETS_SENT);
        s.inc("packets_sent");
        s.inc("keep_problem");
        s.drop("bad_signature");
        s.drop("bad_signature");
        s.drop("replay");
        assertThat(s.get("packets_sent")).isEqualTo(2);
        assertThat(s.get("keep_problem")).isEqualTo(1);
        assertThat(s.get("drop_bad_signature")).isEqualTo(2);
        assertThat(s.get("drop_replay")).isEqualTo(1);
        assertThat(s.get("dropped")).isEqualTo(3);
        assertThat(s.get("drop_unknown")).isZero();
        assertThat(s.get("packets_received")).isZero();
        assertThat(s.snapshot()).containsExactly(java.util.Map.entry("drop_bad_signature", 2L),
                java.util.Map.entry("drop_replay", 1L), java.util.Map.entry("dropped", 3L),
                java.util.Map.entry("keep_problem", 1L), java.util.Map.entry("packets_sent", 2L));
    }
}
