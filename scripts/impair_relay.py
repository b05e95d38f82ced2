#!/usr/bin/env python3
"""A UDP relay that impairs traffic like netem: loss, reordering, duplication and delay.

Estate A talks to the relay's A-side socket as if it were estate B; the relay forwards to B from its B-side
socket, so B answers the relay, which forwards back to A from the A-side socket. Every forwarded datagram may
be lost, duplicated, delayed and reordered. Standard library only.
"""
import argparse
import heapq
import random
import selectors
import socket
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a-side", required=True, help="host:port A sends to")
    p.add_argument("--b-side", required=True, help="host:port the relay sends to B from")
    p.add_argument("--b", required=True, help="host:port of estate B")
    p.add_argument("--loss", type=float, default=0.10)
    p.add_argument("--reorder", type=float, default=0.05)
    p.add_argument("--duplicate", type=float, default=0.01)
    p.add_argument("--delay", type=float, default=0.020, help="seconds")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rnd = random.Random(args.seed)

    def addr(s):
        h, port = s.rsplit(":", 1)
        return h, int(port)

    sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sa.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sa.bind(addr(args.a_side))
    sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sb.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sb.bind(addr(args.b_side))
    for s in (sa, sb):
        s.setblocking(False)
    b_addr = addr(args.b)
    a_addr = None
    queue = []
    seq = 0
    counts = {"in": 0, "lost": 0, "dup": 0, "reordered": 0}
    sel = selectors.DefaultSelector()
    sel.register(sa, selectors.EVENT_READ, "a")
    sel.register(sb, selectors.EVENT_READ, "b")
    print("relay ready", flush=True)

    def schedule(data, out, dst):
        nonlocal seq
        counts["in"] += 1
        if rnd.random() < args.loss:
            counts["lost"] += 1
            return
        copies = 2 if rnd.random() < args.duplicate else 1
        counts["dup"] += copies - 1
        for _ in range(copies):
            # netem's reorder: that share goes out at once, the rest waits the delay
            if rnd.random() < args.reorder:
                counts["reordered"] += 1
                at = time.monotonic()
            else:
                at = time.monotonic() + args.delay
            heapq.heappush(queue, (at, seq, data, out, dst))
            seq += 1

    last_report = time.monotonic()
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 0.5
        for key, _ in sel.select(timeout):
            sock = key.fileobj
            while True:
                try:
                    data, src = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                if key.data == "a":
                    a_addr = src
                    schedule(data, sb, b_addr)
                elif a_addr is not None:
                    schedule(data, sa, a_addr)
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, data, out, dst = heapq.heappop(queue)
            try:
                out.sendto(data, dst)
            except OSError:
                pass
        if now - last_report > 10:
            print("relay", counts, flush=True)
            last_report = now


if __name__ == "__main__":
    main()
