package io.raet.lane;

import java.util.Map;

/**
 * A message delivered by a lane: the body mapping and the name of the yard that sent it (the yard is identified by
 * its socket path, so the name is as trustworthy as the file permissions of the socket directory).
 *
 * @param body the message's body
 * @param from the name of the yard that sent it
 */
public record LaneMessage(Map<String, Object> body, String from) {}
