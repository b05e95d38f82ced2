package io.raet.road.core;

import java.net.InetSocketAddress;

/** A datagram the engine wants sent. */
public record Outgoing(byte[] data, InetSocketAddress to) {}
