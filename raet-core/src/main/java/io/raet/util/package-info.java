/** Small data structures shared by the packages: {@link io.raet.util.FairQueue}, {@link io.raet.util.TokenBucket}. */
package io.raet.util;
