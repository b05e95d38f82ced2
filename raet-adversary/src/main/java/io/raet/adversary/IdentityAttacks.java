package io.raet.adversary;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Impersonation and replay (issue 10, findings 4 and 5): joins claiming an existing name with another role, a
 * victim's public keys copied from another address, the target's own name; and the forged-join replay sequence.
 */
final class IdentityAttacks {
    private IdentityAttacks() {}

    /** The legitimate peer of these attacks: fixed keys, so that it can come back after the target restarts. */
    private record Legit(SigningKey signer, BoxKeyPair box) {
        static Legit fresh() {
            return new Legit(SigningKey.generate(), BoxKeyPair.generate());
        }

        RoadStack stack() {
            return Context.estate("legit", "legit").keys(signer, box).build();
        }

        /** The peer with a keep of its own at {@code port} (0: any): restarted, it comes back as it was. */
        RoadStack stack(int port, Path keep) {
            RoadStack.Builder b = Context.estate("legit", "legit").keys(signer, box).port(port);
            return (keep == null ? b : b.keep(keep)).build();
        }
    }

    /**
     * A joiner claiming the name {@code legit} with a role and keys of its own (a real stack: it then allows and
     * sends), under {@code auto}; for {@code never} the legitimate peer was accepted before the restart into never.
     */
    static Row otherRole(Context c, String auto) throws Exception {
        Row row = new Row("4 name 'legit' claimed with another role (" + auto + ")", "listen");
        Path dir = c.dir("role-" + auto);
        Path keep = dir.resolve("keep");
        Legit id = Legit.fresh();
        ChildProcess target = c.listen(dir, "never".equals(auto) ? "once" : auto, keep, false, 0);
        try {
            int legitPort = 0;
            Path legitKeep = null;
            if ("never".equals(auto)) {
                // accepted under once (the keep remembers the peer), then the target restarts under never; the
                // peer, restarted too, comes back from the same address with its own keep
                legitKeep = dir.resolve("legit-keep");
                try (RoadStack first = id.stack(0, legitKeep)) {
                    String remote = Context.connect(first, Context.address(target));
                    first.send(remote, Map.of("id", "accepted")).get(5, TimeUnit.SECONDS);
                    legitPort = first.address().getPort();
                }
                int port = Context.address(target).getPort();
                target.stop();
                target = c.listen(dir, "never", keep, false, port);
            }
            ChildProcess t = target;
            InetSocketAddress at = Context.address(t);
            try (RoadStack legit = id.stack(legitPort, legitKeep)) {
                String remote = Context.connect(legit, at);
                Map<String, Object> before = KeepFiles.identity(keep, "legit");
                List<String> outcome = new ArrayList<>();
                int evil = 5;
                try (Meter meter = c.meter(legit, remote, "role-" + auto)) {
                    Phases.run(c, row, t, meter, d -> outcome.add(impostor(at, "evil", evil)));
                }
                int delivered = 0;
                for (int i = 0; i < evil; i++) {
                    delivered += t.deliveries("evil-" + i);
                }
                Map<String, Object> after = KeepFiles.identity(keep, "legit");
                row.counters("impostor: " + String.join(", ", outcome) + "; its messages delivered: " + delivered);
                if (delivered > 0) {
                    row.fail(delivered + " messages of the impostor were delivered as from 'legit'");
                }
                if (!Objects.equals(before, after)) {
                    row.fail("the keep's record of 'legit' changed: " + before + " -> " + after);
                }
            }
            SegmentAttacks.finish(c, row, target);
        } finally {
            target.close();
        }
        return row;
    }

    /** A stack named {@code legit} with role {@code role} and its own keys: joins, allows, sends {@code n} messages. */
    private static String impostor(InetSocketAddress at, String role, int n) {
        try (RoadStack s = Context.estate("legit", role).build()) {
            String remote;
            try {
                remote = s.join(at).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "join " + (e instanceof java.util.concurrent.TimeoutException ? "unanswered (pending)"
                        : "failed: " + root(e));
            }
            try {
                s.allow(remote).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "joined, allow failed: " + root(e);
            }
            int ok = 0;
            for (int i = 0; i < n; i++) {
                try {
                    s.send(remote, Map.of("id", role + "-" + i, "impostor", true)).get(2, TimeUnit.SECONDS);
                    ok++;
                } catch (Exception e) {
                    // counted by what the target printed
                }
            }
            return "joined and allowed, " + ok + " of " + n + " messages acknowledged";
        }
    }

