/**
 * The sans-IO road: every protocol decision of a RAET road estate, with no socket, thread, clock or randomness of
 * its own. Internal: applications use {@link io.raet.road.RoadStack}; a module descriptor will not export this
 * package (the benchmarks reach it on purpose).
 *
 * <h2>Driving it</h2>
 *
 * A driver owns the socket and one owner thread, and calls {@link io.raet.road.core.RoadEngine} in this order:
 * <ol>
 *   <li><b>Feed input.</b> {@code receive(buf, off, len, src, now)} for each datagram read;
 *       {@code tick(now)} once {@code nextWakeup()} is due; the application's commands ({@code join},
 *       {@code allow}, {@code alive}, {@code send}, {@code acceptJoin}, {@code rejectJoin},
 *       {@code acceptMessages}).
 *   <li><b>Drain output.</b> {@code pollOutgoing()} until null, sending each datagram to its address;
 *       {@code pollEvent()} until null, handing each {@link io.raet.road.RoadEvent} to the application.
 *   <li><b>Sleep</b> until {@code nextWakeup()} (nanoseconds on the caller's clock; {@link Long#MIN_VALUE} means
 *       at once), a datagram or a command, whichever comes first.
 * </ol>
 * Time is always passed in; so is randomness ({@link io.raet.crypto.Entropy}, the system's unless a simulation
 * passes a seeded one), so a run on a virtual clock replays exactly. Nothing thrown while handling one datagram,
 * timer or command ends the engine: it is counted ({@link io.raet.road.core.RoadStats}); only a
 * {@link VirtualMachineError} reaches the driver.
 *
 * <h2>Inside</h2>
 *
 * <ul>
 *   <li>{@link io.raet.road.core.RoadEngine}: the driver's facade. It holds what the rest share, the
 *       {@code TxContext}: settings, the keep, random bytes, the output queues, the timers and
 *       the counters.
 *   <li>{@code RoadEndpoint}: every datagram goes to it first. It parses the datagram once, checks its ids, admits
 *       it (the join guard, unproven remotes, signatures, sessions), answers what needs no transaction (stale
 *       packets, renew) and routes the rest to a {@code Peer} by the destination id of the head ({@code de}, our uid
 *       for the remote), then to the peer's transaction by key. It owns what concerns every remote together: the
 *       remote table (by uid, name and address), identities and pending joins, and the bounds on incoming messages
 *       that all remotes share ({@code Admission}).
 *   <li>{@code Peer}: one per remote, with its {@code Remote} (who it is, as the keep holds it). It owns the
 *       transactions with the remote in typed slots (at most one join and one allow, ours or the remote's, and one
 *       heartbeat) plus
 *       any number of messages, its session keys and ids, its replay window and completed messages, the messages
 *       waiting for an allow, and what the remote may make us hold or send; {@code phase()} says where the road
 *       stands with it. Its {@code SendWindow} is the congestion control of all its messages together (a window of
 *       segments in flight, slow start, backoff on loss, pacing, turns between messages); its session is renewed by
 *       a new allow once old or used enough ({@link io.raet.road.SessionRenewal}, forward secrecy).
 *   <li>Transactions ({@code Joiner}/{@code Joinent}, {@code Allower}/{@code Allowent},
 *       {@code Aliver}/{@code Alivent}, {@code Messenger}/{@code Messengent}): one exchange each, fed packets and
 *       timer expiries; they reach the road only through their {@code TxContext} and their peer (and, for joins and
 *       allows, the endpoint's {@code Admission}).
 * </ul>
 *
 * <h2>Towards several owner threads</h2>
 *
 * Everything after routing concerns one peer: its transactions, timers, session, replay state and answer credit.
 * A sharded driver can run N engines' worth of peers on N owner threads: route each datagram to the shard owning
 * {@code de} (read from the head before the full parse, or after it), keep one output queue and one timer queue per
 * shard, and keep the endpoint's shared state (the table of names and addresses, unproven remotes, pending joins,
 * the join guard, the shared incoming bounds) behind one owner, since only joins, proofs and evictions touch it.
 * The transaction key map can then become per peer: every key but a vacuous join's (keyed by address) carries the
 * peer's uid.
 */
package io.raet.road.core;
