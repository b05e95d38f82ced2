package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.Policy;
import io.raet.router.Router;
import io.raet.router.RouterConfig;
import io.raet.trust.ChainFiles;
import io.raet.trust.SignedVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust commands against a running router: {@code raet keep init} provisions an identity, {@code raet policy
 * submit} hands proposals and versions to a governed router over its lane, {@code raet policy propose --restriction}
 * turns a router's {@code restricted} event into a proposal.
 */
@Timeout(60)
class PolicySubmitTest {
    @TempDir
    Path tmp;

    static Map<String, Object> last(CliRun r) throws Exception {
        return Json.parseObject(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    static Map<String, Object> ok(CliRun r) throws Exception {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return last(r);
    }

    @Test
    void keepInitProvisionsAnIdentityWhosePublicLineIsAMemberFile() throws Exception {
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "ctl keep\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Path keep = tmp.resolve("ctl-keep");
        Map<String, Object> id = ok(CliRun.run("keep", "init", "--keep", keep.toString(), "--name", "alpha",
                "--passphrase-file", pass.toString()));
        assertThat(id).containsOnlyKeys("kind", "name", "role", "verhex", "pubhex").containsEntry("role", "alpha");
        assertThat(Files.readString(keep.resolve("role/local/role.json"))).contains("\"sealed\"");
        CliRun again = CliRun.run("keep", "init", "--keep", keep.toString(), "--name", "alpha", "--passphrase-file",
                pass.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a local identity");
        // the line is a member key file of a control channel
        Path member = tmp.resolve("alpha.json");
        Files.writeString(member, Json.MAPPER.writeValueAsString(id));
        Files.createDirectories(tmp.resolve("lane"));
        Path otherKeep = tmp.resolve("beta-ctl");
        ok(CliRun.run("keep", "init", "--keep", otherKeep.toString(), "--name", "beta"));
        try (Router r = Router.start(RouterConfig.builder("beta").port(0).laneDir(tmp.resolve("lane"))
                .channel(RouterConfig.Channel.builder("ctl").control(true).keep(otherKeep).member(member)).build())) {
            assertThat(ok(CliRun.run("keep", "show", "--keep", otherKeep.toString(), "--role", "alpha")))
                    .containsEntry("acceptance", "accepted").containsEntry("verhex", id.get("verhex"));
            assertThat(r.address("ctl").getPort()).isPositive();
        }
    }

    @Test
    void signedVersionsAndProposalsAreSubmittedToARunningRouter() throws Exception {
        java.util.List<String> entries = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> key = ok(CliRun.run("policy", "keygen", "--keep", tmp.resolve("gov" + i).toString(),
                    "--name", "gov" + i));
            entries.add("gov" + i + "=" + key.get("verhex"));
        }
        Path genesis = tmp.resolve("genesis.json");
        ok(CliRun.run("policy", "genesis", "--id", "cli", "--threshold", "2", "--governor", entries.get(0),
                "--governor", entries.get(1), "--governor", entries.get(2), "--out", genesis.toString()));
        Path lane = Files.createDirectories(tmp.resolve("lane"));
        try (Router router = Router.start(RouterConfig.builder("beta").port(0).laneDir(lane).genesis(genesis)
                .chain(tmp.resolve("router-chain")).build())) {
            Path policy = tmp.resolve("policy.json");
            Files.writeString(policy, "[{\"role\": \"*\", \"dst\": \"*/*/admin.*\", \"action\": \"deny\"}]");
            Path govChain = tmp.resolve("gov-chain");
            Path v1 = tmp.resolve("v1.json");
            ok(CliRun.run("policy", "propose", "--chain", govChain.toString(), "--genesis", genesis.toString(),
                    "--policy", policy.toString(), "--note", "no admin", "--out", v1.toString()));
            ok(CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal", v1.toString(), "--keep",
                    tmp.resolve("gov1").toString()));
            Map<String, Object> gathered = ok(CliRun.run("policy", "submit", "--to", lane.toString(), v1.toString()));
            assertThat(gathered).containsEntry("event", "policy_submitted").containsEntry("outcome", "gathered");
            assertThat(router.policyVersion()).isZero();
            ok(CliRun.run("policy", "sign", "--chain", govChain.toString(), "--proposal", v1.toString(), "--keep",
                    tmp.resolve("gov2").toString()));
            Map<String, Object> applied = ok(CliRun.run("policy", "submit", "--to", lane.toString(), v1.toString()));
            assertThat(applied).containsEntry("outcome", "applied").containsEntry("head", 1);
            assertThat(router.policyVersion()).isEqualTo(1);
            assertThat(router.policy().rules()).containsExactly(Policy.Rule.deny("*", "*/*/admin.*"));
            assertThat(tmp.resolve("router-chain/version.1.json")).exists();
            assertThat(ok(CliRun.run("policy", "submit", "--to", lane.toString(), v1.toString())))
                    .containsEntry("outcome", "duplicate");

            // a version of another trust domain is refused: exit status 3
            Path otherGenesis = tmp.resolve("other.json");
            ok(CliRun.run("policy", "genesis", "--id", "other", "--threshold", "2", "--governor", entries.get(0),
                    "--governor", entries.get(1), "--governor", entries.get(2), "--out", otherGenesis.toString()));
            Path foreign = tmp.resolve("foreign.json");
            ok(CliRun.run("policy", "propose", "--chain", tmp.resolve("other-chain").toString(), "--genesis",
                    otherGenesis.toString(), "--policy", policy.toString(), "--out", foreign.toString()));
            CliRun refused = CliRun.run("policy", "submit", "--to", lane.toString(), foreign.toString());
            assertThat(refused.code()).isEqualTo(PolicyCommand.REFUSED);
            assertThat(last(refused)).containsEntry("outcome", "wrong_genesis");

            // a restriction made permanent: the estate's role denied on its channel, first
            Path event = tmp.resolve("restricted.json");
            Files.writeString(event, "{\"event\":\"restricted\",\"source\":\"estate:mallory@bulk\",\"level\":"
                    + "\"denied\",\"score\":61.2,\"reason\":\"denied\",\"cooling_ms\":29000,\"role\":\"mallory\","
                    + "\"channel\":\"bulk\"}\n");
            Path v2 = tmp.resolve("v2.json");
            ok(CliRun.run("policy", "apply", "--chain", govChain.toString(), v1.toString()));
            ok(CliRun.run("policy", "propose", "--chain", govChain.toString(), "--restriction", event.toString(),
                    "--out", v2.toString()));
            SignedVersion p2 = ChainFiles.readVersion(v2);
            assertThat(p2.body().table().rules()).containsExactly(
                    new Policy.Rule("mallory", "*", Policy.Effect.DENY).onChannel("bulk"),
                    Policy.Rule.deny("*", "*/*/admin.*"));
            assertThat(p2.body().note()).contains("mallory");
            Path yardEvent = tmp.resolve("yard.json");
            Files.writeString(yardEvent, "{\"event\":\"restricted\",\"source\":\"yard:flood\",\"role\":\"local\"}");
            CliRun yard = CliRun.run("policy", "propose", "--chain", govChain.toString(), "--restriction",
                    yardEvent.toString(), "--out", tmp.resolve("v2y.json").toString());
            assertThat(yard.code()).isEqualTo(2);
            assertThat(yard.err()).contains("a yard's restriction stays on its host");
        }
    }
}
