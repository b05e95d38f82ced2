package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code raet policy}: three governors, M = 2, a router's chain directory, all on files. */
class PolicyCommandTest {
    @TempDir
    Path tmp;

    private static Map<String, Object> ok(CliRun r) throws Exception {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return Json.parseObject(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void governorsProposeSignAndARouterChainAppliesOnlyWhatTwoSigned() throws Exception {
        Path pass = tmp.resolve("gov3.pass");
        Files.writeString(pass, "governor three\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        List<String> entries = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> args = new ArrayList<>(List.of("policy", "keygen", "--keep", tmp.resolve("gov" + i).toString(),
                    "--name", "gov" + i));
            if (i == 3) {
                args.addAll(List.of("--passphrase-file", pass.toString())); // a sealed governor key
            }
            Map<String, Object> key = ok(CliRun.run(args.toArray(String[]::new)));
            assertThat(key).containsEntry("sealed", i == 3);
            entries.add("gov" + i + "=" + key.get("verhex"));
        }
        Path genesis = tmp.resolve("genesis.json");
        Map<String, Object> g = ok(CliRun.run("policy", "genesis", "--id", "estate", "--threshold", "2",
                "--governor", entries.get(0), "--governor", entries.get(1), "--governor", entries.get(2),
                "--out", genesis.toString()));
        assertThat(g).containsEntry("fork_tolerance", 0).containsEntry("outage_tolerance", 1);

        Path policy = tmp.resolve("policy.json");
        Files.writeString(policy, "{\"default\": \"deny\", \"rules\": [{\"role\": \"router\", \"dst\":"
                + " \"beta/svc/jobs\", \"action\": \"allow\"}]}", StandardCharsets.UTF_8);
        Path govChain = tmp.resolve("governors-chain");
        Path routerChain = tmp.resolve("router-chain");
        Path proposal = tmp.resolve("v1.json");
        Map<String, Object> p = ok(CliRun.run("policy", "propose", "--chain", govChain.toString(), "--genesis",
                genesis.toString(), "--policy", policy.toString(), "--accept",
                "alpha=" + "aa".repeat(32) + ":" + "bb".repeat(32), "--note", "jobs only", "--out", proposal.toString()));
        assertThat(p).containsEntry("version", 1).containsEntry("rules", 1).containsEntry("accept", 1);

        Map<String, Object> s1 = ok(CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal",
                proposal.toString(), "--keep", tmp.resolve("gov1").toString()));
        assertThat(s1).containsEntry("passes", false).containsEntry("signers", List.of("gov1"));

        // one signature: refused, exit status 3, nothing kept
        CliRun refused = CliRun.run("policy", "apply", "--chain", routerChain.toString(), "--genesis",
                genesis.toString(), proposal.toString());
        assertThat(refused.code()).isEqualTo(PolicyCommand.REFUSED);
        assertThat(refused.out()).contains("\"outcome\":\"below_threshold\"").contains("2 needed");
        assertThat(routerChain.resolve("version.1.json")).doesNotExist();

        // gov3's key is sealed: without its passphrase it cannot sign
        CliRun locked = CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal",
                proposal.toString(), "--keep", tmp.resolve("gov3").toString());
        assertThat(locked.code()).isEqualTo(2);
        assertThat(locked.err()).contains("is sealed");
        Map<String, Object> s3 = ok(CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal",
                proposal.toString(), "--keep", tmp.resolve("gov3").toString(), "--passphrase-file", pass.toString()));
        assertThat(s3).containsEntry("passes", true).containsEntry("signers", List.of("gov1", "gov3"));

        Map<String, Object> applied = ok(CliRun.run("policy", "apply", "--chain", routerChain.toString(),
                proposal.toString()));
        assertThat(applied).containsEntry("outcome", "applied").containsEntry("version", 1);
        assertThat(routerChain.resolve("version.1.json")).exists();

        // gov1 will not sign a conflicting proposal of the same version
        Path other = tmp.resolve("v1-other.json");
        ok(CliRun.run("policy", "propose", "--chain", govChain.toString(), "--policy", policy.toString(),
                "--note", "another", "--out", other.toString()));
        CliRun twice = CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal", other.toString(),
                "--keep", tmp.resolve("gov1").toString());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("already signed version 1");

        Map<String, Object> head = ok(CliRun.run("policy", "show", "--chain", routerChain.toString()));
        assertThat(head).containsEntry("version", 1).containsEntry("signers", List.of("gov1", "gov3"))
                .containsEntry("note", "jobs only");
        assertThat(head.get("accept").toString()).contains("alpha");
        CliRun log = CliRun.run("policy", "log", "--chain", routerChain.toString());
        assertThat(log.out().lines()).hasSize(1).first().asString().contains("\"version\":1");
        Map<String, Object> check = ok(CliRun.run("policy", "show", "--chain", routerChain.toString(),
                "--proposal", other.toString()));
        assertThat(check).containsEntry("extends", false).containsEntry("passes", false);
    }
}
