package io.raet.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Five routers' trust planes in a deterministic control mesh (messages travel as canonical JSON, in order), three
 * governors, M = 2: what the control channel carries and what each router applies.
 */
class TrustPlaneTest {
    final TrustNet net = new TrustNet("plane", 3, 2, 5);
    final Map<String, TrustPlane> planes = new LinkedHashMap<>();
    final Set<String> down = new HashSet<>();
    final ArrayDeque<Object[]> wire = new ArrayDeque<>();
    final List<TrustPlane.Event> events = new ArrayList<>();
    long now;
    int delivered;

    TrustPlaneTest() {
        for (int i = 0; i < net.routers.size(); i++) {
            planes.put("r" + (i + 1), new TrustPlane(net.routers.get(i)));
        }
    }

    List<String> peersOf(String self) {
        return planes.keySet().stream().filter(p -> !p.equals(self) && !down.contains(p)).toList();
    }

    void take(String self, TrustPlane.Result r) {
        events.addAll(r.events());
        for (TrustPlane.Send s : r.sends()) {
            wire.add(new Object[] {self, s.peer(), CanonicalJson.parse(CanonicalJson.encode(s.message()),
                    Limits.MAX_DOCUMENT_BYTES)});
        }
    }

    /** Delivers until the mesh is quiet; messages to a router that is down are lost. */
    void run() {
        while (!wire.isEmpty()) {
            Object[] m = wire.poll();
            String to = (String) m[1];
            if (down.contains(to)) {
                continue;
            }
            delivered++;
            now += 1_000_000;
            take(to, planes.get(to).receive((String) m[0], m[2], peersOf(to), now));
        }
    }

    TrustPlane.Result submit(String router, TrustMessage m) {
        TrustPlane.Result r = planes.get(router).receive(null, m.toMap(), peersOf(router), now);
        take(router, r);
        run();
        return r;
    }

    SignedVersion proposal(String note, String... allowed) {
        return SignedVersion.proposal(net.routers.get(0).propose(TrustNet.table(allowed), List.of(), note));
    }

    @Test
    void aVersionSubmittedToOneRouterReachesEveryRouterOnceAndOneSignatureReachesNone() {
        SignedVersion p = proposal("jobs", "beta/svc/jobs");
        TrustPlane.Result one = submit("r1", new TrustMessage.Announce(net.governors.get(0).sign(p)));
        assertThat(one.answer()).containsEntry("outcome", "below_threshold");
        assertThat(planes.values()).allSatisfy(t -> assertThat(t.version()).isZero());

        SignedVersion two = net.governors.get(1).sign(net.governors.get(0).sign(p));
        TrustPlane.Result r = submit("r1", new TrustMessage.Announce(two));
        assertThat(r.answer()).containsEntry("outcome", "applied").containsEntry("head", 1L);
        assertThat(r.applied()).containsExactly(net.routers.get(0).head().orElseThrow());
        assertThat(planes.values()).allSatisfy(t -> assertThat(t.chain().headHash()).isEqualTo(two.hash()));
        // each router applied it once and announced it once: 4 + 4 × 3 messages, then quiet
        assertThat(delivered).isEqualTo(16);
        assertThat(events).filteredOn(e -> e instanceof TrustPlane.Event.Applied).hasSize(5);
    }

