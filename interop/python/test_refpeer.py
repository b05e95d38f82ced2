"""Self-test of the reference peers: two refpeer processes (main + joiner) and two lanepeer
processes talking over loopback / a temp socket dir. Stdlib only (runs under pytest or
``python -m unittest``). Run with the reference venv's interpreter:

    $RAET_PYTHON -m pytest interop/python -q
"""

import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import peerio  # noqa: E402

PYTHON = os.environ.get("RAET_PYTHON") or sys.executable
BIG = 100 * 1024


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """A peer process with JSON lines on stdin/stdout."""

    def __init__(self, script, *args):
        self.proc = subprocess.Popen([PYTHON, os.path.join(HERE, script)] + list(args),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.events = queue.Queue()
        self.seen = []
        self.stderr = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def _pump_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def wait(self, event, timeout=10.0, **match):
        """Next event of that kind whose fields equal match (events already seen count)."""
        def ok(ev):
            return ev.get("event") == event and all(ev.get(k) == v for k, v in match.items())
        for i, ev in enumerate(self.seen):
            if ok(ev):
                return self.seen.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timeout waiting for {0} {1}; seen {2}; stderr {3}".format(
                    event, match, self.seen[-10:], "".join(self.stderr[-20:])))
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if ev is None:
                raise AssertionError("peer exited waiting for {0}; stderr {1}".format(
                    event, "".join(self.stderr[-20:])))
            if ev.get("event") == "error":
                raise AssertionError("peer error: {0}".format(ev))
            if ok(ev):
                return ev
            self.seen.append(ev)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send(cmd="quit")
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except Exception:
                pass


class RoadPeersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="refpeer-test-")
        cls.mport, cls.jport = free_udp_port(), free_udp_port()
        cls.main = Peer("refpeer.py", "--name", "alpha", "--port", str(cls.mport), "--main",
                        "--auto", "always", "--keep", os.path.join(cls.tmp.name, "alpha"))
        cls.joiner = Peer("refpeer.py", "--name", "beta", "--port", str(cls.jport),
                          "--bk", "msgpack", "--keep", os.path.join(cls.tmp.name, "beta"))
        try:
            cls.mready = cls.main.wait("ready", timeout=20)
            cls.jready = cls.joiner.wait("ready", timeout=20)
            t0 = time.monotonic()
            cls.joiner.send(cmd="join", host="127.0.0.1", port=cls.mport)
            cls.joined_j = cls.joiner.wait("joined", name="alpha")
            cls.joined_m = cls.main.wait("joined", name="beta")
            cls.join_time = time.monotonic() - t0
            t0 = time.monotonic()
            cls.joiner.send(cmd="allow", name="alpha")
            cls.joiner.wait("allowed", name="alpha")
            cls.main.wait("allowed", name="beta")
            cls.allow_time = time.monotonic() - t0
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.main.close()
        cls.joiner.close()
        cls.tmp.cleanup()

    def test_ready_and_keys(self):
        self.assertEqual(self.mready["port"], self.mport)
        self.assertEqual(len(self.mready["verhex"]), 64)
        self.assertEqual(self.joined_j["verhex"], self.mready["verhex"])
        self.assertEqual(self.joined_j["pubhex"], self.mready["pubhex"])
        self.assertEqual(self.joined_m["verhex"], self.jready["verhex"])
        self.assertTrue(self.joined_j["main"])
        self.assertLess(self.join_time, 5.0)
        self.assertLess(self.allow_time, 5.0)

    def exchange(self, sender, receiver, to, frm, msg, **extra):
        ident = "m{0}".format(time.monotonic_ns())
        sender.send(cmd="send", name=to, msg=msg, id=ident, **extra)
        sent = sender.wait("sent", id=ident)
        got = receiver.wait("message", timeout=20, sha256=sent["sha256"])
        self.assertEqual(got["from"], frm)
        self.assertEqual(got["len"], sent["len"])
        return got

    def test_small_json_both_ways(self):
        msg = {"route": {"src": ["beta", None, None], "dst": ["alpha", None, None]},
               "content": "hello \u00e9", "n": 7, "f": 1.5, "l": [1, "two", None, True]}
        got = self.exchange(self.joiner, self.main, "alpha", "beta", msg, bk="json")
        self.assertEqual(got["msg"], msg)
        got = self.exchange(self.main, self.joiner, "beta", "alpha", msg)
        self.assertEqual(got["msg"], msg)

    def test_msgpack_both_ways(self):
        msg = {"kind": "msgpack", "nums": [1, -2, 300000, 2 ** 40], "nested": {"a": {"b": "c"}}}
        got = self.exchange(self.joiner, self.main, "alpha", "beta", msg)  # joiner Bk=msgpack
        self.assertEqual(got["msg"], msg)
        got = self.exchange(self.main, self.joiner, "beta", "alpha", msg, bk="msgpack")
        self.assertEqual(got["msg"], msg)

    def test_large_both_ways(self):
        for bk in ("json", "msgpack"):
            msg = {"big": bk}
            got = self.exchange(self.joiner, self.main, "alpha", "beta", msg, pad=BIG, bk=bk)
            self.assertNotIn("msg", got)
            self.assertGreater(got["len"], BIG)
            got = self.exchange(self.main, self.joiner, "beta", "alpha", msg, pad=BIG, bk=bk)
            self.assertNotIn("msg", got)
            expected = dict(msg, pad=peerio.pad_string(BIG))
            self.assertEqual(got["sha256"], peerio.digest(expected)[0])

    def test_windowed_send_and_expect(self):
        self.main.send(cmd="expect", count=30, id="e")
        self.main.wait("expecting", id="e")
        self.joiner.send(cmd="send", name="alpha", msg={"w": 1}, count=30, window=4, id="w")
        self.joiner.wait("sent", id="w")
        done = self.joiner.wait("send_done", timeout=20, id="w")
        self.assertEqual((done["delivered"], done["failed"], done["window"]), (30, 0, 4))
        self.assertEqual(done["segments"], 30)  # small messages: one datagram each
        self.assertGreaterEqual(done["datagrams_sent"], 30)
        self.assertGreaterEqual(done["datagrams_received"], 30)  # a done for each
        self.assertTrue(0 < done["p50_us"] <= done["p99_us"])
        got = self.main.wait("received", timeout=20, id="e")
        self.assertEqual(got["count"], 30)
        self.assertGreaterEqual(got["datagrams_received"], 30)
        self.assertFalse([e for e in self.main.seen if e.get("event") == "message"])

    def test_windowed_large(self):
        self.joiner.send(cmd="send", name="alpha", msg={"big": 1}, pad=BIG, count=3, window=1, id="L")
        done = self.joiner.wait("send_done", timeout=30, id="L")
        self.assertEqual((done["delivered"], done["failed"]), (3, 0))
        self.assertGreater(done["segments"], 3 * 100)  # about 110 segments each
        self.assertGreaterEqual(done["datagrams_sent"], done["segments"])
        for _ in range(3):
            self.main.wait("message", timeout=20)

    def test_status_and_alive(self):
        self.joiner.send(cmd="alive", name="alpha")
        self.joiner.wait("aliving", name="alpha")
        self.joiner.send(cmd="status")
        st = self.joiner.wait("status")
        [r] = st["remotes"]
        self.assertEqual(r["name"], "alpha")
        self.assertTrue(r["joined"] and r["allowed"])
        self.assertEqual(r["ha"], ["127.0.0.1", self.mport])
        self.assertGreater(st["datagrams_sent"], 0)
        self.assertGreater(st["datagrams_received"], 0)


class LanePeersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lanepeer-test-")
        self.a = Peer("lanepeer.py", "--lane", "testlane", "--yard", "ya", "--dir", self.tmp.name)
        self.b = Peer("lanepeer.py", "--lane", "testlane", "--yard", "yb", "--dir", self.tmp.name,
                      "--pk", "msgpack")
        self.ra = self.a.wait("ready", timeout=20)
        self.rb = self.b.wait("ready", timeout=20)

    def tearDown(self):
        self.a.close()
        self.b.close()
        self.tmp.cleanup()

    def test_small_and_paged(self):
        self.assertEqual(self.ra["ha"], os.path.join(self.tmp.name, "testlane.ya.uxd"))
        small = {"route": {"src": [None, "ya", None], "dst": [None, "yb", None]}, "x": 1}
        self.a.send(cmd="send", yard="yb", msg=small)
        got = self.b.wait("message", timeout=10)
        self.assertEqual((got["from"], got["msg"]), ("ya", small))
        self.b.send(cmd="send", yard="ya", msg=small)  # yb uses msgpack pages
        got = self.a.wait("message", timeout=10)
        self.assertEqual((got["from"], got["msg"]), ("yb", small))
        for sender, receiver, to, frm in ((self.a, self.b, "yb", "ya"), (self.b, self.a, "ya", "yb")):
            sender.send(cmd="send", yard=to, msg={"paged": True}, pad=200000, id="p")
            sent = sender.wait("sent", id="p")
            self.assertGreater(sent["len"], 65535)
            got = receiver.wait("message", timeout=10, sha256=sent["sha256"])
            self.assertEqual((got["from"], got["len"]), (frm, sent["len"]))


if __name__ == "__main__":
    unittest.main()
