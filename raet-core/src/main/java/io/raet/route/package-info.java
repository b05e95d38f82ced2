/**
 * Routed data flows over the road and the lane (docs/routing.md): four-level {@link io.raet.route.Address}es,
 * {@link io.raet.route.FlowMessage} bodies, the authorization {@link io.raet.route.Policy}, the sans-IO
 * {@link io.raet.route.FlowRouter} of one host, the {@link io.raet.route.Shares} of a yard, and sans-IO helpers for
 * the service types (request/response, acknowledged, repeated, sequential delivery).
 *
 * <p>Nothing in this package opens a socket, starts a thread or reads a clock: time is passed in as nanoseconds
 * and the results are lists of messages or actions for the caller to carry out.
 */
package io.raet.route;
