package io.raet.router;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.RoadKeep;
import io.raet.trust.ChainFiles;
import io.raet.trust.Genesis;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Routers in this process over loopback, each with its own temp directories (a keep for its default road among them)
 * and a control channel {@code ctl} whose
 * members (every router of the mesh) are provisioned ahead from key files; router i joins routers 1..i−1 on it. With
 * a genesis each router keeps its policy chain in its own directory.
 */
final class ControlMesh implements AutoCloseable {
    static final String CTL = "ctl";

    final Path root;
    final List<String> names = new ArrayList<>();
    final Map<String, Router> routers = new LinkedHashMap<>();
    final Map<String, InetSocketAddress> ctlAddress = new LinkedHashMap<>();
    /** Other channels every router has, joined as the control channel is; the default channel is joined too. */
    final List<String> plain = new ArrayList<>();
    final Map<String, Map<String, InetSocketAddress>> addresses = new LinkedHashMap<>();
    final Map<String, List<RouterEvent>> events = new LinkedHashMap<>();
    final Path genesis;
    UnaryOperator<RouterConfig.Builder> extra = b -> b;

    ControlMesh(Path root, int n, Genesis genesis) throws Exception {
        this.root = root;
        for (int i = 1; i <= n; i++) {
            String name = "r" + i;
            names.add(name);
            events.put(name, new CopyOnWriteArrayList<>());
            provision(name);
        }
        if (genesis != null) {
            this.genesis = root.resolve("genesis.json");
            ChainFiles.write(this.genesis, genesis.toMap());
        } else {
            this.genesis = null;
        }
    }

    Path dir(String name) {
        return root.resolve(name);
    }

    Path memberFile(String name) {
        return root.resolve("members").resolve(name + ".json");
    }

    /** The control keep of {@code name} with its identity, and its member file for the others. */
    private void provision(String name) throws Exception {
        Files.createDirectories(dir(name).resolve("lane"));
        Files.createDirectories(root.resolve("members"));
        RoadKeep keep = new RoadKeep(dir(name).resolve("ctl-keep"));
        SigningKey s = SigningKey.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        keep.initLocal(name, name, s, b);
        Files.writeString(memberFile(name), "{\"role\": \"" + name + "\", \"verhex\": \"" + s.verifyKey().hex()
                + "\", \"pubhex\": \"" + b.publicKey().hex() + "\"}");
    }

    RouterConfig config(String name) {
        RouterConfig.ChannelBuilder ctl = RouterConfig.Channel.builder(CTL).control(true)
                .keep(dir(name).resolve("ctl-keep"));
        for (String other : names) {
            if (!other.equals(name)) {
                ctl.member(memberFile(other));
            }
        }
        for (String earlier : names.subList(0, names.indexOf(name))) {
            ctl.join(ctlAddress.get(earlier));
        }
        RouterConfig.Builder b = RouterConfig.builder(name).port(0).laneDir(dir(name).resolve("lane"))
                .keep(dir(name).resolve("keep")).joinRetry(Duration.ofMillis(200)).channel(ctl);
        for (String c : plain) {
            RouterConfig.ChannelBuilder cb = RouterConfig.Channel.builder(c);
            for (String earlier : names.subList(0, names.indexOf(name))) {
                cb.join(addresses.get(c).get(earlier));
            }
            b.channel(cb);
        }
        if (!plain.isEmpty()) {
            for (String earlier : names.subList(0, names.indexOf(name))) {
                b.join(addresses.get("").get(earlier));
            }
        }
        if (genesis != null) {
            b.genesis(genesis).chain(dir(name).resolve("chain"));
        }
        return extra.apply(b).build();
    }

    Router start(String name) throws Exception {
        Router r = Router.start(config(name), events.get(name)::add);
        routers.put(name, r);
        ctlAddress.put(name, r.address(CTL));
        for (String c : r.channels()) {
            addresses.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(name, r.address(c));
        }
        return r;
    }

    void startAll() throws Exception {
        for (String n : names) {
            start(n);
        }
        await("every router joined every other on every channel", () -> routers.values().stream()
                .allMatch(r -> r.channels().stream().allMatch(c -> r.estates(c).size() == names.size() - 1
                        || (c.isEmpty() && plain.isEmpty()))));
    }

    Router get(String name) {
        return routers.get(name);
    }

    void stop(String name) {
        Router r = routers.remove(name);
        if (r != null) {
            r.close();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(15), condition);
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (Router r : routers.values()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                // next
            }
        }
    }
}
