package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.cli.RouterProcessTest.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start for three routers on two channels, with the configuration it shows (ports 0 and the
 * {@code join} lists filled with the ports the routers started before printed): each router a process of its own
 * with a sealed control keep provisioned by {@code raet keep init}, three governors, M = 2, a version submitted to
 * one router and applied by all three; and {@code raet listen} on a sealed keep.
 */
@Timeout(180)
class TrustQuickStartTest {
    @TempDir
    Path q;

    final List<Proc> procs = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        Proc.stop(procs);
    }

    Proc raet(String name, String... args) throws Exception {
        Proc p = Proc.raet(q, name, args);
        procs.add(p);
        return p;
    }

    static Predicate<Map<String, Object>> event(String name) {
        return m -> name.equals(m.get("event"));
    }

    static Map<String, Object> ok(CliRun r) throws Exception {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return Json.parseObject(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    String path(String name) {
        return q.resolve(name).toString();
    }

    Path passFile() throws Exception {
        Path pass = q.resolve("pass");
        Files.writeString(pass, "quick start\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        return pass;
    }

    /** The configuration of the README, for router {@code name} ({@code c} its letter), joining {@code earlier}. */
    String config(String name, String c, List<String> members, List<Integer> mainPorts, List<Integer> ctlPorts) {
        return "{\"name\": \"" + name + "\", \"role\": \"" + name + "\", \"port\": 0, \"laneDir\": \"lane-" + c
                + "\", \"join\": " + addresses(mainPorts) + ",\n \"genesis\": \"genesis.json\", \"chain\": \"chain-"
                + c + "\", \"passphrase\": {\"file\": \"pass\"},\n \"channels\": {\"ctl\": {\"port\": 0, \"keep\":"
                + " \"ctl-" + c + "\", \"control\": true, \"members\": " + quoted(members) + ", \"join\": "
                + addresses(ctlPorts) + "}}}";
    }

    static String addresses(List<Integer> ports) {
        return quoted(ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    static String quoted(List<String> items) {
        return items.stream().map(s -> "\"" + s + "\"").toList().toString();
    }

    @Test
    void threeRoutersOnTwoChannelsApplyAVersionTwoGovernorsSigned() throws Exception {
        Path pass = passFile();
        String[] names = {"alpha", "beta", "gamma"};
        String[] letters = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            Map<String, Object> id = ok(CliRun.run("keep", "init", "--keep", path("ctl-" + letters[i]), "--name",
                    names[i], "--passphrase-file", pass.toString()));
            Files.writeString(q.resolve(names[i] + ".json"), Json.MAPPER.writeValueAsString(id));
        }
        List<String> governors = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> key = ok(CliRun.run("policy", "keygen", "--keep", path("gov" + i), "--name",
                    "gov" + i));
            governors.add("gov" + i + "=" + key.get("verhex"));
        }
        ok(CliRun.run("policy", "genesis", "--id", "demo", "--threshold", "2", "--governor", governors.get(0),
                "--governor", governors.get(1), "--governor", governors.get(2), "--out", path("genesis.json")));
        Files.writeString(q.resolve("policy.json"), "[{\"role\": \"*\", \"dst\": \"*/*/admin.*\", \"action\":"
                + " \"deny\"}]");

        List<Integer> mainPorts = new ArrayList<>();
        List<Integer> ctlPorts = new ArrayList<>();
        List<Proc> routers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Files.createDirectories(q.resolve("lane-" + letters[i]));
            List<String> members = new ArrayList<>();
            for (String n : names) {
                if (!n.equals(names[i])) {
                    members.add(n + ".json");
                }
            }
            Path conf = q.resolve(names[i] + ".conf.json");
            Files.writeString(conf, config(names[i], letters[i], members, mainPorts, ctlPorts));
            Proc r = raet("router-" + names[i], "router", "--config", conf.toString());
            routers.add(r);
            mainPorts.add(((Number) r.await(event("ready")).get("port")).intValue());
            ctlPorts.add(((Number) r.await(event("channel_ready")).get("port")).intValue());
            for (int j = 0; j < 2 * i; j++) {
                r.await(event("connected"));
            }
        }
        Proc svc = raet("yard-svc", "yard", "--name", "svc", "--dir", path("lane-a"), "--serve", "jobs", "--serve",
                "admin.reset");
        svc.await(event("ready"));
        assertThat(ok(CliRun.run("yard", "--name", "cli", "--dir", path("lane-c"), "--request",
                "alpha/svc/admin.reset"))).containsEntry("event", "response");

        ok(CliRun.run("policy", "propose", "--chain", path("gov-chain"), "--genesis", path("genesis.json"),
                "--policy", path("policy.json"), "--note", "no admin", "--out", path("v1.json")));
        ok(CliRun.run("policy", "sign", "--chain", path("gov-chain"), "--proposal", path("v1.json"), "--keep",
                path("gov1")));
        ok(CliRun.run("policy", "sign", "--chain", path("gov-chain"), "--proposal", path("v1.json"), "--keep",
                path("gov2")));
        assertThat(ok(CliRun.run("policy", "submit", "--to", path("lane-b"), path("v1.json"))))
                .containsEntry("outcome", "applied");
        for (Proc r : routers) {
            assertThat(r.await(event("policy_applied"))).containsEntry("version", 1)
                    .containsEntry("signers", List.of("gov1", "gov2"));
        }
        CliRun denied = CliRun.run("yard", "--name", "cli", "--dir", path("lane-c"), "--request",
                "alpha/svc/admin.reset");
        assertThat(denied.code()).isEqualTo(1);
        assertThat(Json.parseObject(denied.out().strip())).containsEntry("code", "denied");
        Map<String, Object> ctl = ok(CliRun.run("yard", "--name", "cli", "--dir", path("lane-c"), "--request",
                "alpha/svc/jobs/ctl"));
        assertThat(ctl).containsEntry("src", List.of("alpha", "svc", "jobs", "ctl"));
        assertThat(Files.readString(q.resolve("ctl-a/role/local/role.json"))).contains("\"sealed\"");
        assertThat(q.resolve("chain-c/version.1.json")).exists();
    }

    @Test
    void listenRunsOnASealedKeepOnlyWithItsPassphrase() throws Exception {
        Path pass = passFile();
        Path keep = q.resolve("main-keep");
        Proc first = raet("listen-1", "listen", "--name", "main", "--port", "0", "--keep", keep.toString(),
                "--passphrase-file", pass.toString());
        Object verhex = first.await(event("ready")).get("verhex");
        first.process.destroy();
        assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(keep.resolve("role/local/role.json"))).contains("\"sealed\"")
                .doesNotContain("sighex");
        Proc again = raet("listen-2", "listen", "--name", "main", "--port", "0", "--keep", keep.toString(),
                "--passphrase-file", pass.toString());
        assertThat(again.await(event("ready"))).containsEntry("verhex", verhex);
        again.process.destroy();
        CliRun locked = CliRun.run("listen", "--name", "main", "--port", "0", "--keep", keep.toString());
        assertThat(locked.code()).isEqualTo(2);
        assertThat(locked.err()).contains("is sealed").contains("passphrase");
    }
}
