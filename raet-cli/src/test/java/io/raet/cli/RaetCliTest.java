package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadStack;
import io.raet.road.RoadEvent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaetCliTest {
    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void keygenPrintsFourHexKeys() throws Exception {
        CliRun r = run("keygen");
        assertThat(r.code()).isZero();
        Map<String, Object> keys = Json.parseObject(r.out().strip());
        assertThat(keys).containsOnlyKeys("sighex", "verhex", "prihex", "pubhex");
        assertThat(keys.values()).allSatisfy(v -> assertThat((String) v).matches("[0-9a-f]{64}"));
    }

    @Test
    void badArgumentsExitNonZeroWithAMessage() {
        assertThat(run().code()).isNotZero();
        CliRun unknown = run("send", "--to", "127.0.0.1:9", "--bogus", "x");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option");
        CliRun badTo = run("send", "--to", "nohostport", "hi");
        assertThat(badTo.code()).isEqualTo(2);
        assertThat(badTo.err()).contains("--to must be host:port");
        CliRun badAuto = run("send", "--to", "127.0.0.1:9", "--auto", "sometimes", "hi");
        assertThat(badAuto.err()).contains("--auto must be never, once or always");
        CliRun badKey = run("send", "--to", "127.0.0.1:9", "--sighex", "zz", "--prihex", "zz", "hi");
        assertThat(badKey.code()).as("keys never on the command line").isEqualTo(2);
        assertThat(badKey.err()).contains("Unknown option");
    }

    @Test
    void sendJoinsAListenerAndPrintsTheDelivery() throws Exception {
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build()) {
            CliRun r = run("send", "--to", "127.0.0.1:" + main.address().getPort(), "--name", "clisender",
                    "--main-key", main.signingKey().verifyKey().hex(), "{\"content\":\"from the cli\"}");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("\"event\":\"delivered\"");
            RoadEvent.Message m = main.receive(Duration.ofSeconds(5));
            assertThat(m.body()).containsEntry("content", "from the cli");
            CliRun wrongKey = run("send", "--to", "127.0.0.1:" + main.address().getPort(), "--name", "clisender2",
                    "--main-key", "00".repeat(32), "{}");
            assertThat(wrongKey.code()).isEqualTo(3);
            assertThat(wrongKey.out()).contains("main key mismatch");
            assertThat(wrongKey.err()).startsWith("raet send: main key mismatch: main at 127.0.0.1:")
                    .contains("not --main-key " + "00".repeat(32));
        }
    }

    @Test
    void aKeepThatLostItsIdentityNeedsNewIdentity(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path keep = tmp.resolve("sender");
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).build();
                RoadStack sender = RoadStack.builder().name("sender").port(0).keep(keep).build()) {
            sender.join(main.address()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        java.nio.file.Files.delete(keep.resolve("role/local/role.json"));
        try (RoadStack main = RoadStack.builder().name("main2").main(true).port(0).build()) {
            String to = "127.0.0.1:" + main.address().getPort();
            CliRun refused = run("send", "--to", to, "--keep", keep.toString(), "{\"content\":\"x\"}");
            assertThat(refused.code()).isEqualTo(2);
            assertThat(refused.err()).contains("role/local/role.json is missing").contains("--new-identity");
            CliRun fresh = run("send", "--to", to, "--keep", keep.toString(), "--new-identity",
                    "{\"content\":\"new me\"}");
            assertThat(fresh.code()).as(fresh.out() + fresh.err()).isZero();
            assertThat(main.receive(Duration.ofSeconds(5)).body()).containsEntry("content", "new me");
        }
    }

    @Test
    void joinEventsPrintAsJsonLines() {
        java.net.InetSocketAddress from = new java.net.InetSocketAddress("127.0.0.1", 7531);
        assertThat(Events.toJson(new RoadEvent.JoinPending("beta", "r", from, "ab", "cd")))
                .containsEntry("event", "join_pending").containsEntry("name", "beta").containsEntry("role", "r")
                .containsEntry("address", "127.0.0.1:7531").containsEntry("verhex", "ab")
                .containsEntry("pubhex", "cd");
        assertThat(Events.toJson(new RoadEvent.JoinRefused("beta", from, "why")))
                .containsEntry("event", "join_refused").containsEntry("reason", "why");
    }
}
