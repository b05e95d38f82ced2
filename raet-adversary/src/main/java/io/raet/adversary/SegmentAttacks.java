package io.raet.adversary;

import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attacks by a joined peer with message segments (issue 10, findings 1 to 3): one segment claiming 2^31−1
 * segments; segments claiming 65,535 segments with the wait flag, repeated (amplification); thousands of incomplete
 * messages held open by repeating their segments.
 */
final class SegmentAttacks {
    /** Largest ratio of bytes the target sends to the attacker over the bytes it received from it. */
    static final double MAX_AMPLIFICATION = 10.0;

    private SegmentAttacks() {}

    /** A listen target, the legitimate peer measuring itself, and an attacker's foothold; closed together. */
    private record Setup(ChildProcess target, RoadStack legitStack, Meter legit, Foothold attacker)
            implements AutoCloseable {
        static Setup start(Context c, String tag) throws Exception {
            ChildProcess target = c.listen(c.dir(tag), "once", null, false, 0);
            InetSocketAddress at = Context.address(target);
            RoadStack legit = Context.estate("legit", "legit").build();
            String remote = Context.connect(legit, at);
            Meter meter = c.meter(legit, remote, tag);
            Foothold f = Foothold.take(at, "mallory");
            return new Setup(target, legit, meter, f);
        }

        @Override
        public void close() {
            legit.close();
            legitStack.close();
            attacker.close();
            target.close();
        }
    }

    /** Finding 1: one segment with sn = sc − 1 and sc = 2^31 − 1 from a freshly joined peer. */
    static Row maxSegmentCount(Context c) throws Exception {
        Row row = new Row("1 one segment, sc = 2^31-1", "listen");
        try (Setup s = Setup.start(c, "sc-max")) {
            Map<String, Long> before = s.target.stats();
            long fromTarget0 = s.attacker.tap().fromTargetPackets();
            byte[] packet = s.attacker.segment(s.attacker.ti() + 1000, Integer.MAX_VALUE - 1, Integer.MAX_VALUE,
                    200, new byte[100], true);
            Phases.run(c, row, s.target, s.legit, d -> s.attacker.inject(packet));
            Map<String, Long> after = s.target.stats();
            row.counters(packet.length + " B in; answers " + (s.attacker.tap().fromTargetPackets() - fromTarget0)
                    + " pkts; " + Phases.delta(before, after, "drop_*"));
            finish(c, row, s.target);
        }
        return row;
    }

    /** Finding 2: segments claiming 65,535 segments, each with the wait flag, the same ones again every second. */
    static Row amplification(Context c) throws Exception {
        Row row = new Row("2 " + c.settings.amplifiers() + " segments claiming sc = 65535, wf, repeated", "listen");
        try (Setup s = Setup.start(c, "amplify")) {
            Map<String, Long> before = s.target.stats();
            Tap tap = s.attacker.tap();
            long in0 = tap.toTargetBytes();
            long out0 = tap.fromTargetBytes();
            long outPackets0 = tap.fromTargetPackets();
            long base = s.attacker.ti() + 1000;
            byte[][] packets = new byte[c.settings.amplifiers()][];
            for (int i = 0; i < packets.length; i++) {
                packets[i] = s.attacker.segment(base + i, 65534, 65535, 60_000_000, new byte[100], true);
            }
            Phases.run(c, row, s.target, s.legit, d -> {
                long end = System.nanoTime() + d.toNanos();
                while (System.nanoTime() < end) {
                    for (byte[] p : packets) {
                        s.attacker.inject(p);
                    }
                    Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                }
            });
            long in = tap.toTargetBytes() - in0;
            long out = tap.fromTargetBytes() - out0;
            double ratio = in == 0 ? 0 : (double) out / in;
            Map<String, Long> after = s.target.stats();
            row.counters(String.format(Locale.ROOT, "in %s, out %d pkts/%s (x%.0f); %s", Phases.bytes(in),
                    tap.fromTargetPackets() - outPackets0, Phases.bytes(out), ratio,
                    Phases.delta(before, after, "packets_sent", "packets_resent")));
            if (ratio > MAX_AMPLIFICATION) {
                row.fail(String.format(Locale.ROOT, "the target sent %.0f times the bytes it received (bound %.0f)",
                        ratio, MAX_AMPLIFICATION));
            }
            finish(c, row, s.target);
        }
        return row;
    }

    /**
     * Finding 3: thousands of incomplete messages (first of two segments each), every one repeated each second so
     * that none times out. Counts the messages the target still asks about in the last second of the attack.
     */
    static Row openMessages(Context c) throws Exception {
        int n = c.settings.openMessages();
        Row row = new Row("3 " + n + " open incomplete messages, repeated", "listen");
        try (Setup s = Setup.start(c, "open")) {
            Map<String, Long> before = s.target.stats();
            Map<Long, Long> asked = new ConcurrentHashMap<>();
            s.attacker.tap().watch(h -> {
                if (h.tk() == Wire.TK_MESSAGE) {
                    asked.put(h.ti(), System.nanoTime());
                }
            });
            long base = s.attacker.ti() + 1000;
            byte[][] packets = new byte[n][];
            for (int i = 0; i < n; i++) {
                packets[i] = s.attacker.segment(base + i, 0, 2, 400, new byte[200], false);
            }
            long[] open = new long[1];
            Phases.run(c, row, s.target, s.legit, d -> {
                long end = System.nanoTime() + d.toNanos();
                while (System.nanoTime() < end) {
                    long round = System.nanoTime();
                    for (byte[] p : packets) {
                        s.attacker.inject(p);
                    }
                    long spent = (System.nanoTime() - round) / 1_000_000;
                    Thread.sleep(Math.max(1, Math.min(1000 - spent, (end - System.nanoTime()) / 1_000_000)));
                }
                long since = System.nanoTime() - Duration.ofSeconds(1).toNanos();
                open[0] = asked.values().stream().filter(t -> t >= since).count();
            });
            Map<String, Long> after = s.target.stats();
            if (open[0] >= n) {
                row.fail("the target kept all " + n + " incomplete messages of one peer open (no bound per peer)");
            }
            row.counters("target asked about " + open[0] + " of " + n + " in the last second; "
                    + Phases.delta(before, after, "packets_sent", "drop_*"));
            finish(c, row, s.target);
        }
        return row;
    }

    /** The criteria every attack on a running estate shares: rates, memory, still answering. */
    static void finish(Context c, Row row, ChildProcess target) {
        row.judgeRates(true).judgeMemory(c.memoryBoundKb());
        Phases.judgeAlive(row, target);
    }
}
