/**
 * The lane's API: the processes of one host talk over Unix-domain datagram sockets at
 * {@code <dir>/<lane>.<yard>.uxd}. A {@link io.raet.lane.LaneStack} is one yard
 * ({@link io.raet.lane.LaneStack#builder()}), sending bodies to other yards by name and receiving
 * {@link io.raet.lane.LaneMessage}s; a send that fails says why ({@link io.raet.lane.LaneException}).
 * {@link io.raet.lane.LaneNames} checks names and makes socket paths. The paging, queues and timers are the sans-IO
 * engine in {@code io.raet.lane.core} (internal).
 */
package io.raet.lane;
