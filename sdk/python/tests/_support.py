"""Test helpers: import path, vector and reference locations, a small in-test router yard."""

import os
import re
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_ROOT = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(os.path.dirname(SDK_ROOT))
if SDK_ROOT not in sys.path:
    sys.path.insert(0, SDK_ROOT)

from raetsdk import lane  # noqa: E402


def vectors_dir():
    """The reference wire vectors, kept in the repository as test data (testdata/raet-reference)."""
    return os.path.join(REPO_ROOT, "testdata", "raet-reference")


def reference_python():
    """The reference venv's python ($RAET_PYTHON, else $RAET_VENV or ~/.cache/raet/pyref-0.6.8).
    None when missing."""
    env = os.environ.get("RAET_PYTHON")
    if env:
        return env if os.access(env, os.X_OK) else None
    venv = os.environ.get("RAET_VENV") or os.path.expanduser("~/.cache/raet/pyref-0.6.8")
    py = os.path.join(venv, "bin", "python")
    return py if os.access(py, os.X_OK) else None


def short_tmpdir():
    """A fresh directory with a short path (socket paths are limited to 107 bytes)."""
    return tempfile.mkdtemp(prefix="rsdk", dir="/tmp")


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def wait_for(pred, timeout=5.0, step=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def _glob(pattern, text):
    return re.fullmatch(".*".join(re.escape(p) for p in pattern.split("*")), text, re.S) is not None


def pad4(a):
    a = ["" if x is None else x for x in (a or [])]
    return a + [""] * (4 - len(a))


class FakeRouter:
    """A router yard (``<dir>/<lane>.router.uxd``) following docs/routing.md, for tests.

    Estate name ``estate``; it fills empty ``src`` estate/yard levels; forwards to other yards of the
    lane; its own shares: ``echo`` (``req`` → ``rsp`` with the same data; ``ackd`` → ``ack``;
    others kept in ``echoed``), ``silent`` (never answers), topics ``topic.*`` and ``presence``
    (``sub``/``unsub`` answered with ``ack``, a ``sub`` may carry a tag pattern ``tags``; ``pub``
    copied to each matching subscriber; only ``announce`` publishes on ``presence``), pools
    ``pool.*`` (a ``sub`` registers a worker, other messages go to the workers in turn). A policy
    table (``policy``) of
    ``{"role", "dst", "action"}`` entries, role of local yards is ``local``. Errors go back as
    ``err`` messages with ``code``/``error``/``re``.
    """

    def __init__(self, dirpath, lane_name="lane", name="router", estate="here", policy=None):
        self.dir = dirpath
        self.lane = lane_name
        self.name = name
        self.estate = estate
        self.policy = policy if policy is not None else [
            {"role": "*", "dst": "*/*/admin.*", "action": "deny"}]
        self.sock = lane.LaneSocket(lane.yard_path(dirpath, lane_name, name))
        self.books = lane.Reassembler()
        self.remotes = {}  # yard -> [sid, bid]
        self.seen = []  # every body received, after src filling
        self.echoed = []
        self.topics = {}  # share -> list of [subscriber address, tag pattern or None]
        self.pools = {}  # share -> list of worker addresses
        self.turn = 0
        self.counter = 0
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # lane

    def _loop(self):
        import select
        while self.running:
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if not r:
                continue
            while True:
                got = self.sock.recv()
                if got is None:
                    break
                data, _addr = got
                page = lane.decode_page(data)
                done = self.books.add(page)
                if done is None:
                    continue
                head, raw = done
                body = lane.unpack_body(raw, head.pk)
                try:
                    self.handle(body, head.sn)
                except Exception as ex:  # keep the router running; tests see it in seen
                    self.seen.append({"router_exception": repr(ex)})

    def transmit(self, body, yard):
        with self.lock:
            r = self.remotes.setdefault(yard, [lane.new_sid(), 0])
            r[1] += 1
            head = lane.Head(sn=self.name, dn=yard, si=r[0], bi=r[1])
        path = lane.yard_path(self.dir, self.lane, yard)
        for page in lane.paginate(head, lane.pack_body(body)):
            self.sock.send(page, path)

    # routing

    def _role_allows(self, dst):
        target = "/".join([dst[0] or self.estate, dst[1] or self.name, dst[2]])
        for rule in self.policy:
            if _glob(rule["role"], "local") and _glob(rule["dst"], target):
                return rule["action"] == "allow"
        return True

    def _new_id(self):
        self.counter += 1
        return "r{0}".format(self.counter)

    def answer(self, body, kind, **fields):
        if body.get("kind") in ("err", "rsp", "ack"):
            return
        route = body.get("route") or {}
        src = pad4(route.get("src"))
        dst = pad4(route.get("dst"))
        out = {"route": {"src": [self.estate, self.name, dst[2], dst[3]], "dst": src},
               "kind": kind, "id": self._new_id(), "re": body.get("id")}
        out.update(fields)
        self.route(out)

    def publish(self, share, body):
        tag = body.get("tag") or ""
        for sub, tags in list(self.topics.get(share, [])):
            if tags is None or _glob(tags, tag):
                copy = dict(body)
                copy["route"] = {"src": body["route"]["src"], "dst": sub}
                self.route(copy)

    def announce(self, data, tag):
        """Publishes a presence event to the subscribers of ``presence``."""
        self.publish("presence", {"route": {"src": [self.estate, self.name, "presence", ""], "dst": []},
                                  "kind": "msg", "tag": tag, "data": data, "topic": "presence",
                                  "stamp": "2026-12-04T17:03:12.123456Z"})

    def handle(self, body, from_yard):
        route = body.get("route")
        if not isinstance(route, dict):
            self.seen.append(body)
            return
        src = pad4(route.get("src"))
        if not src[0]:
            src[0] = self.estate
        if not src[1]:
            src[1] = from_yard
        route["src"] = src
        self.seen.append(body)
        dst = pad4(route.get("dst"))
        if not self._role_allows(dst):
            self.answer(body, "err", code="denied", error="denied by policy")
            return
        self.route(body)

    def route(self, body):
        dst = pad4(body["route"]["dst"])
        if dst[0] and dst[0] != self.estate:
            self.answer(body, "err", code="unknown_destination", error="no estate " + dst[0])
            return
        if dst[1] and dst[1] != self.name:
            path = lane.yard_path(self.dir, self.lane, dst[1])
            try:
                self.transmit(body, dst[1])
            except lane.LaneError:
                self.answer(body, "err", code="unknown_destination", error="no yard " + path)
            return
        self.local(body, dst)

    def local(self, body, dst):
        kind = body.get("kind", "msg")
        share = dst[2]
        if share == "echo":
            if kind == "req":
                self.answer(body, "rsp", data=body.get("data"))
            elif kind == "ackd":
                self.answer(body, "ack")
            else:
                self.echoed.append(body)
        elif share == "silent":
            pass
        elif share.startswith("topic.") or share == "presence":
            subs = self.topics.setdefault(share, [])
            src = pad4(body["route"]["src"])
            if kind == "sub":
                subs[:] = [s for s in subs if s[0] != src] + [[src, body.get("tags")]]
                self.answer(body, "ack")
            elif kind == "unsub":
                subs[:] = [s for s in subs if s[0] != src]
                self.answer(body, "ack")
            elif kind == "pub" and share != "presence":
                self.publish(share, body)
            else:
                self.answer(body, "err", code="bad_route", error="topic share takes sub/unsub/pub")
        elif share.startswith("pool."):
            workers = self.pools.setdefault(share, [])
            src = pad4(body["route"]["src"])
            if kind == "sub":
                workers[:] = [w for w in workers if w[1] != src[1]] + [src]
                self.answer(body, "ack")
            elif kind == "unsub":
                workers[:] = [w for w in workers if w[1] != src[1]]
                self.answer(body, "ack")
            elif not workers:
                self.answer(body, "err", code="unknown_destination", error="no workers")
            else:
                self.turn += 1
                w = workers[self.turn % len(workers)]
                copy = dict(body)
                copy["route"] = {"src": body["route"]["src"], "dst": [w[0], w[1], w[2], dst[3]]}
                self.route(copy)
        else:
            self.answer(body, "err", code="unknown_share", error="router has no share " + share)
