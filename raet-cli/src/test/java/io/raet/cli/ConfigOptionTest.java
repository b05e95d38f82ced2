package io.raet.cli;

import static io.raet.cli.CliErrorsTest.oneLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config FILE} for listen and send: the options in JSON, flags win, paths from the file's directory. */
class ConfigOptionTest {
    @TempDir
    Path tmp;

    @Test
    void listenTakesItsOptionsFromTheFileAndFlagsWin() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("etc"));
        Path f = Files.writeString(dir.resolve("alpha.json"), "{\"name\": \"alpha\", \"port\": 7777, \"keep\":"
                + " \"keep/alpha\", \"echo\": true, \"auto\": \"never\", \"metrics\": \"127.0.0.1:0\"}");
        CommandLine cl = new CommandLine(new RaetCli());
        CommandLine.ParseResult parsed = cl.parseArgs("listen", "--config", f.toString(), "--port", "0");
        ListenCommand listen = (ListenCommand) parsed.subcommand().commandSpec().userObject();
        listen.configOption.apply();
        assertThat(listen.estate.name).isEqualTo("alpha");
        assertThat(listen.estate.port).as("the flag wins").isZero();
        assertThat(listen.estate.keep).isEqualTo(dir.toAbsolutePath().resolve("keep/alpha"));
        assertThat(listen.estate.auto).isEqualTo("never");
        assertThat(listen.echo).isTrue();
        assertThat(listen.metricsOptions.metrics).isEqualTo("127.0.0.1:0");
    }

    @Test
    void sendTakesTheAddressAndTheBodyFileFromTheFile() throws Exception {
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build()) {
            Path dir = Files.createDirectories(tmp.resolve("conf"));
            Files.writeString(dir.resolve("msg.json"), "{\"from\": \"the file\"}");
            Path f = Files.writeString(dir.resolve("send.json"), "{\"to\": \"127.0.0.1:" + main.address().getPort()
                    + "\", \"name\": \"fromfile\", \"bodyFile\": \"msg.json\", \"timeout\": 20}");
            CliRun r = CliRun.run("send", "--config", f.toString(), "--name", "fromflag");
            assertThat(r.code()).as(r.err()).isZero();
            RoadEvent.Message m = main.receive(Duration.ofSeconds(5));
            assertThat(m.from()).isEqualTo("fromflag");
            assertThat(m.body()).containsEntry("from", "the file");
        }
    }

    @Test
    void mistakesInTheFileNameTheFileAndTheSetting() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.json"), "{\"to\": \"127.0.0.1:9\", \"nmae\": \"x\"}");
        assertThat(oneLine(CliRun.run("send", "--config", f.toString(), "{}"), 2))
                .startsWith("raet send: " + f + ": unknown setting 'nmae' (known: [")
                .contains("mainKey").contains("bodyFile").doesNotContain("config").doesNotContain("verbose");
        Files.writeString(f, "{\"port\": \"7530\"}");
        assertThat(oneLine(CliRun.run("listen", "--config", f.toString()), 2))
                .isEqualTo("raet listen: " + f + ": 'port' must be an integer");
        Files.writeString(f, "{\"port\": 0,\n \"name\": }");
        assertThat(oneLine(CliRun.run("listen", "--config", f.toString()), 2))
                .startsWith("raet listen: " + f + ": not valid JSON: ").endsWith("at line 2 column 10");
        assertThat(oneLine(CliRun.run("listen", "--config", tmp.resolve("none.json").toString()), 2))
                .isEqualTo("raet listen: cannot read listen configuration " + tmp.resolve("none.json")
                        + ": no such file");
    }
}
