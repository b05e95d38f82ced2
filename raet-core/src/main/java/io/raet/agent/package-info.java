/**
 * The concurrency model of the drivers: each owner thread runs one {@link io.raet.agent.Agent} under an
 * {@link io.raet.agent.AgentRunner}. Internal: not part of the API.
 *
 * <ul>
 *   <li>An agent's duty cycle {@link io.raet.agent.Agent#doWork(long)} gets the time and returns how much it did;
 *       its sans-IO core takes input and the time and answers with output, events and
 *       {@code nextWakeup()}, which the agent passes on as {@link io.raet.agent.Agent#nextWakeup()}.</li>
 *   <li>Other threads never touch the agent's state: they queue {@link io.raet.agent.Command}s, bounded, refused and
 *       counted ({@code command_queue_full}) when full, or read what the agent publishes (typed
 *       {@link io.raet.util.Counters}, levels, snapshots).</li>
 *   <li>When a cycle did nothing, the {@link io.raet.agent.IdleStrategy} waits: blocked in the agent's own input
 *       where it has one (a socket poll, a selector), else parked ({@link io.raet.agent.ParkingIdleStrategy}),
 *       until the next wakeup; a queued command wakes it.</li>
 *   <li>Failure policy: one failed command or cycle is counted and the loop goes on; a
 *       {@link java.lang.VirtualMachineError} closes the agent loudly and its futures fail.</li>
 * </ul>
 *
 * <p>Who runs what: {@code LaneStack} is one agent on a platform thread (its socket poll is a native call that
 * would pin a virtual thread's carrier): commands (sends, yard changes, queries), the {@code LaneEngine}'s timers,
 * the socket's reads and writes. A {@code Yard} is one agent on a virtual thread: the messages its lane receives
 * and the timers of its request, acknowledged and repeated flows. A {@code Router} is one agent on a virtual thread
 * for what its lane receives and its timers (the policy file); the road side is the road stack's.
 *
 * <p>How {@code RoadStack} adopts it: its owner loop is already a duty cycle. {@code service(now)} (commands, due
 * timers, flush, events) plus the bounded read of datagrams becomes {@code doWork(now)};
 * {@code engine.nextWakeup()} is {@code nextWakeup()}; the {@code select(timeout)} with {@code selector.wakeup()}
 * when a command arrives becomes a selector {@link io.raet.agent.IdleStrategy} ({@code idle} selects until the
 * deadline, {@code wake} calls {@code wakeup()} only while the owner selects); its unbounded command queue becomes
 * the runner's bounded one ({@code command_queue_full}, the caller's future failed at once); its
 * {@code command_error} counting and its stop on a {@link java.lang.VirtualMachineError} are the runner's failure
 * policy, and {@code stopped(cause)} is {@link io.raet.agent.Agent#onClose(Throwable)}. Shards of a road are then
 * one agent each.
 */
package io.raet.agent;
