/**
 * The road's API: a RAET estate on one UDP socket ({@link io.raet.road.RoadStack} and its builder), what it tells
 * the application ({@link io.raet.road.RoadEvent}, {@link io.raet.road.Delivery},
 * {@link io.raet.road.DeliveryException} with its {@link io.raet.road.DeliveryFailure},
 * {@link io.raet.road.JoinException}, {@link io.raet.road.RemoteInfo}) and how it is set up ({@link io.raet.road.RoadConfig},
 * {@link io.raet.road.RoadLimits}, {@link io.raet.road.HandshakeLimits}, {@link io.raet.road.MessageOptions}). The
 * protocol itself is the sans-IO core in {@code io.raet.road.core}.
 */
package io.raet.road;
