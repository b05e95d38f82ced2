package io.raet.cli;

import static io.raet.cli.CliErrorsTest.oneLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ProgressTest {
    static final long S = 1_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void aLineSaysSegmentsOfTotalRateAndTimeLeft() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressMeter m = new ProgressMeter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 20_000_000,
                now::get);
        now.set(2 * S);
        m.update(new RoadEvent.Progress(1, "alpha", 5000, 20000));
        now.set(2 * S + S / 2);
        m.update(new RoadEvent.Progress(1, "alpha", 6000, 20000)); // within a second: not printed off a terminal
        now.set(4 * S);
        m.done(20000);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "raet send: 5000 of 20000 segments acknowledged (25%), 2.5 MB/s, 0:06 left",
                "raet send: 20000 of 20000 segments acknowledged (100%), 5.0 MB/s, 0:04 in all");
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlace() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressMeter m = new ProgressMeter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 2_000_000,
                now::get);
        now.set(S / 10);
        m.update(new RoadEvent.Progress(1, "alpha", 100, 2000));
        now.set(S / 5);
        m.update(new RoadEvent.Progress(1, "alpha", 300, 2000));
        m.done(2000);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertThat(s).startsWith("\rraet send: 100 of 2000").contains("\rraet send: 300 of 2000")
                .endsWith("(100%), 10.0 MB/s, 0:00 in all\n");
        assertThat(s.chars().filter(c -> c == '\n').count()).as("one line, ended when done").isEqualTo(1);
    }

    @Test
    void aLargeSendShowsItsProgressWithTheOption() throws Exception {
        Path f = tmp.resolve("big.json");
        Files.writeString(f, "{\"content\": \"" + "x".repeat(3_000_000) + "\"}");
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build()) {
            CliRun r = CliRun.run("send", "--to", "127.0.0.1:" + main.address().getPort(), "--body-file",
                    f.toString(), "--progress");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err().lines()).isNotEmpty().allSatisfy(l -> assertThat(l)
                    .matches("raet send: (\\d+ of \\d+ segments|3\\.0 MB) acknowledged \\(\\d+%\\), .*"));
            assertThat(r.err().strip().lines().reduce((a, b) -> b).orElseThrow()).contains("(100%)")
                    .endsWith("in all");
            assertThat(main.receive(Duration.ofSeconds(10)).body().get("content").toString()).hasSize(3_000_000);
            CliRun quiet = CliRun.run("send", "--to", "127.0.0.1:" + main.address().getPort(), "--body-file",
                    f.toString());
            assertThat(quiet.code()).isZero();
            assertThat(quiet.err()).as("not a terminal, no --progress").isEmpty();
        }
    }

    @Test
    void aMessageOverTheLargestAllowedFailsAtOnceNamingTheLimit() throws Exception {
        Path f = tmp.resolve("huge.json");
        Files.writeString(f, "{\"content\": \"" + "x".repeat(17_000_000) + "\"}");
        long t0 = System.nanoTime();
        String line = oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--body-file", f.toString()), 2);
        assertThat(line).isEqualTo("raet send: the message is 17.0 MB (17,000,014 bytes encoded); the largest road"
                + " message is 16 MiB (16,777,176 bytes encoded): split it, or send where to fetch the data");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
}
