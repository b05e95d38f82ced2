"""Interop with the reference lane yard (raet 0.6.8 LaneStack, interop/python/lanepeer.py).

Skipped when the reference venv is missing; create it with
``. scripts/env.sh; raet_python_venv "$PWD"`` (or point RAET_PYTHON at its python).
"""

import hashlib
import json
import os
import queue
import subprocess
import threading
import time
import unittest

import _support
from raetsdk import RouteError, Yard, lane

LANEPEER = os.path.join(_support.REPO_ROOT, "interop", "python", "lanepeer.py")
PAD = "abcdefghijklmnopqrstuvwxyz"


def canonical_digest(body):
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest(), len(data)


def pad(n):
    return (PAD * (n // len(PAD) + 1))[:n]


class LanePeer:
    def __init__(self, python, yard, dirpath, pk="json"):
        self.proc = subprocess.Popen(
            [python, LANEPEER, "--yard", yard, "--dir", dirpath, "--pk", pk, "--digest-over", "1000000"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.events = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        self.ready = self.wait("ready", timeout=30)

    def _pump(self):
        for line in self.proc.stdout:
            try:
                self.events.put(json.loads(line))
            except ValueError:
                pass
        self.events.put({"event": "eof"})

    def cmd(self, **kw):
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()

    def wait(self, event, timeout=10, **match):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no {0} event {1}; stderr: {2}".format(event, match, "".join(self.stderr)[-2000:]))
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if ev.get("event") == "error":
                raise AssertionError("reference peer error: {0}".format(ev))
            if ev.get("event") == "eof":
                raise AssertionError("reference peer exited; stderr: {0}".format("".join(self.stderr)[-2000:]))
            if ev.get("event") == event and all(ev.get(k) == v for k, v in match.items()):
                return ev

    def close(self):
        if self.proc.poll() is None:
            try:
                self.cmd(cmd="quit")
                self.proc.wait(5)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)


@unittest.skipUnless(os.path.isfile(LANEPEER), "interop/python/lanepeer.py not found")
class ReferenceYardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.python = _support.reference_python()
        if cls.python is None:
            raise unittest.SkipTest("reference venv missing: run '. scripts/env.sh; raet_python_venv \"$PWD\"' "
                                    "or set RAET_PYTHON (interop with the reference yard skipped)")

    def setUp(self):
        self.dir = _support.short_tmpdir()
        self.peers = []
        self.yards = []

    def tearDown(self):
        for y in self.yards:
            y.close()
        for p in self.peers:
            p.close()
        _support.rmtree(self.dir)

    def peer(self, yard, **kw):
        p = LanePeer(self.python, yard, self.dir, **kw)
        self.peers.append(p)
        self.assertEqual(p.ready["ha"], os.path.join(self.dir, "lane.{0}.uxd".format(yard)))
        return p

    def yard(self, name, **kw):
        y = Yard(name, dir=self.dir, **kw)
        self.yards.append(y)
        return y

    def test_reference_to_sdk_and_back(self):
        ref = self.peer("ref")
        sdk = self.yard("sdk", router="ref")
        body = {"route": {"src": ["", "ref", None], "dst": ["", "sdk", None]}, "subject": "hi", "n": [1, 2.5, None],
                "text": "h\u00e9llo \u20ac"}
        ref.cmd(cmd="send", yard="sdk", msg=body)
        m = sdk.receive(5)
        self.assertIsNotNone(m, "no message from the reference yard")
        self.assertEqual(m.body, body)
        self.assertEqual(m.sender, "ref")
        self.assertEqual(m.sender_path, os.path.join(self.dir, "lane.ref.uxd"))
        reply = {"subject": "back", "echo": m.body}
        sdk.transmit(reply, "ref")
        ev = ref.wait("message", **{"from": "sdk"})
        self.assertEqual(ev["msg"], reply)
        self.assertEqual(ev["sha256"], canonical_digest(reply)[0])

    def test_paged_both_ways(self):
        ref = self.peer("ref")
        sdk = self.yard("sdk")
        ref.cmd(cmd="send", yard="sdk", msg={"kind": "msg"}, pad=150000, id="big")
        sent = ref.wait("sent", id="big")
        m = sdk.receive(10)
        self.assertIsNotNone(m)
        self.assertEqual(len(m.body["pad"]), 150000)
        self.assertEqual(m.body["pad"], pad(150000))
        self.assertEqual(canonical_digest(m.body), (sent["sha256"], sent["len"]))
        self.assertGreaterEqual(sdk.stats["pages_received"], 3)
        back = {"data": pad(200000), "n": 2}
        sdk.transmit(back, "ref")
        ev = ref.wait("message", timeout=20, **{"from": "sdk"})
        self.assertEqual((ev["sha256"], ev["len"]), canonical_digest(back))
        self.assertEqual(ev["msg"], back)
        # several in a row, paged and not, each way, in order
        for i in range(5):
            sdk.transmit({"i": i, "p": pad(70000 * (i % 2))}, "ref")
        for i in range(5):
            ev = ref.wait("message", timeout=20, **{"from": "sdk"})
            self.assertEqual(ev["msg"]["i"], i)
        ref.cmd(cmd="send", yard="sdk", msg={"x": 1}, pad=80000, count=4)
        for _ in range(4):
            self.assertEqual(sdk.receive(10).body["x"], 1)
        ref.cmd(cmd="status")
        st = ref.wait("status")
        self.assertFalse({"missed_page", "stale_book", "invalid_page_header"} & set(st["stats"]), st["stats"])

    def test_reference_yard_as_router(self):
        """The SDK's routed bodies as a plain reference yard named 'router' sees them, and a
        response written by hand through the reference reaches request()."""
        ref = self.peer("router")
        sdk = self.yard("sdk")
        result = {}

        def ask():
            try:
                result["value"] = sdk.request(["", "", "svc", "ch"], {"q": 1}, timeout=10, share="back")
            except Exception as ex:  # reported below
                result["error"] = ex

        t = threading.Thread(target=ask)
        t.start()
        ev = ref.wait("message", **{"from": "sdk"})
        req = ev["msg"]
        self.assertEqual(req["route"], {"src": ["", "sdk", "back", "ch"], "dst": ["", "", "svc", "ch"]})
        self.assertEqual(req["kind"], "req")
        self.assertEqual(req["data"], {"q": 1})
        rsp = {"route": {"src": ["here", "router", "svc", "ch"], "dst": ["here", "sdk", "back", "ch"]},
               "kind": "rsp", "id": "r1", "re": req["id"], "data": {"a": pad(100000)}}
        ref.cmd(cmd="send", yard="sdk", msg=rsp)
        t.join(15)
        self.assertNotIn("error", result)
        self.assertEqual(result["value"], {"a": pad(100000)})
        # an err answer raises with its code
        t = threading.Thread(target=ask)
        t.start()
        req = ref.wait("message", **{"from": "sdk"})["msg"]
        ref.cmd(cmd="send", yard="sdk", msg={"route": {"src": ["here", "router", ""], "dst": req["route"]["src"]},
                                             "kind": "err", "re": req["id"], "code": "denied", "error": "no"})
        t.join(15)
        self.assertIsInstance(result.get("error"), RouteError)
        self.assertEqual(result["error"].code, "denied")

    @unittest.skipUnless(lane.msgpack_available(), "msgpack module not installed")
    def test_msgpack_pages_from_reference(self):
        ref = self.peer("ref", pk="msgpack")
        sdk = self.yard("sdk", pk="msgpack")
        ref.cmd(cmd="send", yard="sdk", msg={"k": "v"}, pad=90000)
        m = sdk.receive(10)
        self.assertEqual(m.body["k"], "v")
        sdk.transmit({"k": "w", "p": pad(90000)}, "ref")
        self.assertEqual(ref.wait("message", timeout=20, **{"from": "sdk"})["msg"]["k"], "w")


if __name__ == "__main__":
    unittest.main()
