package io.raet.router;

import static io.raet.router.ControlMesh.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.SigningKey;
import io.raet.keep.RoadKeep;
import io.raet.route.Address;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.route.Policy;
import io.raet.trust.Genesis;
import io.raet.trust.GovernorKey;
import io.raet.trust.KeyAcceptance;
import io.raet.trust.GovernorSignature;
import io.raet.trust.Governor;
import io.raet.trust.PolicyChain;
import io.raet.trust.SignedVersion;
import io.raet.trust.TrustPlane;
import io.raet.trust.VoteLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy by consensus, live: five routers in this process, each with a control channel whose members are the other
 * four, three governors, M = 2. Versions and proposals are handed to one router (as {@code raet policy submit} does
 * over the lane) and travel over the control channel to the others.
 */
@Timeout(90)
class GovernedRoutersTest {
    @TempDir
    Path tmp;

    final List<SigningKey> keys = new ArrayList<>();
    final List<Governor> governors = new ArrayList<>();
    Genesis genesis;
    ControlMesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    void domain() throws Exception {
        List<GovernorKey> gs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            SigningKey k = SigningKey.generate();
            keys.add(k);
            gs.add(new GovernorKey("gov" + i, k.verifyKey()));
        }
        genesis = new Genesis("live", 2, gs);
        for (int i = 0; i < 3; i++) {
            governors.add(new Governor(genesis, "gov" + (i + 1), keys.get(i), VoteLedger.inMemory()));
        }
        mesh = new ControlMesh(tmp, 5, genesis);
        mesh.startAll();
    }

    /** A proposal for the next version of {@code router}'s chain, accepting no estate keys. */
    SignedVersion propose(String router, Policy table, String note) {
        return propose(router, table, List.of(), note);
    }

    SignedVersion propose(String router, Policy table, List<KeyAcceptance> accept, String note) {
        PolicyChain replica = PolicyChain.restore(genesis, mesh.get(router).policyChain().orElseThrow());
        return SignedVersion.proposal(replica.propose(table, accept, note));
    }

    /** The acceptance of {@code role} in the keep of {@code router}'s default road, or null. */
    io.raet.keep.Acceptance accepted(String router, String role) {
        return new RoadKeep(mesh.dir(router).resolve("keep")).loadRemoteRole(role)
                .map(io.raet.keep.RemoteRoleData::acceptance).orElse(null);
    }

    static Policy table(String... denied) {
        List<Policy.Rule> rules = new ArrayList<>();
        for (String d : denied) {
            rules.add(Policy.Rule.deny("*", d));
        }
        return new Policy(rules, Policy.Effect.ALLOW);
    }

    void awaitEverywhere(long version, String hash) throws InterruptedException {
        await("version " + version + " on every router", Duration.ofSeconds(20), () -> mesh.routers.values().stream()
                .allMatch(r -> r.policyVersion() == version && r.policyChain().orElseThrow().getLast().hash()
                        .equals(hash)));
    }

    @Test
    void consensusAcrossFiveRouters() throws Exception {
        domain();

        // one governor's signature: gathered, passed on, applied nowhere
        KeyAcceptance delta = new KeyAcceptance("delta", SigningKey.generate().verifyKey().hex(),
                io.raet.crypto.BoxKeyPair.generate().publicKey().hex());
        SignedVersion p1 = propose("r1", table("*/*/admin.*"), List.of(delta), "no admin; delta's keys");
        Map<String, Object> one = mesh.get("r1").submit(governors.get(0).sign(p1));
        assertThat(one).containsEntry("outcome", "gathered");
        await("the proposal gathered everywhere", () -> mesh.events.values().stream().allMatch(es -> es.stream()
                .anyMatch(e -> e instanceof RouterEvent.ProposalGathered g && g.hash().equals(p1.hash()))));
        Thread.sleep(200);
        assertThat(mesh.routers.values()).allSatisfy(r -> {
            assertThat(r.policyVersion()).isZero();
            assertThat(r.policy().rules()).isEmpty();
        });

        // a second governor hands its signature to another router: applied everywhere
        Map<String, Object> two = mesh.get("r3").submit(governors.get(2).sign(p1));
        assertThat(two).containsEntry("outcome", "applied");
        awaitEverywhere(1, p1.hash());
        assertThat(mesh.routers.values()).allSatisfy(r -> {
            assertThat(r.policy().rules()).containsExactly(Policy.Rule.deny("*", "*/*/admin.*"));
            assertThat(mesh.dir(r.name()).resolve("chain/version.1.json")).exists();
        });
        // The event comes on the router's event thread, after the version took effect: waited for, not assumed.
        await("r5 reported the version applied, signed by gov1 and gov3", () -> mesh.events.get("r5").stream()
                .anyMatch(e -> e instanceof RouterEvent.PolicyApplied a
                        && a.signers().equals(List.of("gov1", "gov3"))));
        // the governed key acceptance went to every router's keep: no operator accepts delta on each host
        assertThat(mesh.names).allSatisfy(n -> assertThat(accepted(n, "delta"))
                .isEqualTo(io.raet.keep.Acceptance.ACCEPTED));

        // a compromised governor signs two versions of number 2: only the first to pass is ever applied
        SignedVersion a = propose("r2", table("*/*/admin.*", "*/*/jobs.*"), "2a");
        SignedVersion b = propose("r2", table(), "2b");
        Governor doubleVoter = new Governor(genesis, "gov1", keys.get(0), VoteLedger.inMemory());
        SignedVersion va = governors.get(1).sign(governors.get(0).sign(a));
        SignedVersion vb = governors.get(2).sign(doubleVoter.sign(b));
        assertThat(mesh.get("r1").submit(va)).containsEntry("outcome", "applied");
        awaitEverywhere(2, va.hash());
        assertThat(mesh.names).as("version 2 no longer accepts delta").allSatisfy(n ->
                assertThat(accepted(n, "delta")).isEqualTo(io.raet.keep.Acceptance.REJECTED));
        for (Router r : mesh.routers.values()) {
            Map<String, Object> verdict = r.submit(vb);
            assertThat(verdict).containsEntry("outcome", "conflict");
            assertThat((String) verdict.get("reason")).contains("governors [gov1] signed both");
        }
        Thread.sleep(200);
        assertThat(mesh.routers.values()).allSatisfy(r -> assertThat(r.policyVersion()).isEqualTo(2));

        // forged and replayed versions change nothing
        GovernorSignature forged = GovernorSignature.sign("gov2", SigningKey.generate(), propose("r4", table(),
                "forged").body());
        SignedVersion forgedVersion = governors.get(0).sign(propose("r4", table(), "forged")).with(forged);
        Map<String, Object> f = mesh.get("r4").submit(forgedVersion);
        assertThat(f).containsEntry("outcome", "gathered");
        assertThat((String) f.get("reason")).contains("gov2: bad signature");
        assertThat(mesh.get("r2").submit(va)).containsEntry("outcome", "duplicate");
        Map<String, Object> old = mesh.get("r2").submit(governors.get(1).sign(governors.get(0).sign(p1)));
        assertThat(old).containsEntry("outcome", "duplicate");
        assertThat(mesh.routers.values()).allSatisfy(r -> assertThat(r.policyVersion()).isEqualTo(2));

        // a router that is down during a change has it after it restarts
        mesh.stop("r4");
        SignedVersion p3 = propose("r1", table("*/*/secret"), "v3 while r4 is down");
        SignedVersion v3 = governors.get(1).sign(governors.get(2).sign(p3));
        assertThat(mesh.get("r5").submit(v3)).containsEntry("outcome", "applied");
        await("v3 on the routers that run", () -> mesh.routers.values().stream().allMatch(r -> r.policyVersion() == 3));
        int seen = mesh.events.get("r4").size();
        Router back = mesh.start("r4");
        List<RouterEvent> after = List.copyOf(mesh.events.get("r4"));
        assertThat(after.subList(seen, after.size()))
                .as("restarted from its chain directory").anySatisfy(e -> assertThat(e)
                        .isInstanceOfSatisfying(RouterEvent.PolicyLoaded.class,
                                l -> assertThat(l.file()).hasFileName("version.2.json")));
        awaitEverywhere(3, v3.hash());
        assertThat(back.policy().rules()).containsExactly(Policy.Rule.deny("*", "*/*/secret"));
    }

    @Test
    void governanceTravelsOnTheControlChannelOnlyAndFromMembersOnly() throws Exception {
        domain();
        Router r1 = mesh.get("r1");
        // a version sent as a routed message on the default channel, to r1's trust share: refused with a reason
        try (Yard y = Yard.builder("gov").dir(mesh.dir("r2").resolve("lane")).build()) {
            Router r2 = mesh.get("r2");
            r1.road().join(r2.address()).get(10, TimeUnit.SECONDS); // r1 joins r2 on the default channel
            await("r2 knows r1 on the default road", () -> r2.estates().contains("r1"));
            SignedVersion v = governors.get(1).sign(governors.get(0).sign(propose("r1", table("x"), "wrong road")));
            var f = y.request(Address.of("r1", "router", TrustPlane.SHARE), v.toMap());
            var failure = RouterTest.failure(f);
            assertThat(failure.code().wire()).isEqualTo("denied");
            assertThat(failure.getMessage()).contains("the governed policy travels on the control channel only");
            assertThat(r1.policyVersion()).isZero();
            // over the lane, to its own router: a submission
            FlowMessage rsp = y.request(Address.of("", "router", TrustPlane.SHARE),
                    new io.raet.trust.TrustMessage.Announce(v).toMap()).get(10, TimeUnit.SECONDS);
            assertThat(rsp.kind()).isEqualTo(Kind.RSP);
            assertThat(rsp.data()).isInstanceOfSatisfying(Map.class, m -> assertThat(m).containsEntry("outcome",
                    "applied"));
            awaitEverywhere(1, v.hash());
        }
    }
}
