import os
import stat
import threading
import time
import unittest

import _support
from raetsdk import (Message, RaetError, RequestTimeout, RouteError, Yard, YardUnreachable, address,
                     lane)


class AddressTest(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(address(None), ["", "", "", ""])
        self.assertEqual(address(["e", None]), ["e", "", "", ""])
        self.assertEqual(address(("e", "y", "s", "c", "x")), ["e", "y", "s", "c", "x"])
        self.assertEqual(address("e/y/jobs.high"), ["e", "y", "jobs.high", ""])
        self.assertEqual(address("/y//a/b"), ["", "y", "", "a/b"])
        with self.assertRaises(TypeError):
            address(5)

    def test_message_fields(self):
        m = Message({"route": {"src": ["e", "y"], "dst": ["", "", "s", "c", "extra"]}, "kind": "req",
                     "id": "1", "data": {"a": 1}, "x": 2}, sender="router")
        self.assertEqual(m.src, ["e", "y", "", ""])
        self.assertEqual(m.dst, ["", "", "s", "c", "extra"])
        self.assertEqual((m.kind, m.id, m.share, m.channel, m["x"], m.sender), ("req", "1", "s", "c", 2, "router"))
        plain = Message({"hello": 1})
        self.assertFalse(plain.routed)
        self.assertEqual(plain.kind, "msg")


class RouterTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = _support.short_tmpdir()
        self.router = _support.FakeRouter(self.dir)
        self.yards = []

    def tearDown(self):
        for y in self.yards:
            y.close()
        self.router.close()
        _support.rmtree(self.dir)

    def yard(self, name, **kw):
        y = Yard(name, dir=self.dir, **kw)
        self.yards.append(y)
        return y


class YardTest(RouterTestCase):
    def test_socket_naming_mode_and_close(self):
        y = self.yard("w1")
        self.assertEqual(y.path, os.path.join(self.dir, "lane.w1.uxd"))
        self.assertEqual(stat.S_IMODE(os.stat(y.path).st_mode), 0o600)
        y.close()
        self.assertFalse(os.path.exists(y.path))
        with Yard("w2", dir=self.dir, lane="other") as y2:
            self.assertTrue(os.path.exists(os.path.join(self.dir, "other.w2.uxd")))
        self.assertFalse(os.path.exists(y2.path))
        for bad in ("a.b", "a b", ""):
            with self.assertRaises(ValueError):
                Yard(bad, dir=self.dir)

    def test_stale_socket_file_is_replaced(self):
        path = os.path.join(self.dir, "lane.w3.uxd")
        s = lane.LaneSocket(path)
        s.sock.close()  # leave the file behind, as a killed process would
        self.assertTrue(os.path.exists(path))
        y = self.yard("w3")
        self.assertEqual(y.request(["", "", "echo"], 1, timeout=2), 1)

    def test_send_between_yards_through_router(self):
        a, b = self.yard("a"), self.yard("b")
        mid = a.send(["", "b", ""], {"n": 1}, channel="c1", seq=0)
        m = b.receive(2)
        self.assertIsNotNone(m)
        self.assertEqual(m.kind, "msg")
        self.assertEqual(m.id, mid)
        self.assertEqual(m.data, {"n": 1})
        self.assertEqual(m.src, ["here", "a", "", "c1"])  # filled by the router
        self.assertEqual(m.dst, ["", "b", "", "c1"])
        self.assertEqual(m.seq, 0)
        self.assertEqual(m.sender, "router")
        # what the router got from the SDK: src estate empty, yard name set
        sent = [x for x in self.router.seen if x.get("id") == mid][0]
        self.assertEqual(sent["route"]["dst"], ["", "b", "", "c1"])

    def test_request_to_router_share(self):
        a = self.yard("a")
        self.assertEqual(a.request(["", "", "echo"], {"q": [1, 2]}, timeout=2), {"q": [1, 2]})
        self.assertEqual(a.request("//echo", "x", timeout=2), "x")
        rsp = a.request_message(["", "", "echo"], 5, timeout=2)
        self.assertEqual((rsp.kind, rsp.src[:3]), ("rsp", ["here", "router", "echo"]))

    def test_request_served_by_another_yard_share(self):
        a, b = self.yard("a"), self.yard("b")
        jobs = b.share("jobs.high")

        def serve():
            for _ in range(3):
                m = jobs.receive(3)
                b.respond(m, {"double": m.data * 2})

        t = threading.Thread(target=serve)
        t.start()
        try:
            for i in range(3):
                self.assertEqual(a.request(["", "b", "jobs.high"], i, timeout=3, share="results"),
                                 {"double": 2 * i})
        finally:
            t.join(5)

    def test_errors(self):
        a, b = self.yard("a"), self.yard("b")
        cases = [(["", "", "nosuch"], "unknown_share"), (["", "ghost", "x"], "unknown_destination"),
                 (["far", "", "echo"], "unknown_destination"), (["", "", "admin.reset"], "denied"),
                 (["", "b", "nosuch"], "unknown_share")]
        for dst, code in cases:
            with self.assertRaises(RouteError) as cm:
                a.request(dst, 1, timeout=2)
            self.assertEqual(cm.exception.code, code, dst)
            self.assertEqual(cm.exception.message.kind, "err")
        # a plain msg that fails comes back as an err message on the sender's share
        mid = a.send(["", "", "admin.x"], 1)
        err = a.receive(2)
        self.assertEqual((err.kind, err.re, err.code), ("err", mid, "denied"))

    def test_request_timeout(self):
        a = self.yard("a")
        t0 = time.monotonic()
        with self.assertRaises(RequestTimeout) as cm:
            a.request(["", "", "silent"], 1, timeout=0.3)
        self.assertEqual(cm.exception.code, "timeout")
        self.assertIsInstance(cm.exception, TimeoutError)
        self.assertGreaterEqual(time.monotonic() - t0, 0.29)

    def test_late_response_is_dropped(self):
        a, b = self.yard("a"), self.yard("b")
        b.share("slow")
        with self.assertRaises(RequestTimeout):
            a.request(["", "b", "slow"], 1, timeout=0.2)
        m = b.receive(2, share="slow")
        b.respond(m, "late")
        self.assertTrue(_support.wait_for(lambda: a.stats["late_answer"] == 1, 2))
        self.assertIsNone(a.receive(0.1))

    def test_queue_and_best_shares(self):
        a, b = self.yard("a"), self.yard("b")
        q = b.share("q", kind="queue")
        best = b.share("status", kind="best")
        for i in range(5):
            a.send(["", "b", "q"], i)
            a.send(["", "b", "status"], i)
        got = [q.receive(2).data for _ in range(5)]
        self.assertEqual(got, [0, 1, 2, 3, 4])
        _support.wait_for(lambda: best.latest is not None and best.latest.data == 4, 2)
        self.assertEqual(best.receive(1).data, 4)
        self.assertIsNone(best.receive(0.1))  # nothing newer
        self.assertEqual(best.latest.data, 4)
        a.send(["", "b", "status"], 9)
        self.assertEqual(b.receive(2, share="status").data, 9)
        with self.assertRaises(ValueError):
            b.share("q", kind="best")

    def test_publish_subscribe(self):
        pub, s1, s2 = self.yard("pub"), self.yard("s1"), self.yard("s2")
        news1 = s1.share("news")
        s1.subscribe(["", "", "topic.news"], share="news", timeout=2)
        s2.subscribe(["", "", "topic.news"], timeout=2)  # default share
        pub.publish(["", "", "topic.news"], {"headline": "x"})
        m1 = news1.receive(2)
        m2 = s2.receive(2)
        self.assertEqual((m1.kind, m1.data, m1.src[:2]), ("pub", {"headline": "x"}, ["here", "pub"]))
        self.assertEqual(m2.data, {"headline": "x"})
        s2.unsubscribe(["", "", "topic.news"], timeout=2)
        pub.publish(["", "", "topic.news"], 2)
        self.assertEqual(news1.receive(2).data, 2)
        self.assertIsNone(s2.receive(0.2))
        # fire-and-forget subscribe: its ack is not delivered to a share
        s2.subscribe(["", "", "topic.other"])
        self.assertIsNone(s2.receive(0.2))
        with self.assertRaises(RouteError) as cm:
            s2.subscribe(["", "", "admin.topic"], timeout=2)
        self.assertEqual(cm.exception.code, "denied")

    def test_ackd(self):
        a, b = self.yard("a"), self.yard("b")
        mid = a.send_ackd(["", "b", ""], {"k": 1}, timeout=1)
        m = b.receive(2)
        self.assertEqual((m.kind, m.id, m.data), ("ackd", mid, {"k": 1}))
        self.assertIsInstance(a.send_ackd(["", "", "echo"], 1, timeout=1), str)  # acked by the router
        with self.assertRaises(RequestTimeout):
            a.send_ackd(["", "", "silent"], 1, timeout=0.1, retries=2)
        self.assertEqual(len([x for x in self.router.seen if x.get("kind") == "ackd"
                              and x["route"]["dst"][2] == "silent"]), 3)

    def test_ackd_duplicates_delivered_once(self):
        a, b = self.yard("a"), self.yard("b")
        body = a.build(["", "b", ""], "once", kind="ackd")
        a.transmit(body, "router")
        a.transmit(body, "router")
        self.assertEqual(b.receive(2).data, "once")
        self.assertIsNone(b.receive(0.2))
        self.assertTrue(_support.wait_for(lambda: b.stats["duplicate_ackd"] == 1, 2))

    def test_paged_200k_message_through_router(self):
        a, b = self.yard("a"), self.yard("b")
        big = "".join(chr(65 + i % 26) for i in range(200 * 1024))
        a.send(["", "b", ""], {"blob": big})
        m = b.receive(5)
        self.assertEqual(m.data["blob"], big)
        self.assertGreaterEqual(a.stats["pages_sent"], 4)
        self.assertEqual(a.request(["", "", "echo"], big, timeout=5), big)

    def test_router_missing(self):
        self.router.close()
        a = self.yard("a")
        with self.assertRaises(YardUnreachable):
            a.send(["", "", "echo"], 1)
        with self.assertRaises(YardUnreachable):
            a.request(["", "", "echo"], 1, timeout=1)

    def test_close_wakes_waiters(self):
        a = self.yard("a")
        out = []
        t = threading.Thread(target=lambda: out.append(a.receive()))
        t.start()
        time.sleep(0.05)
        a.close()
        t.join(2)
        self.assertEqual(out, [None])
        with self.assertRaises(RaetError):
            a.send(["", "", "echo"], 1)


class BackpressureTest(unittest.TestCase):
    """The kernel queues only a few datagrams per socket (net.unix.max_dgram_qlen); a sender must
    retry on EAGAIN instead of losing pages."""

    def test_burst_to_a_slow_reader_loses_nothing(self):
        d = _support.short_tmpdir()
        try:
            slow = lane.LaneSocket(lane.yard_path(d, "lane", "router"))
            got = []

            def drain():
                time.sleep(0.3)  # let the sender hit a full queue
                books = lane.Reassembler()
                deadline = time.monotonic() + 10
                while len(got) < 60 and time.monotonic() < deadline:
                    item = slow.recv()
                    if item is None:
                        time.sleep(0.001)
                        continue
                    done = books.add(lane.decode_page(item[0]))
                    if done:
                        got.append(lane.unpack_body(done[1])["data"])

            t = threading.Thread(target=drain)
            t.start()
            with Yard("fast", dir=d) as y:
                for i in range(50):
                    y.send(["", "x", ""], i)
                for i in range(50, 60):
                    y.send(["", "x", ""], {"i": i, "pad": "p" * 100000})  # paged
                t.join(15)
                self.assertGreater(y.stats["busy_transmit_yard"], 0)
            slow.close()
            self.assertEqual(got[:50], list(range(50)))
            self.assertEqual([g["i"] for g in got[50:]], list(range(50, 60)))
        finally:
            _support.rmtree(d)


if __name__ == "__main__":
    unittest.main()
