package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.PacketKind;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.AutoMode;
import io.raet.keep.RoadKeep;
import io.raet.road.RoadEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Joins that claim a name already bound to a remote, on the deterministic network: with another role, with other
 * keys, or with the victim's own public keys copied from another address, under every auto mode. The victim's keys,
 * role and address stay as they are in memory and in the keep, it keeps working, and the impostor gets nothing
 * delivered as the victim.
 */
class IdentityTest {
    static final int ALPHA = 7540;
    static final int LEGIT = 7541;
    static final InetSocketAddress IMPOSTOR = SimNetwork.address(7650);

    @TempDir
    Path tmp;

    enum Attack { ANOTHER_ROLE, OTHER_KEYS, COPIED_KEYS }

    /** alpha (main, kept on disk) and legit, joined, allowed, and one message delivered each way. */
    record World(SimNetwork net, RoadEngine alpha, RoadEngine legit, RoadKeep keep) {}

    /** What the victim is on alpha, in memory and in the keep. */
    record Victim(VerifyKey verifyKey, PublicKey publicKey, String role, InetSocketAddress ha, long uid, long fuid,
            long sid, long rsid, boolean joined, boolean allowed, Map<String, String> keep) {}

    World world(AutoMode auto, boolean mutable, long seed) {
        SimNetwork net = new SimNetwork(seed);
        RoadKeep keep = new RoadKeep(tmp.resolve("alpha-" + auto + "-" + mutable + "-" + seed));
        SigningKey signer = SigningKey.generate();
        BoxKeyPair box = BoxKeyPair.generate();
        if (auto == AutoMode.NEVER) {
            keep.acceptRole("legit", signer.verifyKey().hex(), box.publicKey().hex()); // the operator knows legit
        }
        RoadEngine alpha = net.estate("alpha", ALPHA, true, SimNetwork.config().withAuto(auto).withMutable(mutable),
                SigningKey.generate(), BoxKeyPair.generate(), new KeepRoadStore(keep));
        RoadEngine legit = net.estate("legit", LEGIT, false, SimNetwork.config(), signer, box, new MemoryRoadStore());
        legit.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> legit.remote("alpha") != null && legit.remote("alpha").isJoined(), 10 * S))
                .isTrue();
        legit.allow("alpha", net.now);
        assertThat(net.runUntil(() -> legit.peer("alpha").isAllowed() && alpha.remote("legit") != null
                && alpha.peer("legit").isAllowed() && alpha.peer("legit").transactions.isEmpty(), 10 * S))
                .isTrue();
        World w = new World(net, alpha, legit, keep);
        exchange(w, "before");
        assertThat(alpha.remote("legit").isProven()).isTrue();
        return w;
    }

    /** A message each way between legit and alpha, delivered once, from "legit" as alpha sees it. */
    static void exchange(World w, String text) {
        SimNetwork net = w.net;
        int toAlpha = net.events(w.alpha, RoadEvent.Message.class).size();
        int toLegit = net.events(w.legit, RoadEvent.Message.class).size();
        w.legit.send("alpha", body(text), null, net.now);
        w.alpha.send("legit", body(text), null, net.now);
        assertThat(net.runUntil(() -> net.events(w.alpha, RoadEvent.Message.class).size() == toAlpha + 1
                && net.events(w.legit, RoadEvent.Message.class).size() == toLegit + 1, 20 * S)).isTrue();
        assertThat(net.events(w.alpha, RoadEvent.Message.class).get(toAlpha))
                .satisfies(m -> {
                    assertThat(m.from()).isEqualTo("legit");
                    assertThat(m.body().get("content")).isEqualTo(text);
                });
    }

    static Map<String, String> files(RoadKeep keep) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(keep.dir())) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    out.put(keep.dir().relativize(p).toString(), Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Victim victim(World w) {
        Peer p = w.alpha.peer("legit");
        Remote r = p.remote;
        return new Victim(r.verifyKey(), r.publicKey(), r.role(), r.ha(), r.uid(), r.fuid(), r.sid(), p.rsid,
                r.isJoined(), p.isAllowed(), files(w.keep));
    }

    static Stream<Arguments> attacks() {
        return Stream.of(AutoMode.values()).flatMap(auto -> Stream.of(Attack.values()).flatMap(
                attack -> Stream.of(false, true).map(mutable -> Arguments.of(auto, attack, mutable))));
    }

    @ParameterizedTest(name = "{1} under {0}, mutable {2}")
    @MethodSource("attacks")
    void joinClaimingABoundNameChangesNothing(AutoMode auto, Attack attack, boolean mutable) {
        World w = world(auto, mutable, 100 + auto.ordinal() * 10 + attack.ordinal() * 2 + (mutable ? 1 : 0));
        SimNetwork net = w.net;
        Victim before = victim(w);
        Remote legit = w.alpha.remote("legit");
        Peer legitPeer = w.alpha.peer("legit");
        RoadEngine impostor = null;

        switch (attack) {
            case ANOTHER_ROLE, OTHER_KEYS -> {
                impostor = net.estate("legit", attack == Attack.ANOTHER_ROLE ? "evil" : "legit", IMPOSTOR.getPort(),
                        false, SimNetwork.config(), SigningKey.generate(), BoxKeyPair.generate(),
                        new MemoryRoadStore());
                impostor.join(SimNetwork.address(ALPHA), net.now);
                RoadEngine imp = impostor;
                assertThat(net.runUntil(() -> !net.events(imp, RoadEvent.JoinFailed.class).isEmpty(), 15 * S))
                        .isTrue();
                // The impostor never learned alpha (its join failed); were it to try again, nothing would change.
                assertThat(imp.remote("alpha")).isNull();
                imp.join(SimNetwork.address(ALPHA), net.now);
                net.run(8 * S);
            }
            case COPIED_KEYS -> {
                // Public data only: legit's name, role and keys, from another address; the join is answered and acked.
                byte[] request = Forge.joinRequest("legit", "legit", legit.verifyKey().hex(), legit.publicKey().hex(),
                        false, 77, 0, 5);
                net.inject(request, IMPOSTOR, SimNetwork.address(ALPHA));
                net.run(S / 2);
                boolean answered = net.strays.stream().anyMatch(st -> st.to().equals(IMPOSTOR)
                        && Forge.head(st.data()).pk() == PacketKind.RESPONSE);
                if (answered) {
                    net.inject(Forge.joinAck(77, 0, 5), IMPOSTOR, SimNetwork.address(ALPHA));
                }
                // It cannot sign as legit: its hello is refused, the remote stays where it is.
                net.run(S / 2);
                net.inject(Forge.signedHello(77, legit.uid(), legitPeer.rsid, 4000, SigningKey.generate()), IMPOSTOR,
                        SimNetwork.address(ALPHA));
                net.run(6 * S);
                assertThat(answered).as("a join of the same identity is answered only on a mutable road")
                        .isEqualTo(mutable);
            }
        }

        // The victim is bound as it was, in memory and in the keep.
        assertThat(w.alpha.remote("legit")).isSameAs(legit);
        Victim after = victim(w);
        assertThat(after).usingRecursiveComparison().ignoringFields("sid", "rsid", "keep").isEqualTo(before);
        assertThat(after.sid()).isEqualTo(before.sid());
        assertThat(after.rsid()).isEqualTo(before.rsid());
        assertThat(after.keep()).isEqualTo(before.keep());
        assertThat(w.alpha.remotes()).extracting(Remote::name).containsExactly("legit");

        // The refusing side says so (or holds the join for an operator, under never, for another role).
        if (attack == Attack.ANOTHER_ROLE && auto == AutoMode.NEVER) {
            assertThat(net.events(w.alpha, RoadEvent.JoinPending.class)).singleElement().satisfies(p -> {
                assertThat(p.name()).isEqualTo("legit");
                assertThat(p.role()).isEqualTo("evil");
                assertThat(p.address()).isEqualTo(IMPOSTOR);
            });
            assertThat(net.events(impostor, RoadEvent.JoinFailed.class).get(0).reason())
                    .isEqualTo("timeout while pending acceptance");
        } else if (attack != Attack.COPIED_KEYS || !mutable) {
            assertThat(net.events(w.alpha, RoadEvent.JoinRefused.class)).isNotEmpty().allSatisfy(r -> {
                assertThat(r.name()).isEqualTo("legit");
                assertThat(r.address()).isEqualTo(IMPOSTOR);
            });
            assertThat(w.alpha.stats().get("join_refused")).isPositive();
            if (impostor != null) {
                assertThat(net.events(impostor, RoadEvent.JoinFailed.class).get(0).reason()).isEqualTo("rejected");
            }
        }
        if (attack == Attack.COPIED_KEYS) {
            assertThat(w.alpha.stats().get("drop_bad_signature")).isEqualTo(1);
            // What alpha sent to the impostor's address: join answers, nothing else.
            assertThat(net.strays).filteredOn(st -> st.to().equals(IMPOSTOR))
                    .allSatisfy(st -> assertThat(Forge.head(st.data()).tk()).isEqualTo(TransactionKind.JOIN));
        }
        if (impostor != null) {
            assertThat(net.events(impostor, RoadEvent.Message.class)).isEmpty();
            assertThat(net.events(impostor, RoadEvent.Joined.class)).isEmpty();
        }

        // The victim keeps working, and alpha hears "legit" only from it.
        exchange(w, "after");
        assertThat(net.events(w.alpha, RoadEvent.Message.class)).extracting(m -> m.body().get("content"))
                .containsExactly("before", "after");
        assertThat(w.alpha.stats().get("drop_internal_error")).isZero();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(AutoMode.class)
    void theLocalEstatesNameCannotBeClaimed(AutoMode auto) {
        World w = world(auto, true, 200 + auto.ordinal());
        SimNetwork net = w.net;
        Map<String, String> keep = files(w.keep);
        net.inject(Forge.joinRequest("alpha", "alpha", SigningKey.generate().verifyKey().hex(),
                BoxKeyPair.generate().publicKey().hex(), true, 9, 0, 3), IMPOSTOR, SimNetwork.address(ALPHA));
        net.run(2 * S);
        assertThat(net.events(w.alpha, RoadEvent.JoinRefused.class)).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("the name of this estate"));
        assertThat(w.alpha.stats().get("join_refused_local_name")).isEqualTo(1);
        assertThat(w.alpha.remotes()).extracting(Remote::name).containsExactly("legit");
        assertThat(files(w.keep)).isEqualTo(keep);
        assertThat(net.strays).filteredOn(st -> st.to().equals(IMPOSTOR)).singleElement()
                .satisfies(st -> assertThat(Forge.head(st.data()).pk()).isEqualTo(PacketKind.REJECT));

        // A joiner answered with its own name refuses the answer too.
        RoadEngine twin = net.estate("alpha", 7700, false, SimNetwork.config(), SigningKey.generate(),
                BoxKeyPair.generate(), new MemoryRoadStore());
        twin.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> !net.events(twin, RoadEvent.JoinFailed.class).isEmpty(), 10 * S)).isTrue();
        assertThat(w.alpha.remotes()).extracting(Remote::name).containsExactly("legit");
    }

    /** Under never, an operator's acceptance of a pending rebinding is the one way to move a name to new keys. */
    @Test
    void anOperatorAcceptsAPendingJoinForABoundName() {
        World w = world(AutoMode.NEVER, false, 300);
        SimNetwork net = w.net;
        SigningKey newSigner = SigningKey.generate();
        RoadEngine renewed = net.estate("legit", "legit2", IMPOSTOR.getPort(), false, SimNetwork.config(), newSigner,
                BoxKeyPair.generate(), new MemoryRoadStore());
        renewed.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> !net.events(w.alpha, RoadEvent.JoinPending.class).isEmpty(), 5 * S)).isTrue();
        RoadEvent.JoinPending pending = net.events(w.alpha, RoadEvent.JoinPending.class).get(0);
        assertThat(w.alpha.pendingJoins(net.now)).containsExactly(pending);
        assertThat(pending.verhex()).isEqualTo(newSigner.verifyKey().hex());
        w.alpha.acceptJoin(pending, net.now);
        assertThat(net.runUntil(() -> renewed.remote("alpha") != null && renewed.remote("alpha").isJoined(),
                5 * S)).isTrue();
        renewed.send("alpha", body("from the new keys"), null, net.now);
        assertThat(net.runUntil(() -> net.events(renewed, RoadEvent.Delivered.class).size() == 1, 10 * S)).isTrue();
        Remote now = w.alpha.remote("legit");
        assertThat(now.role()).isEqualTo("legit2");
        assertThat(now.verifyKey()).isEqualTo(newSigner.verifyKey());
        assertThat(now.isProven()).isTrue();
        assertThat(w.alpha.stats().get("remote_rebound")).isEqualTo(1);
        assertThat(w.keep.loadRemote("legit").orElseThrow().role()).isEqualTo("legit2");
        assertThat(w.alpha.pendingJoins(net.now)).isEmpty();
    }

    /** A pending join of a new name: an operator accepts or rejects it while the joiner waits. */
    @Test
    void anOperatorDecidesPendingJoinsOfNewNames() {
        SimNetwork net = new SimNetwork(310);
        MemoryRoadStore store = new MemoryRoadStore();
        RoadEngine alpha = net.estate("alpha", ALPHA, true, SimNetwork.config().withAuto(AutoMode.NEVER),
                SigningKey.generate(), BoxKeyPair.generate(), store);
        RoadEngine beta = net.estate("beta", 7542, false, SimNetwork.config());
        RoadEngine gamma = net.estate("gamma", 7543, false, SimNetwork.config());
        beta.join(SimNetwork.address(ALPHA), net.now);
        gamma.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> alpha.pendingJoins(net.now).size() == 2, 3 * S)).isTrue();
        assertThat(alpha.remotes()).isEmpty();
        assertThat(store.acceptance("beta")).isNull(); // nothing kept while pending
        for (RoadEvent.JoinPending p : net.events(alpha, RoadEvent.JoinPending.class)) {
            if (p.name().equals("beta")) {
                alpha.acceptJoin(p, net.now);
            } else {
                assertThat(alpha.rejectJoin(p, net.now)).isTrue();
            }
        }
        assertThat(net.runUntil(() -> beta.remote("alpha") != null && beta.remote("alpha").isJoined()
                && alpha.remote("beta") != null && !net.events(gamma, RoadEvent.JoinFailed.class).isEmpty(), 5 * S))
                .isTrue();
        assertThat(net.events(gamma, RoadEvent.JoinFailed.class).get(0).reason()).isEqualTo("rejected");
        assertThat(store.acceptance("beta")).isEqualTo(io.raet.keep.Acceptance.ACCEPTED);
        assertThat(store.acceptance("gamma")).isNull();
        assertThat(alpha.remotes()).extracting(Remote::name).containsExactly("beta");
        assertThat(alpha.stats().get("join_pended")).isEqualTo(2);
    }
}
