package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A road estate of several shards, as a simulation interleaves them: each remote on one shard, its datagrams and
 * events in their order, joins and identities decided for all shards together.
 */
class ShardedRoadTest {
    private static final int MAIN = 7540;

    /** {@code n} estates that join and allow {@code alpha}, each of {@code shards} shards. */
    private static List<RoadEngine> joinAll(SimNetwork net, RoadEngine alpha, int n, int shards) {
        List<RoadEngine> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RoadEngine e = net.estate("peer" + i, 7600 + i, false, SimNetwork.config(), shards);
            peers.add(e);
            e.join(alpha.local().ha(), net.now);
        }
        assertThat(net.runUntil(() -> peers.stream().allMatch(e -> e.remote("alpha") != null
                && e.remote("alpha").isJoined()), 30 * S)).isTrue();
        for (RoadEngine e : peers) {
            e.allow("alpha", net.now);
        }
        assertThat(net.runUntil(() -> peers.stream().allMatch(e -> e.allowed("alpha")
                && alpha.allowed(e.local().name())), 30 * S)).isTrue();
        return peers;
    }

    @Test
    void remotesSpreadOverTheShardsAndEachOnesMessagesComeInTheOrderItSentThem() {
        SimNetwork net = new SimNetwork(700);
        RoadEngine alpha = net.estate("alpha", MAIN, true, SimNetwork.config(), 4);
        List<RoadEngine> peers = joinAll(net, alpha, 8, 1);
        assertThat(alpha.endpoint().peerCounts()).containsExactly(2, 2, 2, 2);

        // Each sends 60 messages at once: their datagrams take one queue, to the shard of their remote.
        for (RoadEngine e : peers) {
            for (int i = 0; i < 60; i++) {
                e.send("alpha", Map.of("i", (long) i), null, net.now);
            }
        }
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == 8 * 60, 30 * S))
                .isTrue();
        Map<String, List<Long>> byRemote = new HashMap<>();
        for (RoadEvent.Message m : net.events(alpha, RoadEvent.Message.class)) {
            byRemote.computeIfAbsent(m.from(), k -> new ArrayList<>()).add(((Number) m.body().get("i")).longValue());
        }
        assertThat(byRemote).hasSize(8);
        for (List<Long> seq : byRemote.values()) {
            assertThat(seq).isSorted().hasSize(60);
        }
        // And each remote's events in their order: joined, allowed, then its messages.
        for (RoadEngine e : peers) {
            String name = e.local().name();
            List<String> kinds = new ArrayList<>();
            for (RoadEvent ev : net.events(alpha)) {
                if (ev instanceof RoadEvent.Joined j && j.remote().equals(name)) {
                    kinds.add("joined");
                } else if (ev instanceof RoadEvent.Allowed a && a.remote().equals(name)) {
                    kinds.add("allowed");
                } else if (ev instanceof RoadEvent.Message m && m.from().equals(name) && !kinds.contains("message")) {
                    kinds.add("message");
                }
            }
            assertThat(kinds).containsExactly("joined", "allowed", "message");
        }
        assertThat(alpha.stats().get("packets_handed_on")).isZero();
    }

    @Test
    void manyPeersOfSeveralShardsJoinAllowAndExchangeMessagesUnderLoss() {
        SimNetwork net = new SimNetwork(701);
        RoadEngine alpha = net.estate("alpha", MAIN, true, SimNetwork.config(), 4);
        List<RoadEngine> peers = joinAll(net, alpha, 12, 3);
        net.conditions(0.05, 0.05, 0.02);
        for (RoadEngine e : peers) {
            for (int i = 0; i < 5; i++) {
                e.send("alpha", body("to alpha " + i), null, net.now);
                alpha.send(e.local().name(), body("from alpha " + i), null, net.now);
            }
        }
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Delivered.class).size() == 60
                && peers.stream().allMatch(e -> net.events(e, RoadEvent.Delivered.class).size() == 5), 60 * S))
                .isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(60);
        for (RoadEngine e : peers) {
            assertThat(net.events(e, RoadEvent.Message.class)).hasSize(5);
            assertThat(net.events(e, RoadEvent.Undelivered.class)).isEmpty();
        }
        assertThat(net.events(alpha, RoadEvent.Undelivered.class)).isEmpty();
        assertThat(alpha.levels()).containsEntry("remotes", 12L).containsEntry("remotes_allowed", 12L);
        assertThat(alpha.stats().get("messages_received")).isEqualTo(60);
        assertThat(alpha.stats().get("drop_internal_error")).isZero();
        assertThat(alpha.endpoint().peerCounts()).doesNotContain(0);
        assertThat(java.util.Arrays.stream(alpha.endpoint().peerCounts()).sum()).isEqualTo(12);
    }

    @Test
    void aJoinForANameBoundOnAnotherShardIsDecidedThereAndRefused() {
        SimNetwork net = new SimNetwork(702);
        RoadEngine alpha = net.estate("alpha", MAIN, true, SimNetwork.config().withAuto(AutoMode.ALWAYS), 4);
        RoadEngine beta = joinAll(net, alpha, 1, 1).get(0);
        String name = beta.local().name();
        int home = alpha.endpoint().shardOf(alpha.remote(name).uid());

        // An impostor at another address claims the name with keys of its own: its join lands on a shard without
        // remotes, which hands it to the shard of the remote holding the name.
        SeededEntropy k = new SeededEntropy(99);
        RoadEngine impostor = net.estate(name, name, 7700, false, SimNetwork.config(), SigningKey.generate(k),
                BoxKeyPair.generate(k), new MemoryRoadStore(), 2);
        impostor.join(alpha.local().ha(), net.now);
        assertThat(net.runUntil(() -> !net.events(impostor, RoadEvent.JoinFailed.class).isEmpty(), 20 * S)).isTrue();
        assertThat(alpha.stats().get("packets_handed_on")).isPositive();
        assertThat(alpha.stats().get("join_refused")).isPositive();
        assertThat(alpha.remote(name).verifyKey()).isEqualTo(beta.local().signer().verifyKey());
        assertThat(alpha.endpoint().shardOf(alpha.remote(name).uid())).isEqualTo(home);
        assertThat(alpha.levels()).containsEntry("remotes", 1L);

        // The remote holding the name keeps its session.
        beta.send("alpha", body("still me"), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 1, 10 * S)).isTrue();
        assertThat(net.events(alpha, RoadEvent.Message.class)).extracting(RoadEvent.Message::from)
                .containsExactly(name);
    }

    @Test
    void theSameRunReplaysExactlyWithSeveralShards() {
        List<String> first = run(703);
        assertThat(run(703)).isEqualTo(first);
    }

    private static List<String> run(long seed) {
        SimNetwork net = new SimNetwork(seed);
        List<String> wire = new ArrayList<>();
        net.tap = (at, data, from, to) -> wire.add(at + " " + from.getPort() + ">" + to.getPort() + " "
                + java.util.HexFormat.of().formatHex(data));
        RoadConfig config = SimNetwork.config();
        RoadEngine alpha = net.estate("alpha", MAIN, true, config, 3);
        List<RoadEngine> peers = joinAll(net, alpha, 5, 2);
        net.conditions(0.1, 0.1, 0.05);
        for (RoadEngine e : peers) {
            e.send("alpha", body("x".repeat(3000)), null, net.now);
        }
        net.run(10 * S);
        return wire;
    }
}
