/**
 * Routed data flows over the road and the lane (docs/routing.md): four-level {@link io.raet.route.Address}es,
 * {@link io.raet.route.FlowMessage} bodies, the authorization {@link io.raet.route.Policy}, the sans-IO
 * {@link io.raet.route.FlowRouter} of one host, the {@link io.raet.route.Shares} of a yard, and sans-IO helpers for
 * the service types: {@link io.raet.route.Requester} / {@link io.raet.route.Responder} (request/response),
 * {@link io.raet.route.AckedSender} / {@link io.raet.route.AckedReceiver} (acknowledged with retry),
 * {@link io.raet.route.Repeater} (repeated) and {@link io.raet.route.Sequencer} /
 * {@link io.raet.route.Resequencer} (sequential).
 *
 * <p>Nothing in this package opens a socket, starts a thread or reads a clock: time is passed in as nanoseconds
 * and the results are lists of messages or actions for the caller to carry out.
 *
 * <h2>Driving a router</h2>
 *
 * <pre>{@code
 * FlowRouter router = new FlowRouter(topology, Policy.parseJson(tableJson));   // shares at [estate, "router"]
 * // a road message from an authenticated remote:
 * List<RouteAction> a = router.fromRoad(msg.from(), engine.remote(msg.from()).role(), msg.body());
 * // a lane message from a yard:
 * List<RouteAction> b = router.fromLane(yardName, body);
 * for (RouteAction x : router.settle(a)) {        // settle delivers ToShare and routes what shares send back
 *     switch (x) {
 *         case RouteAction.ToRoad r -> roadStack.send(r.estate(), r.body());
 *         case RouteAction.ToLane l -> laneStack.send(l.yard(), l.body());
 *         case RouteAction.Drop d -> log.debug("dropped: {}", d.reason());
 *         case RouteAction.ToShare s -> throw new AssertionError(); // settle leaves none
 *     }
 * }
 * }</pre>
 *
 * <p>Applications inside the router process send with {@link io.raet.route.FlowRouter#fromShares}. A yard delivers
 * what it receives on the lane with {@link io.raet.route.Shares#deliver}, after offering answers ({@code rsp},
 * {@code ack}, {@code err}) to its {@link io.raet.route.Requester} and {@link io.raet.route.AckedSender}, and sends
 * whatever {@code deliver} returns to its router.
 */
package io.raet.route;