    @Test
    void governorsHandTheirSignaturesToDifferentRoutersAndTheProposalPassesEverywhere() {
        SignedVersion p = proposal("gathered", "beta/svc/jobs");
        TrustPlane.Result first = submit("r2", new TrustMessage.Propose(net.governors.get(0).sign(p)));
        assertThat(first.answer()).containsEntry("outcome", "gathered");
        assertThat((String) first.answer().get("reason")).contains("gathered: [gov1] of 2 needed");
        assertThat(planes.values()).allSatisfy(t -> assertThat(t.version()).isZero());
        // the second governor's signature alone, as its answer, to another router
        SignedVersion byGov3 = net.governors.get(2).sign(p);
        TrustPlane.Result second = submit("r5", TrustMessage.Signature.of(byGov3, "gov3"));
        assertThat(second.answer()).containsEntry("outcome", "applied");
        assertThat(planes.values()).allSatisfy(t -> {
            assertThat(t.version()).isEqualTo(1);
            assertThat(t.chain().head().orElseThrow().signatures()).extracting(GovernorSignature::governor)
                    .containsExactlyInAnyOrder("gov1", "gov3");
        });
        // a forged signature gathers nothing
        GovernorSignature forged = GovernorSignature.sign("gov2", TrustNet.key("mallory", 0), p.body());
        SignedVersion p2 = SignedVersion.proposal(net.routers.get(0).propose(TrustNet.table(), List.of(), "x"));
        submit("r1", new TrustMessage.Propose(net.governors.get(0).sign(p2)));
        TrustPlane.Result bad = submit("r3", new TrustMessage.Propose(p2.with(forged)));
        assertThat(planes.values()).allSatisfy(t -> assertThat(t.version()).isEqualTo(1));
        assertThat(bad.answer()).containsEntry("outcome", "below_threshold");
    }

    @Test
    void aRouterThatWasAwayCatchesUpWhenAPeerComesBackAndOnAGap() {
        down.add("r4");
        SignedVersion v1 = net.governors.get(1).sign(net.governors.get(0).sign(proposal("v1", "a/b/c")));
        submit("r1", new TrustMessage.Announce(v1));
        SignedVersion v2 = net.governors.get(2).sign(net.governors.get(1).sign(SignedVersion.proposal(
                net.routers.get(0).propose(TrustNet.table("a/b/d"), List.of(), "v2"))));
        submit("r2", new TrustMessage.Announce(v2));
        assertThat(planes.get("r4").version()).isZero();
        down.remove("r4");
        // r4 comes back: it asks a peer, which answers with both versions
        take("r4", planes.get("r4").peerUp("r3", now));
        run();
        assertThat(planes.get("r4").chain().headHash()).isEqualTo(v2.hash());
        // asked again at once: paced
        assertThat(planes.get("r4").peerUp("r3", now).sends()).isEmpty();

        // away again for v3 and v4; hearing of v4 it asks the announcer
        down.add("r4");
        SignedVersion v3 = net.governors.get(0).sign(net.governors.get(1).sign(SignedVersion.proposal(
                net.routers.get(0).propose(TrustNet.table("a/b/e"), List.of(), "v3"))));
        submit("r1", new TrustMessage.Announce(v3));
        SignedVersion v4 = net.governors.get(0).sign(net.governors.get(2).sign(SignedVersion.proposal(
                net.routers.get(0).propose(TrustNet.table("a/b/f"), List.of(), "v4"))));
        submit("r1", new TrustMessage.Announce(v4));
        down.remove("r4");
        now += 2_000_000_000L;
        wire.add(new Object[] {"r1", "r4", new TrustMessage.Announce(v4).toMap()});
        run();
        assertThat(planes.get("r4").version()).isEqualTo(4);
        assertThat(planes.values()).allSatisfy(t -> assertThat(t.chain().headHash()).isEqualTo(v4.hash()));
    }

    @Test
    void malformedAndReplayedMessagesChangeNothing() {
        SignedVersion v1 = net.governors.get(1).sign(net.governors.get(0).sign(proposal("v1", "a/b/c")));
        submit("r1", new TrustMessage.Announce(v1));
        TrustPlane.Result junk = planes.get("r2").receive(null, Map.of("trust", "reboot"), peersOf("r2"), now);
        assertThat(junk.answer()).containsEntry("outcome", "malformed");
        TrustPlane.Result replay = planes.get("r2").receive("r3", new TrustMessage.Announce(v1).toMap(),
                peersOf("r2"), now);
        assertThat(replay.sends()).as("a repeat is not passed on").isEmpty();
        assertThat(replay.events()).isEmpty();
        assertThat(planes.get("r2").stats()).as("3 from the announcements, 1 replayed").containsEntry("duplicate", 4L);
    }
}
