package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.SimNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.keep.RoadKeep;
import io.raet.road.HandshakeLimits;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join floods from many hosts, on the deterministic network, against a main estate kept on disk: half-open joins,
 * completed joins that never sign anything, and joins that would pend. The keep does not change, the estate holds a
 * bounded number of them in memory (counted when the bound is hit), and the legitimate remote keeps working.
 */
class JoinFloodKeepTest {
    static final int ALPHA = 7540;

    @TempDir
    Path tmp;

    record Flood(SimNetwork net, RoadEngine alpha, RoadEngine legit, RoadKeep keep) {}

    Flood flood(AutoMode auto, HandshakeLimits limits, long seed) {
        SimNetwork net = new SimNetwork(seed);
        RoadKeep keep = new RoadKeep(tmp.resolve("alpha-" + seed));
        SigningKey signer = SigningKey.generate();
        BoxKeyPair box = BoxKeyPair.generate();
        keep.acceptRole("legit", signer.verifyKey().hex(), box.publicKey().hex());
        RoadEngine alpha = net.estate("alpha", ALPHA, true,
                SimNetwork.config().withAuto(auto).withHandshakes(limits), SigningKey.generate(),
                BoxKeyPair.generate(), new KeepRoadStore(keep));
        RoadEngine legit = net.estate("legit", 7541, false, SimNetwork.config(), signer, box, new MemoryRoadStore());
        legit.join(SimNetwork.address(ALPHA), net.now);
        assertThat(net.runUntil(() -> legit.remote("alpha") != null && legit.remote("alpha").isJoined(), 10 * S))
                .isTrue();
        legit.send("alpha", RoadEngineSimTest.body("hello"), null, net.now); // allows first
        assertThat(net.runUntil(() -> net.events(legit, RoadEvent.Delivered.class).size() == 1, 10 * S)).isTrue();
        return new Flood(net, alpha, legit, keep);
    }

    /**
     * {@code n} joins of fresh names, roles and keys from 16 hosts, spread over {@code seconds}: acked when
     * {@code complete}; each names {@code name} instead when it is not null.
     */
    static void inject(SimNetwork net, int n, int seconds, boolean complete, String name, long seed) {
        Random r = new Random(seed);
        long step = seconds * S / n;
        for (int i = 0; i < n; i++) {
            InetSocketAddress from = new InetSocketAddress("127.0.1." + (1 + i % 16), 9000 + r.nextInt(1000));
            String id = Long.toHexString(r.nextLong() & Long.MAX_VALUE);
            long se = 1 + r.nextInt(1 << 20);
            long ti = 1 + r.nextInt(1 << 20);
            net.inject(Forge.joinRequest(name != null ? name : "n" + id, "r" + id,
                    SigningKey.generate().verifyKey().hex(), BoxKeyPair.generate().publicKey().hex(), false, se, 0,
                    ti), from, SimNetwork.address(ALPHA));
            if (complete) {
                net.run(MS);
                net.inject(Forge.joinAck(se, 0, ti), from, SimNetwork.address(ALPHA));
            }
            net.run(step);
        }
    }

    static void stillWorks(Flood f) {
        int before = f.net.events(f.legit, RoadEvent.Delivered.class).size();
        f.legit.send("alpha", RoadEngineSimTest.body("after"), null, f.net.now);
        f.alpha.send("legit", RoadEngineSimTest.body("back"), null, f.net.now);
        assertThat(f.net.runUntil(() -> f.net.events(f.legit, RoadEvent.Delivered.class).size() == before + 1
                && f.net.events(f.legit, RoadEvent.Message.class).size() == 1, 10 * S)).isTrue();
    }

    @Test
    void halfOpenJoinsLeaveNothingBehind() {
        Flood f = flood(AutoMode.ONCE, HandshakeLimits.defaults(), 500);
        Map<String, String> keep = IdentityTest.files(f.keep);
        inject(f.net, 3000, 30, false, null, 501);
        f.net.run(10 * S);
        assertThat(IdentityTest.files(f.keep)).isEqualTo(keep);
        assertThat(f.alpha.remotes()).extracting(Remote::name).containsExactly("legit");
        assertThat(f.alpha.endpoint().provisional()).isEmpty();
        assertThat(f.alpha.endpoint().joinGuard().inProgress()).isZero();
        assertThat(f.alpha.stats().get("drop_internal_error")).isZero();
        stillWorks(f);
    }

    @Test
    void completedJoinsThatNeverSignAreBoundedAndNeverKept() {
        HandshakeLimits limits = HandshakeLimits.defaults().withUnprovenRemotes(16);
        Flood f = flood(AutoMode.ONCE, limits, 510);
        Map<String, String> keep = IdentityTest.files(f.keep);
        inject(f.net, 2000, 40, true, null, 511);
        f.net.run(10 * S);
        assertThat(IdentityTest.files(f.keep)).isEqualTo(keep);
        assertThat(f.alpha.remotes().size()).isLessThanOrEqualTo(1 + 16);
        assertThat(f.alpha.remotes()).filteredOn(Remote::isProven).extracting(Remote::name).containsExactly("legit");
        assertThat(f.alpha.stats().get("unproven_remote_evicted")).isPositive();
        stillWorks(f);
    }

    @Test
    void joinsThatWouldPendAreBoundedAndNeverKept() {
        HandshakeLimits limits = HandshakeLimits.defaults().withPendingJoins(8);
        Flood f = flood(AutoMode.NEVER, limits, 520);
        Map<String, String> keep = IdentityTest.files(f.keep);
        inject(f.net, 500, 20, true, null, 521); // new names: pending
        inject(f.net, 300, 20, true, "legit", 522); // legit's name with other roles and keys: pending too
        f.net.run(10 * S);
        assertThat(IdentityTest.files(f.keep)).isEqualTo(keep);
        assertThat(f.net.events(f.alpha, RoadEvent.JoinPending.class)).hasSize(8);
        assertThat(f.alpha.pendingJoins(f.net.now)).hasSize(8);
        assertThat(f.alpha.stats().get("pending_joins_full")).isPositive();
        assertThat(f.alpha.remotes()).extracting(Remote::name).containsExactly("legit");
        assertThat(f.alpha.remote("legit").verifyKey()).isEqualTo(f.legit.local().signer().verifyKey());
        stillWorks(f);
        // Undecided joins are forgotten after a while, which makes room again.
        f.net.run(PendingJoins.TTL_NANOS);
        assertThat(f.alpha.pendingJoins(f.net.now)).isEmpty();
    }
}
