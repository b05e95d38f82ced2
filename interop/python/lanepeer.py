#!/usr/bin/env python3
"""Reference lane yard (raet 0.6.8 LaneStack) driven by JSON lines on stdin/stdout.

See README.md in this directory for the protocol.
"""

import argparse
import os
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import raetshim  # noqa: E402  (must precede raet imports)
import peerio  # noqa: E402

EVENTS = peerio.EventOut()

from ioflo.base.consoling import getConsole  # noqa: E402
from ioflo.base.storing import Store  # noqa: E402
from raet import raeting  # noqa: E402
from raet.lane import stacking, yarding  # noqa: E402

console = getConsole()

PACK_KINDS = {"json": raeting.PackKind.json.value, "msgpack": raeting.PackKind.pack.value}


class LanePeer:
    def __init__(self, args):
        self.args = args
        self.t0 = time.monotonic()
        self.store = Store(stamp=0.0)
        os.makedirs(args.dir, exist_ok=True)
        path = os.path.join(args.dir, "{0}.{1}.uxd".format(args.lane, args.yard))
        if os.path.exists(path) and stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)  # left by a killed peer; raet would fail to bind (EADDRINUSE)
        self.digest_over = args.digest_over
        self.digest_only = args.digest_only
        self.stack = stacking.LaneStack(store=self.store, name=args.yard, lanename=args.lane,
                                        sockdirpath=args.dir)
        if not self.stack.server.opened:
            raise OSError("cannot bind lane socket {0}".format(self.stack.local.ha))
        self.stack.Pk = PACK_KINDS[args.pk]
        self.rx_count = 0
        self.known = set()

    def emit(self, obj):
        EVENTS.emit(obj)

    def yard_info(self, y):
        return {"name": y.name, "uid": y.uid, "ha": y.ha, "sid": y.sid, "rsid": y.rsid}

    def remote_for(self, cmd):
        st = self.stack
        name = cmd.get("yard")
        if name is None:
            raise KeyError("send needs 'yard'")
        r = st.nameRemotes.get(name)
        if r is None:
            lane = cmd.get("lane", self.args.lane)
            r = yarding.RemoteYard(stack=st, name=name, lanename=lane,
                                   dirpath=cmd.get("dir", self.args.dir))
            st.addRemote(r)
            self.known.add(r.uid)
            self.emit({"event": "yard_added", **self.yard_info(r)})
        return r

    def cmd_send(self, cmd):
        r = self.remote_for(cmd)
        body = peerio.build_body(cmd)
        count = int(cmd.get("count", 1))
        st = self.stack
        pk = cmd.get("pk")
        saved = st.__dict__.get("Pk")
        if pk is not None:
            st.Pk = PACK_KINDS[pk]
        try:
            for _ in range(count):
                st.message(body, uid=r.uid)  # pages are built now with the current Pk
        finally:
            if pk is not None:
                st.Pk = saved
        sha, length = peerio.digest(peerio.to_plain(body))
        ev = {"event": "sent", "yard": r.name, "count": count, "sha256": sha, "len": length}
        if cmd.get("id") is not None:
            ev["id"] = cmd["id"]
        self.emit(ev)

    def cmd_status(self, cmd):
        st = self.stack
        self.emit({"event": "status", "yard": st.local.name, "lane": st.local.lanename,
                   "ha": st.local.ha, "rx_count": self.rx_count,
                   "yards": [self.yard_info(y) for y in st.remotes.values()],
                   "stats": dict(st.stats)})

    def cmd_config(self, cmd):
        if "digest_over" in cmd:
            self.digest_over = int(cmd["digest_over"])
        if "digest_only" in cmd:
            self.digest_only = bool(cmd["digest_only"])
        if "pk" in cmd:
            self.stack.Pk = PACK_KINDS[cmd["pk"]]
        self.emit({"event": "config", "digest_over": self.digest_over,
                   "digest_only": self.digest_only, "pk": self.stack.Pk})

    def cmd_ping(self, cmd):
        self.emit({"event": "pong", "id": cmd.get("id")})

    def run(self):
        st = self.stack
        self.emit({"event": "ready", "yard": st.local.name, "lane": st.local.lanename,
                   "ha": st.local.ha, "dir": self.args.dir, "pid": os.getpid(),
                   "shim": raetshim.shim_info()})
        reader = peerio.LineReader(0)
        sock = st.server.ss
        running = True
        while running:  # one more service round after quit, so that commands before it take effect
            running = peerio.wait_and_dispatch(self, reader, sock, self.args.interval,
                                               self.args.exit_on_eof)
            self.store.changeStamp(time.monotonic() - self.t0)
            peerio.service(self)
            peerio.drain_messages(self)
            for uid, y in list(st.remotes.items()):
                if uid not in self.known:
                    self.known.add(uid)
                    self.emit({"event": "yard_added", **self.yard_info(y)})
            for uid in list(self.known):
                if uid not in st.remotes:
                    self.known.discard(uid)
                    self.emit({"event": "yard_removed", "uid": uid})
        try:
            st.server.close()
        except Exception:
            pass
        self.emit({"event": "bye", "yard": st.local.name, "rx_count": self.rx_count})


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="raet 0.6.8 reference lane yard over JSON lines")
    p.add_argument("--lane", default="lane")
    p.add_argument("--yard", required=True)
    p.add_argument("--dir", required=True, help="socket dir; socket is DIR/LANE.YARD.uxd")
    p.add_argument("--pk", choices=sorted(PACK_KINDS), default="json")
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("--digest-over", type=int, default=4096)
    p.add_argument("--digest-only", action="store_true")
    p.add_argument("--no-exit-on-eof", dest="exit_on_eof", action="store_false")
    p.add_argument("--verbosity", type=int, default=1)
    return p.parse_args(argv)


def main(argv=None):
    return peerio.main(LanePeer, parse_args(argv), EVENTS)


if __name__ == "__main__":
    sys.exit(main())
