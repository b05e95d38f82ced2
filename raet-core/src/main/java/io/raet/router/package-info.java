/**
 * The router of a host and its clients: a {@link io.raet.router.Router} is a road estate per channel, the main lane
 * yard and the flow router between them, set up by a {@link io.raet.router.RouterConfig} (in code, or from a JSON file)
 * and telling what happens through {@link io.raet.router.RouterEvent}s. A program is a {@link io.raet.router.Yard} of
 * its host's router: it sends, requests, serves, publishes and subscribes with routed messages (docs/routing.md).
 */
package io.raet.router;
