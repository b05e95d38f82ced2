package io.raet.lane;

import java.util.Map;

/** A message that arrived on the lane from the yard {@code from}. */
public record LaneMessage(String from, Map<String, Object> body) {}
