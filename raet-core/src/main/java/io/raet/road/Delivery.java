package io.raet.road;

/**
 * A message the remote acknowledged as wholly received (it answered done).
 *
 * @param messageId the message's id
 * @param remote the remote's name
 */
public record Delivery(long messageId, String remote) {}
