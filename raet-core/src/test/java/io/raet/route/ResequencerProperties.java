package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

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

    @Property(tries = 300)
    void shuffledFlowsAreDeliveredInOrderExactlyOnce(@ForAll @IntRange(min = 0, max = 80) int n,
            @ForAll @IntRange(min = 0, max = 40) int m, @ForAll long seed) {
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

    @Property(tries = 300)
    void aSmallWindowStillDeliversAnOrderedPrefixWithoutDuplicates(@ForAll @IntRange(min = 0, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 8) int window, @ForAll long seed) {
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
