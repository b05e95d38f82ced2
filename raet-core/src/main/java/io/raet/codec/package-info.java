/**
 * The wire format (docs/wire.md), byte for byte as the reference writes it: road packets
 * ({@link io.raet.codec.RoadCodec}: a {@link io.raet.codec.RoadHead}, a coat that boxes the body
 * ({@link io.raet.codec.Coat}), an Ed25519 foot; segmented when larger than a packet, {@link io.raet.codec.Reassembly})
 * and lane pages ({@link io.raet.codec.LaneCodec}, {@link io.raet.codec.LaneHead}, {@link io.raet.codec.LaneBook}),
 * with the bodies they carry ({@link io.raet.codec.Body}: JSON as Python writes it, msgpack, raw). Parsing is strict:
 * what does not parse is a {@link io.raet.codec.PacketException} with its {@link io.raet.codec.Reason}.
 */
package io.raet.codec;
