package io.raet.road;

import java.net.InetSocketAddress;

/** A datagram the engine wants sent. */
public record Outgoing(byte[] data, InetSocketAddress to) {}
