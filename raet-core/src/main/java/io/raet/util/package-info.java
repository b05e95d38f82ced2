/**
 * Small data structures shared by the packages: {@link io.raet.util.FairQueue} (items queued per source, taken in
 * turns), {@link io.raet.util.TokenBucket} (a rate limit) and {@link io.raet.util.Counters} (typed counters over an
 * enum). Internal: not part of the API.
 */
package io.raet.util;
