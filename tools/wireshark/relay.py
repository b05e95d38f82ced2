"""A UDP relay on loopback that records what passes through it as a pcap file, for machines where capturing on
an interface is not allowed.

Usage: relay.py TARGET_PORT PCAP
Prints the port it listens on; datagrams from a client there go to 127.0.0.1:TARGET_PORT from a second socket,
and answers from the target go back to the last client. Each datagram is recorded as the target sees it (an IPv4
and UDP header added, raw-IP link type), until SIGTERM or SIGINT.
"""
import select
import signal
import socket
import struct
import sys
import time


def ip_checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def record(out, src_port, dst_port, payload):
    udp = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(payload), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    packet = ip + udp + payload
    now = time.time()
    out.write(struct.pack("<IIII", int(now), int((now % 1) * 1e6), len(packet), len(packet)) + packet)
    out.flush()


def main(target_port, path):
    target = ("127.0.0.1", int(target_port))
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", 0))
    backs = {}  # client address -> its own socket toward the target, so that the target sees one address each
    clients = {}  # socket toward the target -> client address
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))  # LINKTYPE_RAW
        out.flush()
        print(front.getsockname()[1], flush=True)
        while not stop:
            try:
                ready, _, _ = select.select([front] + list(clients), [], [], 0.2)
            except InterruptedError:
                continue
            for s in ready:
                data, addr = s.recvfrom(65535)
                if s is front:
                    back = backs.get(addr)
                    if back is None:
                        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        back.bind(("127.0.0.1", 0))
                        backs[addr] = back
                        clients[back] = addr
                    record(out, back.getsockname()[1], target[1], data)
                    back.sendto(data, target)
                else:
                    record(out, target[1], s.getsockname()[1], data)
                    front.sendto(data, clients[s])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
