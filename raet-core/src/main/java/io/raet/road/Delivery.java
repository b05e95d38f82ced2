package io.raet.road;

/** A message the remote acknowledged as wholly received (it answered done). */
public record Delivery(long messageId, String remote) {}