    private static String root(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * A join from another address presenting the legitimate peer's public keys, name and role (no private key is
     * needed to join): the target must not move the peer's address to the impostor.
     */
    static Row copiedKeys(Context c) throws Exception {
        Row row = new Row("4 victim's public keys joined from another address", "listen --echo");
        Path dir = c.dir("copied");
        Path keep = dir.resolve("keep");
        try (ChildProcess target = c.listen(dir, "once", keep, true, 0);
                RoadStack legit = Context.estate("legit", "legit").build()) {
            InetSocketAddress at = Context.address(target);
            String remote = Context.connect(legit, at);
            Thread reader = Context.drain(legit);
            Map<String, Object> before = KeepFiles.identity(keep, "legit");
            String[] answer = new String[1];
            int[] stolen = new int[1];
            try (Meter meter = c.meter(legit, remote, "copied")) {
                Phases.run(c, row, target, meter, d -> {
                    long end = System.nanoTime() + d.toNanos();
                    try (JoinClient jc = new JoinClient(InetAddress.getLoopbackAddress(), at)) {
                        answer[0] = jc.join(ThreadLocalRandom.current().nextInt(1, 1 << 30), 1, "legit", false,
                                legit.signingKey().verifyKey().hex(), legit.boxKeys().publicKey().hex(), "legit",
                                Duration.ofSeconds(1), true).kind();
                        stolen[0] = jc.collect(Duration.ofNanos(Math.max(0, end - System.nanoTime()))).size();
                    }
                });
            }
            reader.interrupt();
            Map<String, Object> after = KeepFiles.identity(keep, "legit");
            row.counters("join answered: " + answer[0] + "; packets for legit at the impostor: " + stolen[0]);
            if (stolen[0] > 0) {
                row.fail("the impostor's address received " + stolen[0] + " packets of legit's traffic");
            }
            if (!Objects.equals(before, after)) {
                row.fail("the keep's record of 'legit' changed: " + before + " -> " + after);
            }
            SegmentAttacks.finish(c, row, target);
        }
        return row;
    }

    /** A join claiming the target's own name. */
    static Row ownName(Context c) throws Exception {
        Row row = new Row("4 join claiming the target's own name", "listen");
        Path dir = c.dir("own-name");
        Path keep = dir.resolve("keep");
        try (ChildProcess target = c.listen(dir, "always", keep, false, 0)) {
            InetSocketAddress at = Context.address(target);
            String self = (String) target.ready().get("name");
            String[] k = JoinAttacks.keys();
            JoinClient.Answer a;
            try (JoinClient jc = new JoinClient(InetAddress.getLoopbackAddress(), at)) {
                a = jc.join(7, 1, self, false, k[0], k[1], self, Duration.ofSeconds(2), true);
            }
            Thread.sleep(300);
            boolean kept = java.nio.file.Files.exists(keep.resolve("remote/estate." + self + ".json"));
            row.counters("join as '" + self + "' answered: " + a.kind() + (kept ? "; kept as a remote" : ""));
            if (a.accepted()) {
                row.fail("a join claiming the target's own name '" + self + "' was accepted");
            }
            if (kept) {
                row.fail("the keep now holds a remote named '" + self + "'");
            }
            Phases.judgeAlive(row, target);
        }
        return row;
    }

