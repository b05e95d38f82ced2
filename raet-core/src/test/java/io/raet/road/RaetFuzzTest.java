package io.raet.road;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.raet.road.core.FuzzTargets;

/**
 * Jazzer fuzz tests of the packet parser, the page parser, the engine's receive path and the lane engine (targets in
 * {@link FuzzTargets}). In a normal build they replay their seed corpus (the reference vectors, under
 * {@code src/test/resources/io/raet/road/RaetFuzzTestInputs/<method>/}). To fuzz one target for a minute:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -ntp -pl raet-core test -Dtest=RaetFuzzTest#packetParser -Djazzer.max_duration=60s
 * </pre>
 *
 * (or {@code scripts/fuzz.sh 60}, which fuzzes every target in turn).
 */
class RaetFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void packetParser(byte[] data) {
        FuzzTargets.packet(data);
    }

    @FuzzTest(maxDuration = "10s")
    void pageParser(byte[] data) {
        FuzzTargets.page(data);
    }

    @FuzzTest(maxDuration = "10s")
    void engineReceive(byte[] data) {
        FuzzTargets.engineBytes(data);
    }

    @FuzzTest(maxDuration = "10s")
    void engineMutation(byte[] data) {
        FuzzTargets.engineMutation(data);
    }

    @FuzzTest(maxDuration = "10s")
    void laneEngine(byte[] data) {
        FuzzTargets.laneEngine(data);
    }
}
