package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.keep.AutoMode;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a command can fail is one line on standard error, {@code raet <command>: what is wrong: what to do},
 * with a non-zero exit code, and a stack trace only with {@code --verbose}.
 */
@Timeout(120)
class CliErrorsTest {
    @TempDir
    Path tmp;

    /** The run failed with {@code code} and exactly one line on standard error, which is returned. */
    static String oneLine(CliRun r, int code) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(code);
        assertThat(r.err().strip().lines()).as("standard error").hasSize(1);
        return r.err().strip();
    }

    static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aYardWithNoRouterSaysWhereTheLaneShouldBeAndHowToStartIt() {
        String line = oneLine(CliRun.run("yard", "--name", "cli", "--dir", tmp.toString(), "--request", "b/svc/jobs"),
                2);
        assertThat(line).isEqualTo("raet yard: no router lane at " + tmp.resolve("lane.router.uxd") + ": start `raet"
                + " router --lane-dir " + tmp + "` first (or pass --dir)");
        String missing = oneLine(CliRun.run("yard", "--name", "cli", "--dir", tmp.resolve("nope").toString(),
                "--request", "b/svc/jobs"), 2);
        assertThat(missing).startsWith("raet yard: no lane directory " + tmp.resolve("nope"));
        String other = oneLine(CliRun.run("yard", "--name", "cli", "--dir", tmp.toString(), "--lane", "l2",
                "--request", "b/svc/jobs"), 2);
        assertThat(other).contains("l2.router.uxd").contains("--lane l2");
    }

    @Test
    void aYardNamesMalformedDataWithItsPosition() {
        String line = oneLine(CliRun.run("yard", "--name", "cli", "--dir", tmp.toString(), "--request", "b/s/j",
                "--data", "[1, 2"), 2);
        assertThat(line).startsWith("raet yard: --data is not valid JSON: ").contains("at line 1 column");
    }

    @Test
    void anUnresolvableHostIsOneLineAtOnce() {
        long t0 = System.nanoTime();
        String line = oneLine(CliRun.run("send", "--to", "no-such-host.invalid:7530", "{}"), 2);
        assertThat(line).isEqualTo("raet send: cannot resolve the host 'no-such-host.invalid' of --to: check the"
                + " name, or give an IP address");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aPortInUseNamesTheAddressAndSuggestsPortZero() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            for (String command : new String[] {"listen", "send"}) {
                String line = oneLine(command.equals("listen") ? CliRun.run(command, "--port", String.valueOf(port))
                        : CliRun.run(command, "--port", String.valueOf(port), "--to", "127.0.0.1:9", "{}"), 2);
                assertThat(line).startsWith("raet " + command + ": cannot open road socket on 127.0.0.1:" + port)
                        .contains("UDP 127.0.0.1:" + port + " is in use")
                        .endsWith("choose another --port, or --port 0 for any free one");
            }
        }
    }

    @Test
    void keysAreCheckedBeforeAnythingStarts() {
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--main-key", "abc", "{}"), 2))
                .isEqualTo("raet send: --main-key must be a key of 64 hex digits (as raet keygen prints them), not"
                        + " 'abc' (3 characters)");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--main-key", "zz".repeat(32), "{}"), 2))
                .contains("not all hex digits");
        assertThat(CliRun.run("send", "--to", "127.0.0.1:9", "--sighex", "00".repeat(32), "{}").err())
                .as("no key on the command line").contains("Unknown options: '--sighex'");
        Path missing = tmp.resolve("nokeys.json");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--key-file", missing.toString(), "{}"), 2))
                .isEqualTo("raet send: --key-file: key file " + missing + " does not exist");
    }

    @Test
    void aKeyFileMustBePrivateAndHoldBothSecrets() throws Exception {
        Path keys = tmp.resolve("keys.json");
        assertThat(CliRun.run("keygen", "--out", keys.toString()).code()).isZero();
        assertThat(java.nio.file.Files.readString(keys)).contains("sighex").contains("prihex");
        java.nio.file.Files.setPosixFilePermissions(keys,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--key-file", keys.toString(), "{}"), 2))
                .contains("readable or writable by group or others").endsWith("chmod 600 " + keys);
        Path half = tmp.resolve("half.json");
        java.nio.file.Files.writeString(half, "{\"sighex\": \"" + "00".repeat(32) + "\"}");
        java.nio.file.Files.setPosixFilePermissions(half,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--key-file", half.toString(), "{}"), 2))
                .isEqualTo("raet send: --key-file: key file " + half + " has no prihex (64 hex digits)");
    }

    @Test
    void messagesMustBeJsonObjectsAndMistakesSayWhere() throws Exception {
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "[1,2,3]"), 2))
                .isEqualTo("raet send: the message must be a JSON object ({\"key\": value, ...}), not an array: put"
                        + " it in one, e.g. {\"items\": [1,2,3]}");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "hello"), 2))
                .startsWith("raet send: the message is not valid JSON: Unrecognized token 'hello'")
                .endsWith("to send plain text as {\"content\": text}, add --text");
        String bad = oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "{\n  \"a\": 1,\n  \"b\" 2\n}"), 2);
        assertThat(bad).startsWith("raet send: the message is not valid JSON: Unexpected character ('2'):"
                + " was expecting a colon to separate field name and value at line 3 column 7")
                .doesNotContain("Source:").doesNotContain("(code ");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "{} {}"), 2)).contains("not valid JSON");
        Path missing = tmp.resolve("missing.json");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--body-file", missing.toString()), 2))
                .isEqualTo("raet send: cannot read --body-file " + missing + ": no such file");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--body-file", tmp.toString()), 2))
                .isEqualTo("raet send: cannot read --body-file " + tmp + ": it is a directory");
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9"), 2))
                .contains("give the message: as an argument, or with --body-file FILE");
    }

    @Test
    void textIsWrappedOnlyWhenAskedAndStandardInputIsABodyFile() throws Exception {
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build()) {
            String to = "127.0.0.1:" + main.address().getPort();
            CliRun text = CliRun.run("send", "--to", to, "--text", "[1,2,3]");
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).isEqualTo(Map.of("content", "[1,2,3]"));
            CliRun stdin = CliRun.withInput("{\"n\": 7}", "send", "--to", to, "--body-file", "-");
            assertThat(stdin.code()).as(stdin.err()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).isEqualTo(Map.of("n", 7L));
        }
    }

    @Test
    void aRejectedJoinSaysWhyAndHowTheOperatorAcceptsUs() throws Exception {
        Path keep = tmp.resolve("main");
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).auto(AutoMode.ONCE).keep(keep)
                .build()) {
            String to = "127.0.0.1:" + main.address().getPort();
            assertThat(CliRun.run("send", "--to", to, "--name", "beta", "{}").code()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).isEmpty();
            Path keyFile = tmp.resolve("beta.keys");
            Map<String, Object> keys = Json.parseObject(CliRun.run("keygen", "--out", keyFile.toString()).out()
                    .strip());
            String[] asBeta = {"send", "--to", to, "--name", "beta", "--key-file", keyFile.toString(), "--timeout",
                "10", "{\"n\":2}"};
            CliRun r = CliRun.run(asBeta);
            String line = oneLine(r, 1);
            String accept = "raet keep accept beta --verhex " + keys.get("verhex") + " --pubhex " + keys.get("pubhex");
            assertThat(line).isEqualTo("raet send: join failed: rejected: the main's acceptance refused our keys or"
                    + " role: ask its operator to accept role 'beta' (" + accept + " --keep <its keep>)");
            assertThat(Json.parseObject(r.out().strip())).containsEntry("event", "error")
                    .containsEntry("error", "join_failed").containsEntry("reason", "rejected");
            // the operator does what the line says, on the main's keep, while it runs
            CliRun accepted = CliRun.run((accept.substring("raet ".length()) + " --keep " + keep).split(" "));
            assertThat(accepted.code()).as(accepted.err()).isZero();
            CliRun again = CliRun.run(asBeta);
            assertThat(again.code()).as(again.err()).isZero();
            RoadEvent.Message m = main.receive(Duration.ofSeconds(5));
            assertThat(m.body()).containsEntry("n", 2L);
        }
    }

    @Test
    void aJoinHeldForTheOperatorSaysSoAndTheOperatorLetsItIn() throws Exception {
        Path keep = tmp.resolve("main");
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).auto(AutoMode.NEVER).keep(keep)
                .build()) {
            String to = "127.0.0.1:" + main.address().getPort();
            Path keyFile = tmp.resolve("gamma.keys");
            Map<String, Object> keys = Json.parseObject(CliRun.run("keygen", "--out", keyFile.toString()).out()
                    .strip());
            String[] asGamma = {"send", "--to", to, "--name", "gamma", "--key-file", keyFile.toString(), "--timeout",
                "2", "{\"n\":3}"};
            String line = oneLine(CliRun.run(asGamma), 1);
            String accept = "keep accept gamma --verhex " + keys.get("verhex") + " --pubhex " + keys.get("pubhex");
            assertThat(line).isEqualTo("raet send: join failed: timeout while pending acceptance: the main holds our"
                    + " join for its operator: ask its operator to accept role 'gamma' (raet " + accept
                    + " --keep <its keep>), or wait longer with --timeout");
            assertThat(CliRun.run((accept + " --keep " + keep).split(" ")).code()).isZero();
            asGamma[asGamma.length - 2] = "10";
            CliRun r = CliRun.run(asGamma);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 3L);
        }
    }

    @Test
    void theTimeoutGovernsTheWholeCommand() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        String line = oneLine(CliRun.run("send", "--to", "127.0.0.1:" + port, "--timeout", "2", "{}"), 1);
        assertThat(line).startsWith("raet send: join failed: no answer from 127.0.0.1:" + port
                + " within --timeout 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));

        // a main that comes up after the road's own join timeout (5 s) is still joined within --timeout
        int later = freePort();
        CompletableFuture<CliRun> send = CompletableFuture.supplyAsync(() -> CliRun.run("send", "--to",
                "127.0.0.1:" + later, "--timeout", "25", "{\"late\":true}"));
        Thread.sleep(6500);
        try (RoadStack main = RoadStack.builder().name("late").main(true).port(later).build()) {
            CliRun r = send.get(30, TimeUnit.SECONDS);
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).containsEntry("late", true);
        }
    }

    @Test
    void stackTracesOnlyWithVerbose() {
        String[] args = {"send", "--to", "127.0.0.1:9", "--main-key", "abc", "{}"};
        oneLine(CliRun.run(args), 2);
        for (String[] verbose : new String[][] {{"--verbose", "send"}, {"send", "--verbose"}}) {
            String[] all = new String[args.length + 1];
            all[0] = verbose[0];
            all[1] = verbose[1];
            System.arraycopy(args, 1, all, 2, args.length - 1);
            CliRun r = CliRun.run(all);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).startsWith("raet send: --main-key must be").contains("CliException")
                    .contains("\tat io.raet.cli.");
        }
    }

    @Test
    void usageMistakesAreOneLineWithAPointerToTheHelp() {
        assertThat(oneLine(CliRun.run("send", "--to", "127.0.0.1:9", "--bogus", "{}"), 2))
                .isEqualTo("raet send: Unknown option: '--bogus' (see raet send --help)");
        assertThat(oneLine(CliRun.run(), 2)).isEqualTo("raet: a subcommand is required (see raet --help)");
        assertThat(oneLine(CliRun.run("send", "{}"), 2)).contains("--to HOST:PORT");
        assertThat(oneLine(CliRun.run("keep", "list"), 2)).startsWith("raet keep list: Missing required option");
    }

    @Test
    void aSmallSendFromAFilePrintsNothingOnStandardError() throws Exception {
        Path f = Files.writeString(tmp.resolve("m.json"), "{\"a\":1}");
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build()) {
            CliRun r = CliRun.run("send", "--to", "127.0.0.1:" + main.address().getPort(), "--body-file",
                    f.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
        }
    }
}
