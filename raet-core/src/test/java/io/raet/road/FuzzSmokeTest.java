package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.core.FuzzTargets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bounded mutational fuzzer over the {@link FuzzTargets}, seeded from the committed corpus (reference vectors),
 * that runs in every build: {@code -Draet.fuzz.seconds=N} per target (default 3). Jazzer's coverage-guided
 * fuzzing of the same targets is {@link RaetFuzzTest} ({@code scripts/fuzz.sh}). Any exception escaping a target
 * fails; so does an input that takes longer than a second or a heap that keeps growing.
 */
class FuzzSmokeTest {
    static final double SECONDS = Double.parseDouble(System.getProperty("raet.fuzz.seconds", "3"));

    static List<byte[]> corpus(String target) throws IOException, URISyntaxException {
        Path dir = Path.of(FuzzSmokeTest.class.getResource("RaetFuzzTestInputs/" + target).toURI());
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.add(in.readAllBytes());
                }
            }
        }
        return out;
    }

    static final byte[][] TOKENS = {"\n".getBytes(), "\n\n".getBytes(), " ".getBytes(), "\r\n\r\n".getBytes(),
            "ff".getBytes(), "ffffffff".getBytes(), "100000000".getBytes(), "0".getBytes(), "40".getBytes(),
            "sn ".getBytes(), "sc ".getBytes(), "ml ".getBytes(), "pk ".getBytes(), "tk ".getBytes(),
            "fg ".getBytes(), "pl ".getBytes(), "hl ".getBytes(), "\"pc\":".getBytes(), "\"pn\":".getBytes(),
            "pc ".getBytes(), "pn ".getBytes(), "{".getBytes(), "}".getBytes(), "[".getBytes(), "\"".getBytes(),
            "\\u".getBytes(), "\\ud800".getBytes(), new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xdc}, new byte[] {0}, "1e308".getBytes(), "-1".getBytes(), "NaN".getBytes()};

    static byte[] mutate(Random r, byte[] in, List<byte[]> corpus) {
        byte[] d = in;
        int n = 1 + r.nextInt(r.nextInt(8) + 1);
        for (int k = 0; k < n; k++) {
            int len = d.length;
            int pos = len == 0 ? 0 : r.nextInt(len);
            switch (r.nextInt(10)) {
                case 0 -> { // bit flip
                    if (len > 0) {
                        d = d.clone();
                        d[pos] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (len > 0) {
                        d = d.clone();
                        d[pos] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> d = java.util.Arrays.copyOf(d, pos); // truncate
                case 3 -> { // delete a range
                    int m = Math.min(len - pos, 1 + r.nextInt(16));
                    byte[] o = new byte[len - m];
                    System.arraycopy(d, 0, o, 0, pos);
                    System.arraycopy(d, pos + m, o, pos, len - pos - m);
                    d = o;
                }
                case 4, 5 -> d = insert(d, pos, TOKENS[r.nextInt(TOKENS.length)]);
                case 6 -> { // hex digit in the head
                    if (len > 0) {
                        d = d.clone();
                        d[Math.min(pos, Math.min(len - 1, 120))] = (byte) "0123456789abcdefABCDEF".charAt(r.nextInt(22));
                    }
                }
                case 7 -> { // splice with another corpus entry
                    byte[] other = corpus.get(r.nextInt(corpus.size()));
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    d = insert(java.util.Arrays.copyOf(d, pos), pos,
                            java.util.Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + r.nextInt(64))));
                }
                case 8 -> { // duplicate a range
                    int m = Math.min(len - pos, 1 + r.nextInt(32));
                    d = insert(d, pos, java.util.Arrays.copyOfRange(d, pos, pos + m));
                }
                default -> { // random bytes
                    byte[] b = new byte[1 + r.nextInt(8)];
                    r.nextBytes(b);
                    d = insert(d, pos, b);
                }
            }
            if (d.length > 70_000) {
                d = java.util.Arrays.copyOf(d, 70_000);
            }
        }
        return d;
    }

    static byte[] insert(byte[] d, int pos, byte[] what) {
        byte[] o = new byte[d.length + what.length];
        System.arraycopy(d, 0, o, 0, pos);
        System.arraycopy(what, 0, o, pos, what.length);
        System.arraycopy(d, pos, o, pos + what.length, d.length - pos);
        return o;
    }

    static Consumer<byte[]> target(String name) {
        return switch (name) {
            case "packetParser" -> FuzzTargets::packet;
            case "pageParser" -> FuzzTargets::page;
            case "engineReceive" -> FuzzTargets::engineBytes;
            case "engineMutation" -> FuzzTargets::engineMutation;
            case "laneEngine" -> FuzzTargets::laneEngine;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"packetParser", "pageParser", "engineReceive", "engineMutation", "laneEngine"})
    void fuzz(String name) throws Exception {
        Consumer<byte[]> t = target(name);
        List<byte[]> corpus = corpus(name);
        if (name.startsWith("engine")) {
            // The packets of a real session are better seeds for the engine than the reference's.
            corpus.addAll(FuzzTargets.capturedTraffic());
        }
        Random r = new Random(name.hashCode() ^ System.nanoTime());
        long seed = r.nextLong();
        r.setSeed(seed);
        for (byte[] c : corpus) {
            t.accept(c);
        }
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        long runs = 0;
        long slowest = 0;
        Runtime rt = Runtime.getRuntime();
        long heapStart = rt.totalMemory() - rt.freeMemory();
        while (System.nanoTime() < end) {
            byte[] input = mutate(r, corpus.get(r.nextInt(corpus.size())), corpus);
            long t0 = System.nanoTime();
            try {
                t.accept(input);
            } catch (Throwable e) {
                throw new AssertionError(name + " failed (seed " + seed + ") on input "
                        + io.raet.crypto.Hex.encode(input), e);
            }
            long took = System.nanoTime() - t0;
            slowest = Math.max(slowest, took);
            assertThat(took).as("%s: one input took %d ms: %s", name, took / 1_000_000,
                    io.raet.crypto.Hex.encode(input)).isLessThan(1_000_000_000L);
            runs++;
        }
        System.gc();
        long heapEnd = rt.totalMemory() - rt.freeMemory();
        System.out.printf("fuzz %s: %d executions in %.0f s (seed %d), slowest %.1f ms, heap %d -> %d MB%n", name,
                runs, SECONDS, seed, slowest / 1e6, heapStart >> 20, heapEnd >> 20);
        assertThat(runs).isPositive();
        assertThat(heapEnd).as("heap after fuzzing").isLessThan(heapStart + (512L << 20));
    }
}
