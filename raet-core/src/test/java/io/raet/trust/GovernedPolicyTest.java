package io.raet.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.crypto.Hex;
import io.raet.crypto.SigningKey;
import io.raet.route.Address;
import io.raet.route.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy governed by M-of-N consensus, sans-IO and deterministic: five router chains, three governors, M = 2.
 * Versions are handed to the chains directly, as the control channel will carry them.
 */
class GovernedPolicyTest {
    private final TrustNet net = new TrustNet("estate", 3, 2, 5);
    private final KeyAcceptance alpha = new KeyAcceptance("alpha", "aa".repeat(32), "bb".repeat(32));

    private SignedVersion proposal(Policy table, String note) {
        return SignedVersion.proposal(net.routers.get(0).propose(table, List.of(alpha), note));
    }

    private static boolean allowed(PolicyChain chain, String dst) {
        return chain.policy().orElseThrow().decide("router", Address.parse(List.of(dst.split("/"))), "beta")
                .allowed();
    }

    @Test
    void aChangeSignedByOneGovernorIsRefusedEverywhere() {
        SignedVersion one = net.governors.get(0).sign(proposal(TrustNet.table("beta/svc/jobs"), "jobs only"));
        for (Verdict d : net.broadcast(one)) {
            assertThat(d.outcome()).isEqualTo(Verdict.Outcome.BELOW_THRESHOLD);
            assertThat(d.reason()).contains("1 valid governor signature(s) [gov1], 2 needed");
        }
        assertThat(net.routers).allSatisfy(r -> {
            assertThat(r.version()).isZero();
            assertThat(r.policy()).isEmpty();
            assertThat(r.acceptances()).isEmpty();
        });
    }

