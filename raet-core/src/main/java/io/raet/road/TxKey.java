package io.raet.road;

/**
 * Identity of a transaction, as the reference's index {@code (rf, le, re, si, ti, bf)}: {@code remoteId} is the
 * far id as a {@link Long}, or the remote's address during a vacuous join.
 */
record TxKey(boolean correspondent, long localId, Object remoteId, long si, long ti) {}
