package io.raet.route;

import static io.raet.Quick.qt;
import static io.raet.Quick.seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sequential delivery under reordering and duplication. */
class ResequencerProperties {
    static final Address SRC = Address.of("alpha", "w1", "out");
    static final Address DST = Address.of("beta", "svc", "seq");

    static List<FlowMessage> flow(Sequencer s, Address dst, int n) {
        List<FlowMessage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.next(SRC, dst, (long) i));
        }
        return out;
    }

    static List<FlowMessage> shuffledWithDuplicates(List<FlowMessage> in, Random rnd, int maxCopies) {
        List<FlowMessage> wire = new ArrayList<>();
        for (FlowMessage m : in) {
            int copies = 1 + rnd.nextInt(maxCopies);
            for (int c = 0; c < copies; c++) {
                wire.add(m);
            }
        }
        Collections.shuffle(wire, rnd);
        return wire;
    }

    static List<Long> range(int n) {
        List<Long> l = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void shuffledFlowsAreDeliveredInOrderExactlyOnce() {
        qt(300).forAll(integers().between(0, 80), integers().between(0, 40), seeds())
                .checkAssert(this::shuffledFlowsAreDeliveredInOrderExactlyOnce);
    }

    private void shuffledFlowsAreDeliveredInOrderExactlyOnce(int n, int m, long seed) {
        Random rnd = new Random(seed);
        Sequencer s = new Sequencer(new Ids("p"));
        Address dst2 = DST.withChannel("other");
        List<FlowMessage> all = new ArrayList<>(flow(s, DST, n));
        all.addAll(flow(s, dst2, m));
        Resequencer r = new Resequencer(Math.max(1, Math.max(n, m)));
        List<Long> got1 = new ArrayList<>();
        List<Long> got2 = new ArrayList<>();
        for (FlowMessage msg : shuffledWithDuplicates(all, rnd, 3)) {
            for (FlowMessage d : r.receive(msg)) {
                (d.dst().equals(DST) ? got1 : got2).add((Long) d.data());
            }
        }
        assertThat(got1).isEqualTo(range(n));
        assertThat(got2).isEqualTo(range(m));
        assertThat(r.buffered()).isZero();
        assertThat(r.overflow()).isZero();
    }

    @Test
    void aSmallWindowStillDeliversAnOrderedPrefixWithoutDuplicates() {
        qt(300).forAll(integers().between(0, 60), integers().between(1, 8), seeds())
                .checkAssert(this::aSmallWindowStillDeliversAnOrderedPrefixWithoutDuplicates);
    }

    private void aSmallWindowStillDeliversAnOrderedPrefixWithoutDuplicates(int n, int window, long seed) {
        Random rnd = new Random(seed);
        Resequencer r = new Resequencer(window);
        List<Long> got = new ArrayList<>();
        for (FlowMessage msg : shuffledWithDuplicates(flow(new Sequencer(new Ids("p")), DST, n), rnd, 2)) {
            for (FlowMessage d : r.receive(msg)) {
                got.add((Long) d.data());
            }
            assertThat(r.buffered()).isLessThan(window);
        }
        assertThat(got).isEqualTo(range(got.size()));
        assertThat(r.expected(SRC, DST)).isEqualTo(got.size());
    }
}
