/** Small data structures shared by the packages: {@link io.raet.util.FairQueue}. */
package io.raet.util;