    /**
     * The forged-join replay (finding 5), with only what a passive observer captures: the legitimate peer sends in
     * one session and, after a restart, in a second one; then, from another address, a vacuous join rebuilt from
     * the peer's public data, one packet of the first session, and every captured packet of the current session.
     * Nothing may be delivered twice.
     */
    static Row forgedJoinReplay(Context c) throws Exception {
        int n = 81;
        Row row = new Row("5 forged join + old session + replay", "listen");
        Path dir = c.dir("replay");
        Path keep = dir.resolve("keep");
        Path legitKeep = dir.resolve("legit-keep");
        Legit id = Legit.fresh();
        try (ChildProcess target = c.listen(dir, "once", keep, false, 0);
                Tap tap = new Tap(Context.address(target))) {
            Tap.Seen old;
            List<byte[]> current = new ArrayList<>();
            long se;
            try (RoadStack first = Context.estate("legit", "legit").keys(id.signer(), id.box()).keep(legitKeep)
                    .build()) {
                String remote = Context.connect(first, tap.front());
                for (int i = 0; i < 5; i++) {
                    first.send(remote, Map.of("id", "old-" + i)).get(5, TimeUnit.SECONDS);
                }
            }
            old = tap.last(IdentityAttacks::legitMessage);
            Objects.requireNonNull(old, "no message of the first session captured");
            se = old.head().se();
            int delivered;
            try (RoadStack second = Context.estate("legit", "legit").keys(id.signer(), id.box()).keep(legitKeep)
                    .build()) {
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    sent.add(second.send("target", Map.of("id", "cur-" + i)));
                }
                for (CompletableFuture<?> f : sent) {
                    f.get(10, TimeUnit.SECONDS);
                }
                tap.stopRecording();
                long si = tap.last(IdentityAttacks::legitMessage).head().si();
                if (si == old.head().si()) {
                    throw new IllegalStateException("set-up: the restarted peer did not open a new session (si "
                            + si + ")");
                }
                java.util.Set<Long> tids = new java.util.HashSet<>();
                for (Tap.Seen s : tap.seen()) {
                    // each message once: its first copy (a resend carries the again flag and is refused as such)
                    if (legitMessage(s) && s.head().si() == si && tids.add(s.head().ti())) {
                        current.add(s.data());
                    }
                }
                delivered = countDelivered(target, n);
                Thread.sleep(1100);
                Map<String, Long> statsBefore = target.stats();
                JoinClient.Answer a;
                try (JoinClient jc = new JoinClient(InetAddress.getLoopbackAddress(), Context.address(target))) {
                    a = jc.join(se, ThreadLocalRandom.current().nextInt(1, 1 << 30), "legit", false,
                            id.signer().verifyKey().hex(), id.box().publicKey().hex(), "legit",
                            Duration.ofSeconds(1), true);
                    jc.send(old.data());
                    Thread.sleep(100);
                    for (byte[] p : current) {
                        jc.send(p);
                    }
                    Thread.sleep(1000);
                }
                int twice = 0;
                for (int i = 0; i < n; i++) {
                    if (target.deliveries("cur-" + i) > 1) {
                        twice++;
                    }
                }
                boolean stillWorks;
                try {
                    second.send("target", Map.of("id", "after")).get(3, TimeUnit.SECONDS);
                    stillWorks = true;
                } catch (Exception e) {
                    stillWorks = false;
                }
                Thread.sleep(1100);
                row.counters("session " + old.head().si() + " then " + si + ": " + delivered + " delivered, "
                        + current.size() + " captured; forged join: "
                        + a.kind() + "; replayed, delivered again: " + twice + " of " + n
                        + (stillWorks ? "" : "; legit cut off afterwards") + "; "
                        + Phases.delta(statsBefore, target.stats(), "messages_received", "drop_*"));
                if (twice > 0) {
                    row.fail(twice + " of " + n + " messages of the current session were delivered a second time");
                }
                if (!stillWorks) {
                    row.fail("the legitimate peer could no longer send after the attack");
                }
            }
            Phases.judgeAlive(row, target);
        }
        return row;
    }

    private static boolean legitMessage(Tap.Seen s) {
        return s.toTarget() && s.head() != null && s.head().tk() == Wire.TK_MESSAGE && s.head().pk() == Wire.MESSAGE
                && (s.head().fg() & Wire.CF) == 0;
    }

    private static int countDelivered(ChildProcess target, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int got = 0;
        while (System.nanoTime() < end) {
            got = 0;
            for (int i = 0; i < n; i++) {
                if (target.deliveries("cur-" + i) > 0) {
                    got++;
                }
            }
            if (got == n) {
                break;
            }
            Thread.sleep(20);
        }
        return got;
    }

    static boolean isAllowed(RoadEvent e, String remote) {
        return e instanceof RoadEvent.Allowed a && remote.equals(a.remote());
    }
}