    @Test
    void aChangeSignedByTwoGovernorsIsAppliedEverywhere() {
        SignedVersion p = proposal(TrustNet.table("beta/svc/jobs"), "jobs only");
        SignedVersion two = net.governors.get(2).sign(net.governors.get(0).sign(p));
        assertThat(net.broadcast(two)).allSatisfy(d -> {
            assertThat(d.applied()).isTrue();
            assertThat(d.signers()).containsExactly("gov1", "gov3");
        });
        for (PolicyChain r : net.routers) {
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.headHash()).isEqualTo(two.hash());
            assertThat(allowed(r, "beta/svc/jobs")).isTrue();
            assertThat(allowed(r, "beta/svc/admin")).isFalse();
            assertThat(r.acceptances()).containsExactly(Map.entry("alpha", alpha));
        }
        // the next change links to the first and replaces it everywhere
        SignedVersion p2 = SignedVersion.proposal(net.routers.get(3).propose(
                TrustNet.table("beta/svc/jobs", "beta/svc/admin"), List.of(), "admin too; alpha no longer accepted"));
        assertThat(p2.body().prev()).isEqualTo(two.hash());
        SignedVersion v2 = net.governors.get(1).sign(net.governors.get(2).sign(p2));
        assertThat(net.broadcast(v2)).allMatch(Verdict::applied);
        assertThat(net.routers).allSatisfy(r -> {
            assertThat(allowed(r, "beta/svc/admin")).isTrue();
            assertThat(r.acceptances()).isEmpty();
            assertThat(r.versions()).extracting(SignedVersion::hash).containsExactly(two.hash(), v2.hash());
        });
    }

    @Test
    void anHonestGovernorSignsOneProposalPerVersion() {
        SignedVersion a = proposal(TrustNet.table("beta/svc/jobs"), "A");
        SignedVersion b = proposal(TrustNet.table("beta/svc/admin"), "B");
        Governor g1 = net.governors.get(0);
        SignedVersion aSigned = g1.sign(a);
        assertThat(g1.sign(a)).isEqualTo(aSigned); // the same proposal again: the same signature
        assertThatThrownBy(() -> g1.sign(b)).isInstanceOf(TrustException.class)
                .hasMessageContaining("already signed version 1").hasMessageContaining("one proposal per version");

        // with every governor honest, two proposals of one number never both pass, however the votes fall
        SignedVersion bSigned = net.governors.get(1).sign(b);
        SignedVersion aPassed = net.governors.get(2).sign(aSigned);
        assertThat(net.routers.get(0).check(aPassed).passes()).isTrue();
        assertThat(net.routers.get(0).check(bSigned).passes()).isFalse();
        assertThatThrownBy(() -> net.governors.get(2).sign(b)).hasMessageContaining("already signed version 1");
        assertThat(net.broadcast(aPassed)).allMatch(Verdict::applied);
        assertThat(net.broadcast(bSigned)).allSatisfy(d -> assertThat(d.outcome()).isEqualTo(Verdict.Outcome.OLD));
    }

    @Test
    void aCompromisedGovernorCanForkOnlyWhenTheHonestOnesSplitAndEveryRouterSaysWho() {
        SignedVersion a = proposal(TrustNet.table("beta/svc/jobs"), "A");
        SignedVersion b = proposal(TrustNet.table("beta/svc/admin"), "B");
        SigningKey compromised = net.keys.get(0);
        // gov1 is compromised: it signs both, its ledger bypassed (a forged second vote)
        GovernorSignature forgedA = GovernorSignature.sign("gov1", compromised, a.body());
        GovernorSignature forgedB = GovernorSignature.sign("gov1", compromised, b.body());

        // the honest governors agree on A: B gathers only the compromised signature and is refused everywhere
        SignedVersion aHonest = net.governors.get(2).sign(net.governors.get(1).sign(a)).with(forgedA);
        assertThat(net.routers.get(0).check(b.with(forgedB)).passes()).isFalse();

        // the honest governors split (gov2 for A, gov3 for B): N = 3, M = 2 tolerates no double signer
        // (2M - N = 1), so both reach the threshold. No router applies both: the second is a conflict naming gov1.
        TrustNet split = new TrustNet("estate", 3, 2, 5);
        SignedVersion aSplit = split.governors.get(1).sign(a).with(forgedA);
        SignedVersion bSplit = split.governors.get(2).sign(b).with(forgedB);
        assertThat(split.genesis.forkTolerance()).isZero();
        for (int i = 0; i < split.routers.size(); i++) {
            PolicyChain r = split.routers.get(i);
            SignedVersion first = i < 3 ? aSplit : bSplit;
            SignedVersion second = i < 3 ? bSplit : aSplit;
            assertThat(r.offer(first).applied()).isTrue();
            Verdict conflict = r.offer(second);
            assertThat(conflict.outcome()).isEqualTo(Verdict.Outcome.CONFLICT);
            assertThat(conflict.signers()).containsExactly("gov1");
            assertThat(conflict.reason()).contains("governors [gov1] signed both");
            assertThat(r.version()).isEqualTo(1);
            assertThat(r.headHash()).isEqualTo(first.hash());
        }
        assertThat(aHonest.signatures()).hasSize(3);
    }

    /**
     * The threshold arithmetic, exhaustively for small domains: k governors sign both A and B, the others vote
     * once (A, B or not at all). Both pass exactly when each gathers M, which needs {@code k >= 2M - N}: never while
     * {@code k <= forkTolerance()}, and never at all with honest governors only.
     */
    @Test
    void twoConflictingVersionsPassTogetherOnlyWithAtLeast2MMinusNDoubleSigners() {
        int[][] domains = {{3, 2}, {4, 3}, {5, 3}, {5, 4}};
        for (int[] d : domains) {
            int n = d[0];
            int m = d[1];
            TrustNet t = new TrustNet("arith" + n + m, n, m, 1);
            PolicyChain chain = t.routers.get(0);
            PolicyVersion a = chain.propose(TrustNet.table("x/a"), List.of(), "A");
            PolicyVersion b = chain.propose(TrustNet.table("x/b"), List.of(), "B");
            List<GovernorSignature> sigA = new ArrayList<>();
            List<GovernorSignature> sigB = new ArrayList<>();
            for (int g = 0; g < n; g++) {
                sigA.add(GovernorSignature.sign(TrustNet.name(g), t.keys.get(g), a));
                sigB.add(GovernorSignature.sign(TrustNet.name(g), t.keys.get(g), b));
            }
            assertThat(t.genesis.forkTolerance()).isEqualTo(2 * m - n - 1);
            for (int k = 0; k <= n; k++) {
                int honest = n - k;
                int assignments = (int) Math.pow(3, honest);
                for (int code = 0; code < assignments; code++) {
                    List<GovernorSignature> onA = new ArrayList<>(sigA.subList(0, k));
                    List<GovernorSignature> onB = new ArrayList<>(sigB.subList(0, k));
                    int hA = 0;
                    int hB = 0;
                    int c = code;
                    for (int g = k; g < n; g++, c /= 3) {
                        if (c % 3 == 1) {
                            onA.add(sigA.get(g));
                            hA++;
                        } else if (c % 3 == 2) {
                            onB.add(sigB.get(g));
                            hB++;
                        }
                    }
                    boolean aPasses = chain.check(new SignedVersion(a, onA)).passes();
                    boolean bPasses = chain.check(new SignedVersion(b, onB)).passes();
                    String what = "N=" + n + " M=" + m + " k=" + k + " honest A=" + hA + " B=" + hB;
                    assertThat(aPasses).as(what).isEqualTo(k + hA >= m);
                    assertThat(bPasses).as(what).isEqualTo(k + hB >= m);
                    if (aPasses && bPasses) {
                        assertThat(k).as(what).isGreaterThanOrEqualTo(2 * m - n);
                        assertThat(k).as(what).isGreaterThan(t.genesis.forkTolerance());
                    }
                }
            }
        }
    }

    @Test
    void aRouterThatMissedChangesCatchesUpFromAnother() {
        PolicyChain away = net.routers.get(4);
        List<PolicyChain> up = net.routers.subList(0, 4);
        SignedVersion v1 = net.governors.get(0).sign(net.governors.get(1).sign(proposal(TrustNet.table("b/s/one"), "1")));
        up.forEach(r -> assertThat(r.offer(v1).applied()).isTrue());
        SignedVersion v2 = net.governors.get(2).sign(net.governors.get(1).sign(
                SignedVersion.proposal(up.get(0).propose(TrustNet.table("b/s/two"), List.of(), "2"))));
        up.forEach(r -> assertThat(r.offer(v2).applied()).isTrue());

        // back: the next version alone does not apply, the chain says what is missing
        SignedVersion v3 = net.governors.get(0).sign(net.governors.get(2).sign(
                SignedVersion.proposal(up.get(0).propose(TrustNet.table("b/s/three"), List.of(), "3"))));
        up.forEach(r -> assertThat(r.offer(v3).applied()).isTrue());
        Verdict gap = away.offer(v3);
        assertThat(gap.outcome()).isEqualTo(Verdict.Outcome.GAP);
        assertThat(gap.reason()).contains("versions 1..2 are missing");

        // it asks a peer for what follows its head; the answer travels as wire maps
        List<Object> wire = new ArrayList<>();
        up.get(2).after(away.version(), 100).forEach(v -> wire.add(CanonicalJson.parse(v.encode(), 1 << 20)));
        PolicyChain.CatchUp c = away.catchUp(wire);
        assertThat(c.applied()).isEqualTo(3);
        assertThat(away.version()).isEqualTo(3);
        assertThat(away.versions()).isEqualTo(up.get(0).versions());
        assertThat(allowed(away, "b/s/three")).isTrue();
        // catching up again changes nothing
        assertThat(away.catchUp(up.get(1).after(0, 100)).applied()).isZero();
    }

    @Test
    void aRouterThatWasDownHasTheChangeAfterRestart(@TempDir Path tmp) {
        Path disk = tmp.resolve("router5/chain");
        PolicyChain before = ChainFiles.open(disk, net.genesis);
        assertThat(before.version()).isZero();
        SignedVersion v1 = net.governors.get(0).sign(net.governors.get(1).sign(proposal(TrustNet.table("b/s/x"), "")));
        net.routers.subList(0, 4).forEach(r -> r.offer(v1));
        // router 5 restarts: its audit log verifies again, then it catches up and keeps what it applied
        PolicyChain restarted = ChainFiles.open(disk, net.genesis);
        restarted.catchUp(net.routers.get(0).after(restarted.version(), 100));
        assertThat(ChainFiles.save(disk, restarted)).isEqualTo(1);
        PolicyChain again = ChainFiles.open(disk);
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.headHash()).isEqualTo(v1.hash());
        assertThat(Files.exists(ChainFiles.versionFile(disk, 1))).isTrue();
    }

    @Test
    void forgedVersionsAreRefused() {
        PolicyChain r = net.routers.get(0);
        SignedVersion p = proposal(TrustNet.table("b/s/jobs"), "");
        SignedVersion gov1 = net.governors.get(0).sign(p);

        // a bad signature: gov2's signature with one byte changed
        GovernorSignature real = GovernorSignature.sign("gov2", net.keys.get(1), p.body());
        byte[] sig = Hex.decode(real.sig());
        sig[10] ^= 1;
        Verdict bad = r.offer(gov1.with(new GovernorSignature("gov2", Hex.encode(sig))));
        assertThat(bad.outcome()).isEqualTo(Verdict.Outcome.BELOW_THRESHOLD);
        assertThat(bad.problems()).containsExactly("gov2: bad signature");

        // an unknown governor, and a known name with another key
        SigningKey mallory = TrustNet.key("mallory", 0);
        Verdict unknown = r.offer(gov1.with(GovernorSignature.sign("mallory", mallory, p.body())));
        assertThat(unknown.problems()).containsExactly("mallory: not a governor of genesis estate");
        Verdict impostor = r.offer(gov1.with(GovernorSignature.sign("gov3", mallory, p.body())));
        assertThat(impostor.problems()).containsExactly("gov3: bad signature");
        assertThatThrownBy(() -> new Governor(net.genesis, "gov3", mallory, VoteLedger.inMemory()))
                .hasMessageContaining("is not governor gov3's");

        // the table changed after signing: the signatures no longer cover it
        SignedVersion passed = net.governors.get(1).sign(gov1);
        PolicyVersion altered = new PolicyVersion(p.body().genesis(), 1, p.body().prev(),
                TrustNet.table("b/s/jobs", "b/s/admin"), p.body().accept(), "");
        Verdict tampered = r.offer(new SignedVersion(altered, passed.signatures()));
        assertThat(tampered.outcome()).isEqualTo(Verdict.Outcome.BELOW_THRESHOLD);
        assertThat(tampered.problems()).containsExactly("gov1: bad signature", "gov2: bad signature");

        // a wrong hash link, signed by enough governors (by their keys: gov2's ledger would refuse a second vote)
        PolicyVersion unlinked = new PolicyVersion(net.genesis.hash(), 1, "00".repeat(32), TrustNet.table(), List.of(),
                "");
        SignedVersion unlinkedSigned = new SignedVersion(unlinked, List.of(
                GovernorSignature.sign("gov2", net.keys.get(1), unlinked),
                GovernorSignature.sign("gov3", net.keys.get(2), unlinked)));
        Verdict link = r.offer(unlinkedSigned);
        assertThat(link.outcome()).isEqualTo(Verdict.Outcome.BAD_LINK);
        assertThat(link.reason()).contains("does not extend this chain");

        // another trust domain with the same governors: its versions do not apply here
        TrustNet other = new TrustNet("estate", 3, 2, 1);
        Genesis otherGenesis = new Genesis("staging", 2, net.genesis.governors());
        PolicyVersion foreign = new PolicyChain(otherGenesis).propose(TrustNet.table(), List.of(), "");
        SignedVersion foreignSigned = new SignedVersion(foreign, List.of(
                GovernorSignature.sign("gov1", net.keys.get(0), foreign),
                GovernorSignature.sign("gov2", net.keys.get(1), foreign)));
        assertThat(other.routers.get(0).offer(foreignSigned).outcome()).isEqualTo(Verdict.Outcome.WRONG_GENESIS);
        assertThat(r.version()).isZero();

        // the genuine version still applies
        assertThat(r.offer(passed).applied()).isTrue();
    }

    @Test
    void replayedAndOlderVersionsAreRefused() {
        PolicyChain r = net.routers.get(0);
        SignedVersion v1 = net.governors.get(0).sign(net.governors.get(1).sign(proposal(TrustNet.table("b/s/1"), "")));
        assertThat(r.offer(v1).applied()).isTrue();
        SignedVersion v2 = net.governors.get(0).sign(net.governors.get(1).sign(
                SignedVersion.proposal(r.propose(TrustNet.table("b/s/2"), List.of(), ""))));
        assertThat(r.offer(v2).applied()).isTrue();

        Verdict replay = r.offer(v1);
        assertThat(replay.outcome()).isEqualTo(Verdict.Outcome.DUPLICATE);
        assertThat(replay.applied()).isFalse();
        SignedVersion stale = net.governors.get(2).sign(SignedVersion.proposal(new PolicyVersion(net.genesis.hash(), 1,
                net.genesis.hash(), TrustNet.table("b/s/old"), List.of(), "")));
        Verdict old = r.offer(stale);
        assertThat(old.outcome()).isEqualTo(Verdict.Outcome.OLD);
        assertThat(old.reason()).contains("a replay or a stale version");
        assertThat(r.version()).isEqualTo(2);
        assertThat(allowed(r, "b/s/2")).isTrue();
        assertThat(allowed(r, "b/s/1")).isFalse();
    }

    @Test
    void versionsTravelAsJsonMapsAndMalformedOnesAreRefused() {
        SignedVersion v = net.governors.get(0).sign(net.governors.get(1).sign(proposal(TrustNet.table("b/s/j"), "é\n")));
        Object wire = CanonicalJson.parse(v.encode(), 1 << 20);
        assertThat(SignedVersion.fromMap(wire)).isEqualTo(v);
        assertThat(v.body().hash()).isEqualTo(Hashes.sha256Hex(v.body().canonical()));

        PolicyChain r = net.routers.get(0);
        String text = new String(v.encode(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(r.offerWire(CanonicalJson.parse(text.replace("\"allow\"", "\"ALLOW\"").getBytes(), 1 << 20)).reason())
                .contains("not in normal form");
        assertThat(r.offerWire(Map.of("body", Map.of(), "signatures", List.of())).outcome())
                .isEqualTo(Verdict.Outcome.MALFORMED);
        assertThat(r.offerWire("not a map").reason()).contains("must be a JSON object");
        assertThatThrownBy(() -> CanonicalJson.parse("{\"version\": 1.5}".getBytes(), 100))
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> CanonicalJson.parse("{\"a\": 1, \"a\": 2}".getBytes(), 100))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CanonicalJson.parse("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]".getBytes(), 100))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CanonicalJson.parse(new byte[200], 100)).hasMessageContaining("larger than 100");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < SignedVersion.MAX_SIGNATURES + 1; i++) {
            many.add(Map.of("governor", "g", "sig", "00".repeat(64)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> flood = new java.util.LinkedHashMap<>((Map<String, Object>) wire);
        flood.put("signatures", many);
        assertThat(r.offerWire(flood).reason()).contains("more than " + SignedVersion.MAX_SIGNATURES);
        assertThat(r.version()).isZero();
        assertThat(r.offerWire(wire).applied()).isTrue();
    }

    @Test
    void canonicalJsonSortsKeysAndEscapesOnlyWhatItMust() {
        assertThat(CanonicalJson.text(Map.of("b", 1L, "a", "\u20ac\n\"\\\u0001", "c", List.of(true, false)))).isEqualTo(
                "{\"a\":\"\u20ac\\n\\\"\\\\\\u0001\",\"b\":1,\"c\":[true,false]}");
        assertThat(CanonicalJson.text(java.util.Arrays.asList(null, "\uD83D\uDE00"))).isEqualTo("[null,\"\uD83D\uDE00\"]");
        assertThatThrownBy(() -> CanonicalJson.encode("\uD83D")).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> CanonicalJson.encode(1.5)).hasMessageContaining("not a canonical JSON value");
    }

    @Test
    void aGenesisNeedsAMajorityThresholdAndDistinctGovernors() {
        List<GovernorKey> three = net.genesis.governors();
        assertThatThrownBy(() -> new Genesis("estate", 1, three)).hasMessageContaining("is not more than half")
                .hasMessageContaining("use at least 2");
        assertThatThrownBy(() -> new Genesis("estate", 4, three)).hasMessageContaining("threshold must be 1..3");
        assertThatThrownBy(() -> new Genesis("estate", 2, List.of(three.get(0), three.get(0))))
                .hasMessageContaining("named twice");
        assertThatThrownBy(() -> new Genesis("estate", 2, List.of(three.get(0),
                new GovernorKey("other", three.get(0).key())))).hasMessageContaining("key of another governor");
        Genesis reversed = new Genesis("estate", 2, List.of(three.get(2), three.get(1), three.get(0)));
        assertThat(reversed.hash()).isEqualTo(net.genesis.hash());
        assertThat(Genesis.fromMap(CanonicalJson.parse(CanonicalJson.encode(net.genesis.toMap()), 1 << 16)))
                .isEqualTo(net.genesis);
        assertThat(net.genesis.outageTolerance()).isEqualTo(1);
    }

    @Test
    void aVoteLedgerFileOutlivesTheGovernorProcess(@TempDir Path tmp) {
        Path file = tmp.resolve("gov1.votes.json");
        SignedVersion a = proposal(TrustNet.table("b/s/a"), "A");
        SignedVersion b = proposal(TrustNet.table("b/s/b"), "B");
        Governor first = new Governor(net.genesis, "gov1", net.keys.get(0),
                VoteLedger.file(file, "gov1", net.genesis.hash()));
        first.sign(a);
        // a restarted governor process reads its ledger and still refuses the conflicting proposal
        Governor restarted = new Governor(net.genesis, "gov1", net.keys.get(0),
                VoteLedger.file(file, "gov1", net.genesis.hash()));
        assertThatThrownBy(() -> restarted.sign(b)).hasMessageContaining("already signed version 1");
        assertThat(restarted.sign(a).signatures()).hasSize(1);
        assertThatThrownBy(() -> VoteLedger.file(file, "gov2", net.genesis.hash()))
                .hasMessageContaining("not of gov2");
        // a governor that knows the chain refuses a proposal that does not extend it
        PolicyChain ahead = new PolicyChain(net.genesis);
        ahead.offer(net.governors.get(1).sign(net.governors.get(2).sign(b)));
        assertThatThrownBy(() -> net.governors.get(2).sign(a, ahead)).hasMessageContaining("does not extend the chain");
    }

    /** Maps through JSON text, as a routed message's data arrives. */
    private static Object travel(TrustMessage m) {
        return CanonicalJson.parse(CanonicalJson.encode(m.toMap()), Limits.MAX_DOCUMENT_BYTES);
    }

    @Test
    void theWholeExchangeTravelsAsMessages() {
        // a proposer asks every governor; each answers with its signature only
        SignedVersion proposal = proposal(TrustNet.table("beta/svc/jobs"), "over the control channel");
        Object ask = travel(new TrustMessage.Propose(proposal));
        SignedVersion gathered = proposal;
        for (Governor g : net.governors.subList(0, 2)) {
            TrustMessage.Propose received = (TrustMessage.Propose) TrustMessage.parse(ask);
            SignedVersion signed = g.sign(received.proposal());
            Object answer = travel(TrustMessage.Signature.of(signed, g.name()));
            gathered = ((TrustMessage.Signature) TrustMessage.parse(answer)).addTo(gathered, net.genesis);
        }
        // a forged answer is refused before it is merged
        GovernorSignature forged = GovernorSignature.sign("gov3", TrustNet.key("mallory", 1), proposal.body());
        SignedVersion finalGathered = gathered;
        assertThatThrownBy(() -> new TrustMessage.Signature(1, proposal.hash(), forged).addTo(finalGathered,
                net.genesis)).hasMessageContaining("bad signature from gov3");

        // the version goes to routers 1-4; router 5 is away
        Object announce = travel(new TrustMessage.Announce(gathered));
        for (PolicyChain r : net.routers.subList(0, 4)) {
            assertThat(r.offer(((TrustMessage.Announce) TrustMessage.parse(announce)).version()).applied()).isTrue();
        }
        SignedVersion v2 = net.governors.get(2).sign(net.governors.get(1).sign(
                SignedVersion.proposal(net.routers.get(0).propose(TrustNet.table(), List.of(), "deny all"))));
        net.routers.subList(0, 4).forEach(r -> r.offer(v2));

        // router 5 hears of version 2, finds a gap, and asks a peer for what it missed
        PolicyChain away = net.routers.get(4);
        assertThat(away.offer(v2).outcome()).isEqualTo(Verdict.Outcome.GAP);
        Object request = travel(new TrustMessage.CatchUpRequest(away.version(), 100));
        TrustMessage.CatchUpRequest req = (TrustMessage.CatchUpRequest) TrustMessage.parse(request);
        Object reply = travel(req.answer(net.routers.get(1)));
        PolicyChain.CatchUp c = away.catchUp(((TrustMessage.CatchUpReply) TrustMessage.parse(reply)).versions());
        assertThat(c.applied()).isEqualTo(2);
        assertThat(away.headHash()).isEqualTo(v2.hash());

        assertThatThrownBy(() -> TrustMessage.parse(Map.of("trust", "catch-up", "after", 0L, "max", 1_000_000L)))
                .hasMessageContaining("must be 1..1000");
        assertThatThrownBy(() -> TrustMessage.parse(Map.of("trust", "reboot"))).hasMessageContaining("unknown");
        assertThatThrownBy(() -> TrustMessage.parse(List.of())).hasMessageContaining("\"trust\" type");
    }
}
