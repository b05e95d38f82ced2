/**
 * The sans-IO road: every protocol decision of a RAET road estate, with no socket, thread, clock or randomness of
 * its own. Internal: applications use {@link io.raet.road.RoadStack}; a module descriptor will not export this
 * package (the benchmarks reach it on purpose).
 *
 * <h2>Driving it</h2>
 *
 * A driver owns the socket and one owner thread per shard ({@link io.raet.road.core.RoadShard}; one shard: one
 * owner thread, the whole engine), and feeds each shard on its own thread in this order:
 * <ol>
 *   <li><b>Feed input.</b> {@code receive(buf, off, len, src, now)} for each datagram of the shard
 *       ({@link io.raet.road.core.RoadEngine#route} says which shard a datagram is for, from its head alone; a reader
 *       on another thread hands it over with {@code offer}); {@code runPosted(now, max)} for what other threads
 *       handed the shard; {@code tick(now)} once {@code nextWakeup()} is due; the application's commands
 *       ({@code join}, {@code allow}, {@code alive}, {@code send}; {@code RoadEngine.shardFor} says which shard a
 *       command is for, and a shard that finds the remote on another throws {@code ElsewhereException} with it).
 *   <li><b>Drain output.</b> {@code pollOutgoing()} until null, sending each datagram to its address;
 *       {@code pollEvent()} until null, handing each {@link io.raet.road.RoadEvent} to the application.
 *   <li><b>Sleep</b> until {@code nextWakeup()} (nanoseconds on the caller's clock; {@link Long#MIN_VALUE} means
 *       at once), a datagram, a command or work posted to the shard (the hook given to
 *       {@link io.raet.road.core.RoadEngine#drive} tells of it), whichever comes first.
 * </ol>
 * Without a driver, one thread drives every shard through {@link io.raet.road.core.RoadEngine} itself, in the same
 * order; each of its calls returns with every shard quiet (a simulation may interleave the shards' work in an order
 * it draws instead). Time is always passed in; so is randomness ({@link io.raet.crypto.Entropy}, the system's unless
 * a simulation passes a seeded one), so a run on a virtual clock replays exactly. Nothing thrown while handling one
 * datagram, timer or command ends the engine: it is counted ({@link io.raet.road.core.RoadStats}, one per shard,
 * summed for the application); only a {@link VirtualMachineError} reaches the driver.
 *
 * <h2>Inside</h2>
 *
 * <ul>
 *   <li>{@link io.raet.road.core.RoadEngine}: the facade. It holds the settings, the keep, random bytes, the message
 *       ids, the endpoint and the shards, and says where datagrams and commands go.
 *   <li>{@link io.raet.road.core.RoadShard}: one owner's part. Each remote belongs to the shard
 *       {@code uid % shards} (our uid for it, the {@code de} of its packets) for its whole life. A shard parses each
 *       datagram of its remotes once, checks its ids, admits it (signatures, proofs, sessions), answers what needs no
 *       transaction (stale packets, renew) and hands the rest to the remote's {@code Peer}, then to the peer's
 *       transaction by key. It owns their transactions, timers, heartbeats, output and counters, and gives them
 *       their {@code TxContext}: settings, the keep, random bytes, the output queues, the timers and the counters.
 *   <li>{@code RoadEndpoint}: what every remote shares, behind one lock: the remote table (by uid, name and
 *       address), identities and proofs, unproven remotes, pending joins, the join guard and the bounds on incoming
 *       messages all remotes share ({@code Admission}, one view per shard). A shard takes the lock for join and
 *       allow packets and timers, proofs and commands; a proven remote's messages and heartbeats go through without
 *       it (the shared bounds take it for segmented messages only).
 *   <li>{@code Peer}: one per remote, with its {@code Remote} (who it is, as the keep holds it). It owns the
 *       transactions with the remote in typed slots (at most one join and one allow, ours or the remote's, and one
 *       heartbeat) plus
 *       any number of messages, its session keys and ids, its replay window and completed messages, the messages
 *       waiting for an allow, and what the remote may make us hold or send; {@code phase()} says where the road
 *       stands with it. Its {@code SendWindow} is the congestion control of all its messages together (a window of
 *       segments in flight, slow start, backoff on loss, pacing, turns between messages), on the remote's shard
 *       with its timer in that shard's queue; its session is renewed by a new allow once old or used enough
 *       ({@link io.raet.road.SessionRenewal}, forward secrecy; the renewals the engine starts itself are paced by
 *       the endpoint's join guard, under its lock, like its other handshakes).
 *   <li>Transactions ({@code Joiner}/{@code Joinent}, {@code Allower}/{@code Allowent},
 *       {@code Aliver}/{@code Alivent}, {@code Messenger}/{@code Messengent}): one exchange each, fed packets and
 *       timer expiries; they reach the road only through their {@code TxContext} and their peer (and, for joins,
 *       allows and the shared bounds, the endpoint's {@code Admission}).
 * </ul>
 *
 * <h2>Several owner threads</h2>
 *
 * What crosses shards is rare and goes through the endpoint or a hand-over ({@code RoadShard.post}), never through
 * another shard's state: a vacuous join (no {@code de}) goes to the shard already handling its address, else the
 * least loaded, and from there to the shard of the remote whose name it claims (so a name keeps its shard while it
 * is bound, and every join that would rebind it runs there); the datagrams from that address follow, in order. A
 * remote evicted by another shard (the oldest unproven) leaves the table at once and is forgotten on its own shard;
 * an incoming message the shared bounds evict gives its share back at once (the bound holds at every moment) and is
 * ended on its own shard. The keep is written under the endpoint's lock only.
 */
package io.raet.road.core;
