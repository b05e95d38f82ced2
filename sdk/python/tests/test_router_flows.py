"""The SDK against a real router process (``scripts/raet router``; needs ``raet-cli/target/raet.jar``, built by
``bash scripts/build.sh``; skipped without it): four SDK workers of a load-balanced share, presence and tag
subscriptions."""

import collections
import json
import os
import subprocess
import threading
import time
import unittest

import _support
from raetsdk import Address, Yard

JAR = os.path.join(_support.REPO_ROOT, "raet-cli", "target", "raet.jar")
RAET = os.path.join(_support.REPO_ROOT, "scripts", "raet")


@unittest.skipUnless(os.path.exists(JAR), "needs raet-cli/target/raet.jar (bash scripts/build.sh)")
class RouterFlowsTest(unittest.TestCase):
    def setUp(self):
        self.dir = _support.short_tmpdir()
        self.log = open(os.path.join(self.dir, "router.log"), "w+")
        self.router = subprocess.Popen(
            ["bash", RAET, "router", "--name", "alpha", "--port", "0", "--lane-dir", self.dir,
             "--share", "jobs=pool", "--share", "events=topic"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.yards = []
        sock = os.path.join(self.dir, "lane.router.uxd")
        if not _support.wait_for(lambda: os.path.exists(sock), timeout=60, step=0.05):
            self.fail("the router did not start: " + self.output())

    def tearDown(self):
        for y in self.yards:
            y.close()
        self.router.terminate()
        try:
            self.router.wait(10)
        except subprocess.TimeoutExpired:
            self.router.kill()
        self.log.close()
        _support.rmtree(self.dir)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def yard(self, name):
        y = Yard(name, dir=self.dir)
        self.yards.append(y)
        return y

    def test_requests_spread_over_four_sdk_workers(self):
        stop = threading.Event()

        def serve(y, share):
            while not stop.is_set():
                req = share.receive(0.2)
                if req is not None:
                    y.respond(req, {"by": y.name, "n": req.data, "stamp": req.stamp})

        threads = []
        for i in range(4):
            y = self.yard("w{0}".format(i + 1))
            t = threading.Thread(target=serve, args=(y, y.work("jobs", timeout=5)), daemon=True)
            t.start()
            threads.append(t)
        client = self.yard("client")
        spread = collections.Counter()
        for n in range(40):
            answer = client.request(Address(share="jobs"), n, timeout=10)
            self.assertEqual(answer["n"], n)
            self.assertRegex(answer["stamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
            spread[answer["by"]] += 1
        stop.set()
        # one request at a time: nobody has anything outstanding, so the workers take turns
        self.assertEqual(spread, {"w1": 10, "w2": 10, "w3": 10, "w4": 10})

    def test_presence_tells_of_yards_arriving_and_leaving(self):
        watcher = self.yard("watcher")
        events = watcher.presence(timeout=10)
        snap = events.next(10)
        self.assertEqual(snap.event, "snapshot")
        self.assertIn("watcher", snap.yards)
        newcomer = self.yard("newcomer")
        newcomer.send(Address(share="events"), None, kind="pub")
        seen = []
        deadline = time.monotonic() + 10
        while ("left", "newcomer") not in seen and time.monotonic() < deadline:
            if ("arrived", "newcomer") in seen and not newcomer.closed:
                newcomer.close()
            e = events.next(0.5)
            if e is not None:
                seen.append((e.event, e.yard))
                self.assertEqual(e.estate, "alpha")
        self.assertEqual([s for s in seen if s[1] == "newcomer"], [("arrived", "newcomer"), ("left", "newcomer")])

    def test_subscriptions_filter_by_tag(self):
        sub = self.yard("sub")
        jobs = sub.share("jobs")
        sub.subscribe(Address(share="events"), share="jobs", tags="job.*", timeout=10)
        pub = self.yard("pub")
        pub.publish(Address(share="events"), "log line", tag="log")
        pub.publish(Address(share="events"), {"id": 7}, tag="job.done")
        m = jobs.receive(10)
        self.assertEqual((m.data, m.tag, m.src.share), ({"id": 7}, "job.done", "events"))
        self.assertIsNone(jobs.receive(0.3))


if __name__ == "__main__":
    unittest.main()
