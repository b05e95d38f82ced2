#!/usr/bin/env python3
"""Memory per idle remote in the reference: one RoadStack with N RemoteEstates (tracemalloc)."""
import os
import sys
import tempfile
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "interop", "python"))
import raetshim  # noqa: E402,F401  (must precede raet)
from raet import raeting  # noqa: E402
from raet.road import estating, stacking  # noqa: E402
import libnacl  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    keep = tempfile.mkdtemp(prefix="raet-idle-")
    stack = stacking.RoadStack(name="main", ha=("127.0.0.1", 0), main=True, auto=raeting.AutoMode.always.value,
                               dirpath=keep)
    keys = [(libnacl.crypto_sign_keypair()[0], libnacl.crypto_box_keypair()[0]) for _ in range(n)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        r = estating.RemoteEstate(stack=stack, name="estate%d" % i, fuid=2, sid=1, ha=("127.0.0.1", 10000 + i % 50000),
                                  verkey=keys[i][0], pubkey=keys[i][1], role="role%d" % i)
        stack.addRemote(r)
    after = tracemalloc.get_traced_memory()[0]
    print('{"remotes": %d, "bytes_per_remote": %d}' % (n, (after - before) // n))
    stack.server.close()


if __name__ == "__main__":
    main()
