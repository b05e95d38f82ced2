package io.raet.road.core;

import io.raet.codec.PacketException;
import io.raet.codec.RoadCodec;
import io.raet.crypto.PublicKey;
import io.raet.crypto.VerifyKey;
import io.raet.keep.Acceptance;
import io.raet.keep.AutoMode;
import io.raet.road.HandshakeLimits;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The road's endpoint: what concerns every remote together, shared by the engine's shards (see {@link RoadShard},
 * which receive, check and dispatch the datagrams of their own remotes). It owns the remote table (by uid, name and
 * address), the joins under way and held for an operator, identity decisions (who may bind which name to which keys
 * and role, proofs, unproven remotes), the join guard, and the bounds on incoming messages all remotes share. It also
 * says which shard a datagram, a remote or a command belongs to.
 *
 * <p>Thread safety: everything here changes under {@link #lock} (a shard takes it for join and allow packets and
 * timers, proofs, commands and the shared bounds; a remote's messages and heartbeats never need it). The tables by
 * uid, name and address can be read without it, which the shards' hot path and the driver's routing do. A remote
 * belongs to the shard {@code uid % shards} for its whole life, so a name keeps its shard while it is bound: a
 * join that would rebind a name runs on the shard of the remote that holds it.
 */
final class RoadEndpoint {
    /** Taken for every change to what is here. */
    final ReentrantLock lock = new ReentrantLock();
    private final RoadEngine engine;
    private final RoadConfig config;
    private final int shards;

    /** Every remote on the road by uid: iterated (housekeeping, bounds, identities) under the lock. */
    private final Map<Long, Peer> remotes = new HashMap<>();
    /** The same remotes for lookups without the lock. */
    private final Map<Long, Peer> byUid = new ConcurrentHashMap<>();
    private final Map<String, Peer> byName = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Peer> byHa = new ConcurrentHashMap<>();
    /** Peers of vacuous joins we answer, by source address, until the join ends. */
    private final Map<InetSocketAddress, Peer> joinees = new HashMap<>();
    /**
     * The shard that handles datagrams without a destination id (vacuous joins) from an address: set when a join
     * from there starts or is handed to the shard of the remote it names, and for datagrams on their way to a shard;
     * dropped once no join from the address remains. Read without the lock by the driver's reader.
     */
    private final Map<InetSocketAddress, Integer> vacuousRoutes = new ConcurrentHashMap<>();
    private final int maxVacuousRoutes;
    /**
     * Joins of remotes that are new to us, by the uid we gave them, until the join completes: their remotes are in
     * no other table (nothing of an unfinished join is visible or kept).
     */
    private final Map<Long, Joinent> provisional = new HashMap<>();
    /** Remotes that completed a join but have not yet proven their keys, oldest first (memory only, bounded). */
    private final LinkedHashMap<Long, Peer> unproven = new LinkedHashMap<>();
    /** Limits on what unauthenticated join requests may start, and the pace of our own handshakes. */
    private final JoinGuard joinGuard;
    /** Joins held for an operator's decision. */
    private final PendingJoins pendingJoins;
    /** The bounds all remotes' incoming messages share. */
    private final IncomingBounds incoming;
    /**
     * Remotes on the road per shard (and remotes new to us whose join is under way), and where the search for the
     * least loaded shard starts next.
     */
    private final AtomicIntegerArray peerCounts;
    private final AtomicInteger rotation = new AtomicInteger();

    RoadEndpoint(RoadEngine engine, RoadConfig config, int shards) {
        this.engine = engine;
        this.config = config;
        this.shards = shards;
        this.joinGuard = new JoinGuard(config.handshakes());
        this.pendingJoins = new PendingJoins(config.handshakes().pendingJoins());
        this.incoming = new IncomingBounds(config.limits(), remotes.values());
        this.peerCounts = new AtomicIntegerArray(shards);
        this.maxVacuousRoutes = Math.max(1024, 4 * config.handshakes().joins());
    }

    /** Runs {@code work} under the lock. */
    void locked(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** Answers {@code query} under the lock. */
    <T> T locked(java.util.function.Supplier<T> query) {
        lock.lock();
        try {
            return query.get();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ shards: where things belong

    int shards() {
        return shards;
    }

    /** The shard of the remote with this uid (ours for it, the {@code de} of its packets). */
    int shardOf(long uid) {
        return (int) Long.remainderUnsigned(uid, shards);
    }

    RoadShard home(Peer p) {
        return engine.shard(shardOf(p.remote.uid()));
    }

    /**
     * The shard a datagram belongs to, read from its head without a full parse (thread-safe): the shard of its
     * destination id; for one without (a vacuous join) the shard already handling its address, else the least
     * loaded. A datagram that cannot be read goes to the shard its address hashes to, which drops it.
     */
    int route(byte[] buf, int off, int len, InetSocketAddress src) {
        if (shards == 1) {
            return 0;
        }
        long de = RoadCodec.peekDestination(buf, off, len);
        if (de < 0 && len <= Math.max(RoadEngine.MAX_RECEIVE_SIZE, config.maxPacketSize())) {
            try {
                de = RoadCodec.parse(buf, off, len).head().de(); // a JSON head
            } catch (PacketException | RuntimeException e) {
                de = -1;
            }
        }
        if (de > 0) {
            return shardOf(de);
        }
        if (de < 0) {
            return hashed(src);
        }
        Integer s = vacuousRoutes.get(src);
        if (s != null) {
            return s;
        }
        if (vacuousRoutes.size() >= maxVacuousRoutes) {
            return hashed(src);
        }
        return vacuousRoutes.computeIfAbsent(src, k -> leastLoaded());
    }

    private int hashed(InetSocketAddress src) {
        return Math.floorMod(src.hashCode(), shards);
    }

    /** The shard with the fewest remotes (ties taken in turn), for a remote new to us. */
    int leastLoaded() {
        if (shards == 1) {
            return 0;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), shards);
        int best = start;
        int least = peerCounts.get(start);
        for (int k = 1; k < shards; k++) {
            int s = (start + k) % shards;
            int c = peerCounts.get(s);
            if (c < least) {
                best = s;
                least = c;
            }
        }
        return best;
    }

    /** The shard of the remote of that name, or -1 (thread-safe). */
    int shardOfName(String name) {
        Peer p = byName.get(name);
        return p == null ? -1 : shardOf(p.remote.uid());
    }

    /** The shard of the remote at that address, or -1 (thread-safe). */
    int shardOfAddress(InetSocketAddress ha) {
        Peer p = byHa.get(ha);
        return p == null ? -1 : shardOf(p.remote.uid());
    }

    /** The shard now handling vacuous joins from {@code src} (lock held): it keeps the route while a join runs. */
    void settleVacuousRoute(InetSocketAddress src, RoadShard shard) {
        Peer j = joinees.get(src);
        if (j != null) {
            vacuousRoutes.put(src, shardOf(j.remote.uid()));
        } else {
            vacuousRoutes.remove(src, shard.index());
        }
    }

    /** The shard datagrams without a destination id from {@code src} go to, or -1 when none is set. */
    int vacuousRoute(InetSocketAddress src) {
        Integer s = vacuousRoutes.get(src);
        return s == null ? -1 : s;
    }

    /** Datagrams without a destination id from {@code src} go to {@code shard} from now on (lock held). */
    void routeVacuous(InetSocketAddress src, int shard) {
        vacuousRoutes.put(src, shard);
    }

    // ------------------------------------------------------------------ the remote table

    JoinGuard joinGuard() {
        return joinGuard;
    }

    PendingJoins pendingJoins() {
        return pendingJoins;
    }

    IncomingBounds incoming() {
        return incoming;
    }

    /** Joins of remotes new to us under way, by the uid they will have. */
    Map<Long, Joinent> provisional() {
        return Collections.unmodifiableMap(provisional);
    }

    Joinent provisional(long uid) {
        return provisional.get(uid);
    }

    /** Every remote on the road (lock held, or one thread driving every shard). */
    Collection<Peer> peers() {
        return Collections.unmodifiableCollection(remotes.values());
    }

    Peer peer(String name) {
        return byName.get(name);
    }

    Peer peerByUid(long uid) {
        return byUid.get(uid);
    }

    Peer peerByAddress(InetSocketAddress ha) {
        return byHa.get(ha);
    }

    Peer joinee(InetSocketAddress src) {
        return joinees.get(src);
    }

    void removeJoinee(InetSocketAddress src) {
        joinees.remove(src);
    }

    /** A peer for a remote new to us at {@code ha}, with a fresh uid of {@code shard}, in no table yet. */
    Peer newPeer(RoadShard shard, InetSocketAddress ha) {
        return locked(() -> new Peer(new Remote(null, nextUid(shard.index()), 0, ha), shard.ctx, shard.admission));
    }

    /** The next uid not in use that belongs to {@code shard} (lock held). */
    private long nextUid(int shard) {
        LocalEstate local = engine.local();
        long uid = local.puid;
        do {
            uid = uid >= 0xffffffffL ? 1 : uid + 1;
        } while (uid == local.uid || remotes.containsKey(uid) || provisional.containsKey(uid)
                || shardOf(uid) != shard);
        local.puid = uid;
        return uid;
    }

    /**
     * Restores a remote from the keep (before any shard runs). Its session id advances so that the restart opens a
     * new session, as the reference does.
     */
    Remote restore(String name, long uid, long fuid, InetSocketAddress ha, String role, boolean main, int kind,
            String fqdn, long sid, Boolean joined, VerifyKey verifyKey, PublicKey publicKey) {
        Remote r = new Remote(name, uid, fuid, ha);
        r.role(role);
        r.main(main);
        r.kind(kind);
        r.fqdn(fqdn);
        r.sid(sid);
        r.nextSid();
        r.joined(joined);
        r.keys(verifyKey, publicKey);
        r.proven(true);
        LocalEstate local = engine.local();
        if (uid > local.puid) {
            local.puid = uid;
        }
        RoadShard shard = engine.shard(shardOf(uid));
        add(new Peer(r, shard.ctx, shard.admission));
        engine.store().saveRemote(r);
        return r;
    }

    /** Puts a peer in the table under its uid, name and address (on its own shard's thread). */
    void add(Peer p) {
        lock.lock();
        try {
            Remote r = p.remote;
            Peer before = remotes.put(r.uid(), p);
            byUid.put(r.uid(), p);
            if (r.name() != null) {
                byName.put(r.name(), p);
            }
            byHa.put(r.ha(), p);
            if (before == null) {
                peerCounts.incrementAndGet(shardOf(r.uid()));
            }
            home(p).added(p);
        } finally {
            lock.unlock();
        }
    }

    boolean isAdded(Peer p) {
        return byUid.get(p.remote.uid()) == p;
    }

    void rename(Peer p, String name) {
        locked(() -> {
            rekey(byName, p.remote.name(), name, p);
            p.remote.name(name);
        });
    }

    void move(Peer p, InetSocketAddress ha) {
        locked(() -> {
            rekey(byHa, p.remote.ha(), ha, p);
            p.remote.ha(ha);
        });
    }

    /** Files {@code p} under {@code next} instead of {@code old} in a table (only when it is on the road). */
    private <K> void rekey(Map<K, Peer> table, K old, K next, Peer p) {
        if (old != null && table.get(old) == p) {
            table.remove(old);
        }
        if (isAdded(p)) {
            table.put(next, p);
        }
    }

    /**
     * Forgets a remote: it leaves every table at once; its transactions end (their correspondents nacked), its
     * messages fail and its keep file goes when {@code clearKeep}, on its own shard: at once when that is
     * {@code caller}'s (or one thread drives every shard), else as soon as that shard runs.
     */
    void remove(Peer p, boolean clearKeep) {
        remove(null, p, clearKeep);
    }

    void remove(RoadShard caller, Peer p, boolean clearKeep) {
        RoadShard home = home(p);
        boolean here = caller == null || caller == home || engine.oneThread();
        lock.lock();
        try {
            if (here) {
                p.forget();
            }
            Remote r = p.remote;
            unproven.remove(r.uid(), p);
            if (remotes.get(r.uid()) == p) {
                remotes.remove(r.uid());
                byUid.remove(r.uid());
                peerCounts.decrementAndGet(shardOf(r.uid()));
            }
            if (r.name() != null && byName.get(r.name()) == p) {
                byName.remove(r.name());
            }
            if (byHa.get(r.ha()) == p) {
                byHa.remove(r.ha());
            }
            for (var it = joinees.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (e.getValue() == p) {
                    it.remove();
                    vacuousRoutes.remove(e.getKey(), shardOf(r.uid()));
                }
            }
            if (clearKeep) {
                engine.store().removeRemote(r);
            }
            if (here) {
                home.removed(p);
            }
        } finally {
            lock.unlock();
        }
        if (!here) {
            home.post(now -> locked(() -> home.forget(p)));
        }
    }

    /** When there are {@link HandshakeLimits#unprovenRemotes()} unproven remotes already, the oldest is forgotten. */
    void admitJoined(RoadShard caller, Peer peer) {
        lock.lock();
        try {
            while (unproven.size() >= config.handshakes().unprovenRemotes()) {
                Peer oldest = unproven.values().iterator().next();
                caller.ctx.count(RoadCounter.UNPROVEN_REMOTE_EVICTED);
                remove(caller, oldest, false);
            }
            unproven.put(peer.remote.uid(), peer);
            add(peer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The remote signed a packet with the keys it joined with: its name is now bound to them, and it is kept
     * (remote estate and role files). False when its role was meanwhile bound to other keys or rejected, or when it
     * was forgotten meanwhile; the remote is then forgotten.
     */
    boolean prove(RoadShard caller, Peer peer, long now) {
        lock.lock();
        try {
            if (!isAdded(peer)) {
                return false; // evicted by another shard; its shard forgets it
            }
            Remote remote = peer.remote;
            RoadStore store = engine.store();
            Acceptance status = store.decideRole(remote.role(), remote.verifyKey(), remote.publicKey(),
                    config.auto());
            String conflict = roleConflict(remote.role(), remote.verifyKey(), remote.publicKey(), remote);
            boolean approved = pendingJoins.approved(PendingJoins.Identity.of(remote), now);
            if (conflict != null || status == Acceptance.REJECTED && !approved) {
                caller.ctx.count(RoadCounter.UNPROVEN_REMOTE_REFUSED);
                remove(caller, peer, false);
                return false;
            }
            remote.proven(true);
            unproven.remove(remote.uid(), peer);
            remote.acceptance(Acceptance.ACCEPTED);
            store.keepRole(remote.role(), remote.verifyKey(), remote.publicKey(), Acceptance.ACCEPTED);
            store.saveRemote(remote);
            store.saveLocal(engine.local());
            caller.ctx.count(RoadCounter.REMOTE_PROVEN);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A proven remote's role keeps its keys whatever the auto mode. */
    String roleConflict(String role, VerifyKey verifyKey, PublicKey publicKey, Remote except) {
        return locked(() -> {
            for (Peer p : remotes.values()) {
                Remote r = p.remote;
                if (r != except && r.isProven() && role.equals(r.role())
                        && !(verifyKey.equals(r.verifyKey()) && publicKey.equals(r.publicKey()))) {
                    return "role " + role + " is bound to other keys (remote " + r.name() + ")";
                }
            }
            return null;
        });
    }

    Acceptance decideJoin(PendingJoins.Identity id, long now) {
        return locked(() -> pendingJoins.approved(id, now) ? Acceptance.ACCEPTED
                : engine.store().decideRole(id.role(), id.verifyKey(), id.publicKey(), config.auto()));
    }

    /**
     * An operator accepted exactly that identity (in memory), or re-keyed the remote's own role in the keep to these
     * keys.
     */
    boolean rebindApproved(PendingJoins.Identity id, Remote known, long now) {
        return locked(() -> pendingJoins.approved(id, now) || id.role().equals(known.role())
                && engine.store().decideRole(id.role(), id.verifyKey(), id.publicKey(), AutoMode.NEVER)
                        == Acceptance.ACCEPTED);
    }

    void provisional(long uid, Joinent join) {
        locked(() -> {
            if (provisional.put(uid, join) == null) {
                peerCounts.incrementAndGet(shardOf(uid)); // a remote on its way: its shard is taken
            }
        });
    }

    void endProvisional(long uid, Joinent join) {
        locked(() -> {
            if (provisional.remove(uid, join)) {
                peerCounts.decrementAndGet(shardOf(uid));
            }
        });
    }

    void joinee(InetSocketAddress src, Peer peer) {
        locked(() -> {
            joinees.put(src, peer);
            vacuousRoutes.put(src, shardOf(peer.remote.uid()));
        });
    }

    void endJoinee(InetSocketAddress src, Peer peer) {
        locked(() -> {
            if (joinees.remove(src, peer)) {
                vacuousRoutes.remove(src, shardOf(peer.remote.uid()));
            }
        });
    }

    // ------------------------------------------------------------------ operators

    /**
     * Accepts a pending join's identity (see {@link RoadEngine#acceptJoin}); the join waiting for it goes on, on its
     * own shard.
     */
    void acceptJoin(RoadShard caller, RoadEvent.JoinPending p, long now) {
        lock.lock();
        try {
            PendingJoins.Identity id = PendingJoins.Identity.of(p);
            PendingJoins.Entry e = pendingJoins.approve(id, p.address(), now);
            engine.store().keepRole(id.role(), id.verifyKey(), id.publicKey(), Acceptance.ACCEPTED);
            caller.ctx.count(RoadCounter.JOIN_ACCEPTED_BY_OPERATOR);
            decided(caller, e.live, now, true);
        } finally {
            lock.unlock();
        }
    }

    /** Rejects a pending join; returns whether it was pending. */
    boolean rejectJoin(RoadShard caller, RoadEvent.JoinPending p, long now) {
        lock.lock();
        try {
            PendingJoins.Entry e = pendingJoins.remove(PendingJoins.Identity.of(p));
            if (e == null) {
                return false;
            }
            caller.ctx.count(RoadCounter.JOIN_REJECTED_BY_OPERATOR);
            decided(caller, e.live, now, false);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * An operator decided on the identity the join {@code live} (if any, and still running) waits for: it goes on,
     * on the shard of its remote, under the lock (at once when that is {@code caller}'s).
     */
    private void decided(RoadShard caller, Transaction live, long now, boolean approved) {
        if (live == null) {
            return;
        }
        java.util.function.LongConsumer work = t -> {
            if (live instanceof Joinent j && live.ctx.isActive(j)) {
                if (approved) {
                    j.approved(t);
                } else {
                    j.rejectedByOperator(t);
                }
            } else if (live instanceof Joiner j && live.ctx.isActive(j)) {
                if (approved) {
                    j.approved(t);
                } else {
                    j.rejectedByOperator(t);
                }
            }
        };
        RoadShard home = home(live.peer);
        if (home == caller || engine.oneThread()) {
            work.accept(now);
        } else {
            home.post(t -> locked(() -> work.accept(t)));
        }
    }

    // ------------------------------------------------------------------ levels

    /** Whether new incoming messages are admitted (thread-safe). */
    boolean acceptingMessages() {
        return incoming.accepting;
    }

    void acceptMessages(boolean accept) {
        incoming.accepting = accept;
    }

    int incompleteMessages() {
        return locked(incoming::messages);
    }

    long incompleteBytes() {
        return locked(incoming::bytes);
    }

    /** Remotes on the road per shard (thread-safe). */
    int[] peerCounts() {
        int[] out = new int[shards];
        for (int i = 0; i < shards; i++) {
            out[i] = peerCounts.get(i);
        }
        return out;
    }

    /** See {@link RoadEngine#levels()}: summed over the shards' levels given, with the shared bounds. */
    Map<String, Long> levels(List<Map<String, Long>> perShard) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : List.of("remotes", "remotes_joined", "remotes_allowed", "remotes_alive")) {
            m.put(k, sum(perShard, k));
        }
        m.put("incomplete_messages", (long) incompleteMessages());
        m.put("incomplete_bytes", incompleteBytes());
        m.put("queue_waiting_allow", sum(perShard, "queue_waiting_allow"));
        return m;
    }

    private static long sum(List<Map<String, Long>> maps, String key) {
        long s = 0;
        for (Map<String, Long> m : maps) {
            s += m.getOrDefault(key, 0L);
        }
        return s;
    }

    /** Names of remotes currently alive (one thread driving every shard). */
    List<String> aliveRemotes() {
        List<String> names = new ArrayList<>();
        for (Peer p : remotes.values()) {
            if (p.isAlive() && p.remote.name() != null) {
                names.add(p.remote.name());
            }
        }
        return names;
    }
}
