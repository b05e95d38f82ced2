#!/usr/bin/env python3
"""Reference road estate (raet 0.6.8 RoadStack) driven by JSON lines on stdin/stdout.

See README.md in this directory for the protocol.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import raetshim  # noqa: E402  (must precede raet imports)
import peerio  # noqa: E402

EVENTS = peerio.EventOut()  # redirect stdout before raet's console binds to it


from ioflo.aid.odicting import odict  # noqa: E402
from ioflo.base.consoling import getConsole  # noqa: E402
from ioflo.base.storing import Store  # noqa: E402
from raet import raeting  # noqa: E402
from raet.road import estating, stacking, transacting  # noqa: E402

console = getConsole()

BODY_KINDS = {"json": raeting.BodyKind.json.value, "msgpack": raeting.BodyKind.msgpack.value}
HEAD_KINDS = {"raet": raeting.HeadKind.raet.value, "json": raeting.HeadKind.json.value}
AUTO_MODES = {"never": raeting.AutoMode.never.value, "once": raeting.AutoMode.once.value,
              "always": raeting.AutoMode.always.value}


def _hex(v):
    if isinstance(v, bytes):
        return v.decode("ascii")
    return v or ""


class TrackedMessenger(transacting.Messenger):
    """A Messenger that tells its windowed send when it ends: delivered when it ends on the receiver's done,
    failed on a nack, a timeout or a failure to send. raet ends every message transaction through remove()."""

    def __init__(self, run, **kwa):
        self.run = run
        self.completing = False
        self.ended = False
        self.started = time.perf_counter()
        super(TrackedMessenger, self).__init__(**kwa)

    def complete(self):
        self.completing = True
        try:
            super(TrackedMessenger, self).complete()
        finally:
            self.completing = False

    def remove(self, remote=None, index=None):
        super(TrackedMessenger, self).remove(remote=remote, index=index)
        if not self.ended:
            self.ended = True
            self.run.ended(self, self.completing)


class Measured:
    """A measurement over a stretch of the peer's life: the datagrams its socket sent and received meanwhile, and
    the id of the command that started it."""

    def __init__(self, peer, ident):
        self.peer = peer
        self.ident = ident
        self.datagrams0 = (peer.datagrams_sent, peer.datagrams_received)

    def report(self, ev):
        ev["datagrams_sent"] = self.peer.datagrams_sent - self.datagrams0[0]
        ev["datagrams_received"] = self.peer.datagrams_received - self.datagrams0[1]
        if self.ident is not None:
            ev["id"] = self.ident
        return ev


class WindowedSend(Measured):
    """``count`` messages to one remote with at most ``window`` in flight: a new one starts as each ends, the way
    the Java sender keeps its window. Reports delivered/failed, the time from the first start to the last end,
    per-message latencies, the segments the messages needed and the datagrams the stack sent and received."""

    ORPHAN_CHECK_S = 0.5

    def __init__(self, peer, remote, body, count, window, timeout, ident):
        super(WindowedSend, self).__init__(peer, ident)
        self.uid = remote.uid
        self.name = remote.name
        self.body = body
        self.left = count
        self.count = count
        self.window = max(1, window)
        self.timeout = timeout
        self.inflight = set()
        self.delivered = 0
        self.failed = 0
        self.latencies = []
        self.segments = 0
        self.t0 = time.perf_counter()
        self.t_end = self.t0
        self.last_check = self.t0

    def ended(self, messenger, delivered):
        self.inflight.discard(messenger)
        self.t_end = time.perf_counter()
        if delivered:
            self.delivered += 1
            self.latencies.append(self.t_end - messenger.started)
        else:
            self.failed += 1

    def start_one(self, stack):
        """Starts one message as ``stack.message`` does, with a messenger that reports its end."""
        remote = stack.remotes.get(self.uid)
        self.left -= 1
        if remote is None:
            self.failed += 1
            return
        data = odict(hk=stack.Hk, bk=stack.Bk, fk=stack.Fk, ck=stack.Ck)
        m = TrackedMessenger(self, stack=stack, remote=remote, timeout=self.timeout, txData=data,
                             bcst=stack.Bf, burst=stack.BurstSize)
        self.inflight.add(m)
        m.message(self.body)
        self.segments += len(m.tray.packets)

    def drop_orphans(self, stack):
        """Counts as failed a message whose transaction raet dropped without ending it (a removed remote)."""
        now = time.perf_counter()
        if now - self.last_check < self.ORPHAN_CHECK_S:
            return
        self.last_check = now
        remote = stack.remotes.get(self.uid)
        for m in list(self.inflight):
            if remote is None or remote.transactions.get(m.index) is not m:
                m.ended = True
                self.ended(m, False)

    def done(self):
        return self.left <= 0 and not self.inflight

    def result(self):
        lat = sorted(self.latencies)

        def pct(p):
            return int(lat[min(len(lat) - 1, int(len(lat) * p))] * 1e6) if lat else None
        return self.report({"event": "send_done", "name": self.name, "uid": self.uid, "count": self.count,
                            "window": self.window, "delivered": self.delivered, "failed": self.failed,
                            "seconds": round(self.t_end - self.t0, 6), "p50_us": pct(0.5), "p99_us": pct(0.99),
                            "segments": self.segments})


class Expectation(Measured):
    """Counts the next ``count`` messages without printing them and reports the time from the first to the last."""

    def __init__(self, peer, count, ident):
        super(Expectation, self).__init__(peer, ident)
        self.count = count
        self.got = 0
        self.first = None
        self.last = None

    def take(self):
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        self.last = now
        self.got += 1
        return self.got >= self.count

    def result(self):
        return self.report({"event": "received", "count": self.got,
                            "seconds": round((self.last - self.first) if self.first is not None else 0.0, 6)})


class RefPeer:
    def __init__(self, args):
        self.args = args
        self.t0 = time.monotonic()
        self.store = Store(stamp=0.0)
        self.tmpkeep = None
        keep = args.keep
        if not keep:
            keep = self.tmpkeep = tempfile.mkdtemp(prefix="refpeer-keep-")
        elif args.clean and os.path.exists(keep):
            shutil.rmtree(keep)
        self.keepdir = keep
        self.digest_over = args.digest_over
        self.digest_only = args.digest_only
        self.manage_period = args.manage_period
        self.last_manage = 0.0
        kwargs = dict(store=self.store, name=args.name, ha=(args.host, args.port),
                      main=args.main, auto=AUTO_MODES[args.auto], dirpath=keep,
                      period=args.period, offset=args.offset)
        if args.role:
            kwargs["role"] = args.role
        if args.sighex:
            kwargs["sigkey"] = args.sighex
        if args.prihex:
            kwargs["prikey"] = args.prihex
        self.stack = stacking.RoadStack(**kwargs)
        if not self.stack.server.opened:
            raise OSError("cannot bind UDP {0}:{1}".format(args.host, args.port))
        self.stack.Bk = BODY_KINDS[args.bk]
        self.stack.Hk = HEAD_KINDS[args.hk]
        if args.burst is not None:
            self.stack.BurstSize = args.burst
        self.prev = {}  # uid -> dict(name, joined, allowed, alived)
        self.rx_count = 0
        self.runs = []  # WindowedSend in progress
        self.expectation = None
        self.datagrams_sent = 0
        self.datagrams_received = 0
        self.count_datagrams()

    def count_datagrams(self):
        """Counts the datagrams the stack's socket sends and receives (for the benchmarks)."""
        server = self.stack.server
        send, receive = server.send, server.receive

        def counted_send(data, da):
            result = send(data, da)
            self.datagrams_sent += 1
            return result

        def counted_receive():
            data, sa = receive()
            if data:
                self.datagrams_received += 1
            return data, sa
        server.send = counted_send
        server.receive = counted_receive

    # ---- helpers -------------------------------------------------------------------------
    def now(self):
        return time.monotonic() - self.t0

    def emit(self, obj):
        EVENTS.emit(obj)

    def remote_info(self, r):
        return {"name": r.name, "uid": r.uid, "fuid": r.fuid,
                "ha": list(r.ha) if r.ha else None, "fqdn": r.fqdn,
                "main": r.main, "role": r.role, "sid": r.sid, "rsid": r.rsid,
                "joined": r.joined, "allowed": r.allowed, "alived": r.alived,
                "reaped": r.reaped, "acceptance": r.acceptance,
                "verhex": _hex(r.verfer.keyhex), "pubhex": _hex(r.pubber.keyhex),
                "transactions": len(r.transactions)}

    def find_remote(self, cmd):
        """Remote named by cmd["name"], cmd["uid"] or cmd["host"]/cmd["port"]; else the only
        (first) remote."""
        st = self.stack
        if cmd.get("uid") is not None:
            r = st.remotes.get(int(cmd["uid"]))
            if r is None:
                raise KeyError("no remote with uid {0}".format(cmd["uid"]))
            return r
        if cmd.get("name") is not None:
            r = st.nameRemotes.get(cmd["name"])
            if r is None:
                raise KeyError("no remote named {0!r}".format(cmd["name"]))
            return r
        if cmd.get("port") is not None:
            ha = (cmd.get("host", "127.0.0.1"), int(cmd["port"]))
            for r in st.remotes.values():
                if tuple(r.ha) == ha:
                    return r
            raise KeyError("no remote at {0}".format(ha))
        for r in st.remotes.values():
            return r
        raise KeyError("no remotes")

    # ---- commands ------------------------------------------------------------------------
    def cmd_join(self, cmd):
        st = self.stack
        remote = None
        if cmd.get("name") is not None or cmd.get("uid") is not None:
            remote = self.find_remote(cmd)
        else:
            ha = (cmd.get("host", "127.0.0.1"), int(cmd["port"]))
            for r in st.remotes.values():
                if tuple(r.ha) == ha:
                    remote = r
                    break
            if remote is None:
                kw = dict(stack=st, fuid=0, sid=0, ha=ha)
                if cmd.get("fqdn"):
                    kw["fqdn"] = cmd["fqdn"]
                remote = estating.RemoteEstate(**kw)
                st.addRemote(remote)
                self.emit({"event": "remote_added", **self.remote_info(remote)})
                self.prev[remote.uid] = {"name": remote.name, "joined": None,
                                         "allowed": None, "alived": None}
        st.join(uid=remote.uid, timeout=cmd.get("timeout"), cascade=bool(cmd.get("cascade")),
                renewal=bool(cmd.get("renewal")))
        self.emit({"event": "joining", "uid": remote.uid, "name": remote.name,
                   "ha": list(remote.ha)})

    def cmd_allow(self, cmd):
        r = self.find_remote(cmd)
        self.stack.allow(uid=r.uid, timeout=cmd.get("timeout"), cascade=bool(cmd.get("cascade")))
        self.emit({"event": "allowing", "uid": r.uid, "name": r.name})

    def cmd_alive(self, cmd):
        r = self.find_remote(cmd)
        self.stack.alive(uid=r.uid, timeout=cmd.get("timeout"), cascade=bool(cmd.get("cascade")))
        self.emit({"event": "aliving", "uid": r.uid, "name": r.name})

    def cmd_send(self, cmd):
        r = self.find_remote(cmd)
        body = peerio.build_body(cmd)
        count = int(cmd.get("count", 1))
        window = int(cmd.get("window") or 0)
        if window and cmd.get("bk") is not None:
            raise ValueError("a windowed send uses the stack's body kind (see config bk)")
        dropped = 0
        if not window:
            dropped = self.message_now(r, body, count, cmd)
        sha, length = peerio.digest(peerio.to_plain(body))
        ev = {"event": "sent", "name": r.name, "uid": r.uid, "count": count,
              "sha256": sha, "len": length, "dropped": dropped}
        if cmd.get("id") is not None:
            ev["id"] = cmd["id"]
        self.emit(ev)
        if window:
            self.runs.append(WindowedSend(self, r, body, count, window, cmd.get("timeout"), cmd.get("id")))
            self.pump()

    def message_now(self, r, body, count, cmd):
        """Queues ``count`` messages at once (with ``bk`` for these only). Returns how many of them the reference
        dropped at once: its Messenger drops, unreported, a message to a remote that is not allowed at that moment,
        as while the remote's allow runs (``Must be allowed``, stat ``unallowed_remote``)."""
        st = self.stack
        before = st.stats.get("unallowed_remote", 0)
        bk = cmd.get("bk")
        saved = st.__dict__.get("Bk")
        if bk is not None:
            st.Bk = BODY_KINDS[bk]
        try:
            for _ in range(count):
                # message() builds the Messenger now, with this stack's current Bk.
                st.message(body, uid=r.uid, timeout=cmd.get("timeout"))
        finally:
            if bk is not None:
                st.Bk = saved
        return st.stats.get("unallowed_remote", 0) - before

    def cmd_expect(self, cmd):
        self.expectation = Expectation(self, int(cmd["count"]), cmd.get("id"))
        ev = {"event": "expecting", "count": self.expectation.count}
        if cmd.get("id") is not None:
            ev["id"] = cmd["id"]
        self.emit(ev)

    def _acceptance(self, cmd, how):
        try:
            r = self.find_remote(cmd)
        except KeyError:
            r = None
            for j in self.stack.joinees.values():
                if j.name == cmd.get("name") or j.uid == cmd.get("uid"):
                    r = j
            if r is None:
                raise
        getattr(self.stack.keep, how + "Remote")(r)
        self.emit({"event": how + "ed" if how != "pend" else "pended", "uid": r.uid,
                   "name": r.name, "acceptance": r.acceptance})

    def cmd_accept(self, cmd):
        self._acceptance(cmd, "accept")

    def cmd_reject(self, cmd):
        self._acceptance(cmd, "reject")

    def cmd_pend(self, cmd):
        self._acceptance(cmd, "pend")

    def cmd_manage(self, cmd):
        self.do_manage(cascade=bool(cmd.get("cascade")), immediate=bool(cmd.get("immediate")))

    def cmd_status(self, cmd):
        st = self.stack
        self.emit({"event": "status", "name": st.local.name, "uid": st.local.uid,
                   "ha": list(st.local.ha), "main": st.main, "time": round(self.now(), 3),
                   "rx_count": self.rx_count, "transactions": len(st.transactions),
                   "datagrams_sent": self.datagrams_sent, "datagrams_received": self.datagrams_received,
                   "remotes": [self.remote_info(r) for r in st.remotes.values()],
                   "availables": sorted(st.availables),
                   "stats": dict(st.stats)})

    def cmd_config(self, cmd):
        if "digest_over" in cmd:
            self.digest_over = int(cmd["digest_over"])
        if "digest_only" in cmd:
            self.digest_only = bool(cmd["digest_only"])
        if "manage_period" in cmd:
            self.manage_period = float(cmd["manage_period"])
        if "burst" in cmd:
            self.stack.BurstSize = int(cmd["burst"])
        if "bk" in cmd:
            self.stack.Bk = BODY_KINDS[cmd["bk"]]
        self.emit({"event": "config", "digest_over": self.digest_over,
                   "digest_only": self.digest_only, "manage_period": self.manage_period,
                   "burst": self.stack.BurstSize, "bk": self.stack.Bk})

    def cmd_ping(self, cmd):
        self.emit({"event": "pong", "id": cmd.get("id"), "time": round(self.now(), 3)})

    # ---- loop ----------------------------------------------------------------------------
    def pump(self):
        """Tops up every windowed send, sends what that queued and reports the sends that are over."""
        if not self.runs:
            return
        st = self.stack
        started = False
        for run in list(self.runs):
            while run.left > 0 and len(run.inflight) < run.window:
                run.start_one(st)
                started = True
            run.drop_orphans(st)
            if run.done():
                self.runs.remove(run)
                self.emit(run.result())
        if started:
            st.serviceAllTx()

    def drain(self):
        """Received messages: counted silently while an ``expect`` lasts, else one ``message`` event each."""
        st = self.stack
        exp = self.expectation
        while exp is not None and st.rxMsgs:
            st.rxMsgs.popleft()
            self.rx_count += 1
            if exp.take():
                self.emit(exp.result())
                self.expectation = exp = None
        peerio.drain_messages(self)

    def do_manage(self, cascade=False, immediate=False):
        st = self.stack
        st.manage(cascade=cascade, immediate=immediate)
        ch = getattr(st, "changeds", None) or {}
        plus, minus = sorted(ch.get("plus", ())), sorted(ch.get("minus", ()))
        if plus or minus:
            self.emit({"event": "presence", "plus": plus, "minus": minus,
                       "availables": sorted(st.availables)})

    def check_changes(self):
        for uid, r in list(self.stack.remotes.items()):
            cur = {"name": r.name, "joined": r.joined, "allowed": r.allowed, "alived": r.alived}
            old = self.prev.get(uid)
            if old is None:  # e.g. created by an incoming (vacuous) join
                old = {"name": r.name, "joined": None, "allowed": None, "alived": None}
                self.emit({"event": "remote_added", **self.remote_info(r)})
            base = {"name": r.name, "uid": uid, "ha": list(r.ha) if r.ha else None}
            if old["name"] != cur["name"]:
                self.emit({"event": "renamed", "old": old["name"], **base})
            for attr, yes, no in (("joined", "joined", "unjoined"),
                                  ("allowed", "allowed", "unallowed"),
                                  ("alived", "alive", "dead")):
                if bool(cur[attr]) != bool(old[attr]):
                    ev = {"event": yes if cur[attr] else no, **base}
                    if attr == "joined" and cur[attr]:
                        ev.update(verhex=_hex(r.verfer.keyhex), pubhex=_hex(r.pubber.keyhex),
                                  fuid=r.fuid, role=r.role, main=r.main)
                    self.emit(ev)
            self.prev[uid] = cur
        for uid in list(self.prev):
            if uid not in self.stack.remotes:
                self.emit({"event": "remote_removed", "uid": uid, "name": self.prev[uid]["name"]})
                del self.prev[uid]

    def run(self):
        st = self.stack
        local = st.local
        self.emit({"event": "ready", "name": local.name, "uid": local.uid,
                   "host": local.ha[0], "port": local.ha[1], "main": bool(st.main),
                   "role": local.role, "fqdn": local.fqdn,
                   "verhex": _hex(local.signer.verhex), "pubhex": _hex(local.priver.pubhex),
                   "keep": self.keepdir, "pid": os.getpid(), "shim": raetshim.shim_info()})
        reader = peerio.LineReader(0)
        sock = st.server.ss
        running = True
        while running:  # one more service round after quit, so that commands before it take effect
            running = peerio.wait_and_dispatch(self, reader, sock, self.args.interval,
                                               self.args.exit_on_eof)
            self.store.changeStamp(self.now())
            peerio.service(self)
            self.pump()
            if self.manage_period > 0 and self.now() - self.last_manage >= self.manage_period:
                self.last_manage = self.now()
                self.do_manage()
            self.drain()
            self.check_changes()
        self.shutdown()

    def shutdown(self):
        try:
            self.stack.server.close()
        except Exception:
            pass
        self.emit({"event": "bye", "name": self.stack.local.name, "rx_count": self.rx_count})
        if self.tmpkeep:
            shutil.rmtree(self.tmpkeep, ignore_errors=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="raet 0.6.8 reference road estate over JSON lines")
    p.add_argument("--name", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--main", action="store_true")
    p.add_argument("--auto", choices=sorted(AUTO_MODES), default="always")
    p.add_argument("--keep", default="", help="keep dir (default: fresh temp dir, removed at exit)")
    p.add_argument("--clean", action="store_true", help="delete --keep dir before start")
    p.add_argument("--role", default="")
    p.add_argument("--sighex", default="")
    p.add_argument("--prihex", default="")
    p.add_argument("--bk", choices=sorted(BODY_KINDS), default="json")
    p.add_argument("--hk", choices=sorted(HEAD_KINDS), default="raet")
    p.add_argument("--burst", type=int, default=None)
    p.add_argument("--period", type=float, default=None, help="heartbeat period (1.0)")
    p.add_argument("--offset", type=float, default=None, help="first-heartbeat offset (0.5)")
    p.add_argument("--interval", type=float, default=0.01, help="service loop select timeout")
    p.add_argument("--manage-period", type=float, default=0.1,
                   help="seconds between manage() calls; 0 disables presence")
    p.add_argument("--digest-over", type=int, default=4096,
                   help="message events omit 'msg' when canonical JSON is longer")
    p.add_argument("--digest-only", action="store_true")
    p.add_argument("--no-exit-on-eof", dest="exit_on_eof", action="store_false")
    p.add_argument("--verbosity", type=int, default=1, help="raet console level to stderr 0..4")
    return p.parse_args(argv)


def main(argv=None):
    return peerio.main(RefPeer, parse_args(argv), EVENTS)


if __name__ == "__main__":
    sys.exit(main())
