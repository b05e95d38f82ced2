// Package raetsdk makes a Go program a RAET lane yard: it binds a Unix-domain datagram socket
// <dir>/<lane>.<yard>.uxd, speaks the reference's lane page format (byte-identical pages, paging of bodies over
// 65535 bytes) and sends and receives routed messages through the router yard of its host (docs/routing.md).
// Standard library only.
//
//	y, err := raetsdk.Open("worker1", &raetsdk.Options{Dir: "/var/cache/raet"})
//	if err != nil { … }
//	defer y.Close()
//	data, err := y.Request(raetsdk.Address{Estate: "beta", Yard: "svc", Share: "jobs"}, []int{1, 2}, 5*time.Second)
//
// Addresses have named parts (Address{Estate, Yard, Share, Channel}); on the wire they are the reference's
// array [estate, yard, share, channel]. Bodies and the mappings in them are *lane.Map values, which keep the
// order of their keys as the reference's Python dicts do; data may be any value the JSON or msgpack writer takes
// (see lane.MarshalJSON), and Message.Decode reads data into a Go value.
//
// The lane level (pages, paging, reassembly, sockets, the JSON and msgpack codecs) is package
// raet.io/raetsdk/lane.
package raetsdk
