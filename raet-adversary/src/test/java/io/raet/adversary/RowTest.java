package io.raet.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict follows the criteria and nothing else. */
class RowTest {
    @Test
    void holdsWhenThePeerKeepsHalfDuringAndMostAfter() {
        assertThat(new Row("a", "t").rates(1000, 500, 800).judgeRates(true).held()).isTrue();
        assertThat(new Row("a", "t").rates(1000, 499, 900).judgeRates(true).failures).hasSize(1);
        assertThat(new Row("a", "t").rates(1000, 900, 799).judgeRates(true).failures).hasSize(1);
        assertThat(new Row("a", "t").rates(1000, 0, 1000).judgeRates(false).held()).isTrue();
        assertThat(new Row("a", "t").rates(0, 0, 0).judgeRates(true).held()).isFalse();
        assertThat(new Row("a", "t").rates(1000, Double.NaN, 1000).judgeRates(true).held()).isFalse();
        assertThat(new Row("a", "t").judgeRates(true).held()).as("no rates measured").isTrue();
    }

    @Test
    void onlyAFailureOnRatesAloneIsWorthASecondRun() {
        assertThat(new Row("a", "t").rates(1000, 100, 100).judgeRates(true).failedOnRatesOnly()).isTrue();
        assertThat(new Row("a", "t").rates(1000, 100, 100).judgeRates(true).fail("delivered twice")
                .failedOnRatesOnly()).isFalse();
        assertThat(new Row("a", "t").fail("keep grew").failedOnRatesOnly()).isFalse();
        assertThat(new Row("a", "t").rates(1000, 900, 900).judgeRates(true).failedOnRatesOnly()).isFalse();
    }

    @Test
    void memoryAboveTheBoundFails() {
        Row r = new Row("a", "t");
        r.rssPeakKb = 400 * 1024;
        assertThat(r.judgeMemory(448 * 1024).held()).isTrue();
        assertThat(r.judgeMemory(300 * 1024).failures.getFirst()).contains("400 MiB").contains("300 MiB");
    }

    @Test
    void readsProcStatus() {
        String status = "Name:\tjava\nVmHWM:\t  123456 kB\nVmRSS:\t   65432 kB\nThreads:\t20\n";
        assertThat(Memory.parseStatus(status, "VmRSS")).isEqualTo(65432);
        assertThat(Memory.parseStatus(status, "VmHWM")).isEqualTo(123456);
        assertThat(Memory.parseStatus(status, "VmSwap")).isEqualTo(-1);
        assertThat(Memory.rssKb(ProcessHandle.current().pid())).isPositive();
    }
}
