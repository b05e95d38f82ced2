"""Named address parts, tag subscriptions, presence and workers, against the in-test router yard."""

import threading
import unittest

import _support
from raetsdk import Address, Message, PresenceEvent, RouteError, address
from test_yard import RouterTestCase


class NamedAddressTest(unittest.TestCase):
    def test_keyword_parts_make_the_wire_order(self):
        a = Address(share="jobs.high", yard="svc", estate="beta", channel="c1")
        self.assertEqual(a, ["beta", "svc", "jobs.high", "c1"])
        self.assertEqual((a.share, a.yard, a.estate, a.channel), ("jobs.high", "svc", "beta", "c1"))
        self.assertEqual(Address(yard="w1"), ["", "w1", "", ""])
        self.assertEqual(Address(), ["", "", "", ""])
        self.assertEqual(Address(share="s", extra=("x",)), ["", "", "s", "", "x"])
        self.assertEqual(repr(Address(share="s", yard="y")),
                         "Address(share='s', yard='y', estate='', channel='')")
        with self.assertRaises(TypeError):
            Address("beta", "svc")  # no order to remember: keywords only
        with self.assertRaises(TypeError):
            Address(share=3)

    def test_every_form_reads_as_an_address(self):
        self.assertIsInstance(address("e/y/s"), Address)
        self.assertEqual(address("e/y/s").share, "s")
        self.assertEqual(Address.of(["e", None, "s"]), Address(estate="e", share="s"))
        m = Message({"route": {"src": ["alpha", "w1", "res"], "dst": ["", "", "jobs", "c"]},
                     "tag": "job.x", "stamp": "2026-12-04T17:03:12.123456Z"})
        self.assertEqual((m.src.estate, m.src.yard, m.src.share), ("alpha", "w1", "res"))
        self.assertEqual((m.dst.share, m.dst.channel), ("jobs", "c"))
        self.assertEqual((m.tag, m.stamp), ("job.x", "2026-12-04T17:03:12.123456Z"))
        self.assertIsNone(Message({"tag": 5}).tag)


    def test_a_mapping_of_named_parts_is_an_address(self):
        named = {"channel": "5", "estate": "beta-estate", "yard": "yard-remote", "share": "event"}
        self.assertEqual(address(named), ["beta-estate", "yard-remote", "event", "5"])
        self.assertEqual(Address.of({"share": "jobs", "estate": None}), Address(share="jobs"))
        self.assertEqual(address({}), Address())
        with self.assertRaises(ValueError) as e:
            address({"share": "s", "host": "h"})
        self.assertIn("no part 'host'", str(e.exception))
        with self.assertRaises(TypeError):
            address({"yard": 3})


class FlowsTest(RouterTestCase):
    def test_named_addresses_are_sent_in_wire_order(self):
        y = self.yard("w1")
        body = y.build(Address(share="echo", estate="here"), 1)
        self.assertEqual(body["route"]["dst"], ["here", "", "echo", ""])
        self.assertIs(type(body["route"]["dst"]), list)
        # a mapping of named parts is sent as the same wire array
        self.assertEqual(y.build({"share": "echo", "estate": "here"}, 1)["route"]["dst"], ["here", "", "echo", ""])
        self.assertEqual(y.request(Address(share="echo"), {"n": 1}, timeout=5), {"n": 1})

    def test_subscriptions_choose_publications_by_tag(self):
        sub = self.yard("sub")
        jobs = sub.share("jobs")
        every = sub.share("all")
        topic = Address(share="topic.events")
        sub.subscribe(topic, share="jobs", tags="job.*", timeout=5)
        sub.subscribe(topic, share="all", timeout=5)
        self.assertEqual([t for _s, t in self.router.topics["topic.events"]], ["job.*", None])
        pub = self.yard("pub")
        pub.publish(topic, 1, tag="log")
        pub.publish(topic, 2, tag="job.done")
        got = jobs.receive(5)
        self.assertEqual((got.data, got.tag), (2, "job.done"))
        self.assertIsNone(jobs.receive(0.2))
        self.assertEqual([every.receive(5).data, every.receive(5).data], [1, 2])

    def test_presence_events_by_iteration_and_by_callback(self):
        y = self.yard("watch")
        events = y.presence(timeout=5)
        self.assertEqual(self.router.seen[-1]["route"]["dst"], ["", "", "presence", ""])
        self.router.announce({"event": "joined", "estate": "beta"}, "estate.joined")
        e = events.next(5)
        self.assertIsInstance(e, PresenceEvent)
        self.assertEqual((e.event, e.estate, e.is_estate, e.is_yard), ("joined", "beta", True, False))
        self.assertEqual(e.stamp, "2026-12-04T17:03:12.123456Z")
        self.router.announce({"event": "snapshot", "estates": {"beta": "alive"}, "yards": ["w1"]}, "snapshot")
        snap = next(iter(events))
        self.assertEqual((snap.estates, snap.yards), ({"beta": "alive"}, ["w1"]))
        events.close(timeout=5)
        self.assertEqual(self.router.topics["presence"], [])

        got = []
        done = threading.Event()

        def seen(event):
            got.append(event)
            if event.event == "left":
                done.set()

        w = self.yard("watch2")
        w.presence(seen, tags="yard.*", timeout=5)
        self.assertEqual(self.router.topics["presence"][-1][1], "yard.*")
        self.router.announce({"event": "alive", "estate": "beta"}, "estate.alive")  # filtered out
        self.router.announce({"event": "arrived", "estate": "here", "yard": "w9"}, "yard.arrived")
        self.router.announce({"event": "left", "estate": "here", "yard": "w9"}, "yard.left")
        self.assertTrue(done.wait(5))
        self.assertEqual([(e.event, e.yard) for e in got], [("arrived", "w9"), ("left", "w9")])

    def test_a_worker_registers_and_serves_its_share(self):
        workers = []
        for name in ("w1", "w2"):
            y = self.yard(name)
            workers.append((y, y.work("pool.jobs")))
        self.assertEqual([w[1] for w in self.router.pools["pool.jobs"]], ["w1", "w2"])
        self.assertEqual(self.router.pools["pool.jobs"][0][2], "pool.jobs")

        def serve(y, share):
            for _ in range(2):
                req = share.receive(5)
                y.respond(req, {"by": y.name, "n": req.data})

        threads = [threading.Thread(target=serve, args=w) for w in workers]
        for t in threads:
            t.start()
        client = self.yard("client")
        answers = [client.request(Address(share="pool.jobs"), i, timeout=5, idempotent=True) for i in range(4)]
        for t in threads:
            t.join(5)
        self.assertEqual(sorted(a["by"] for a in answers), ["w1", "w1", "w2", "w2"])
        self.assertTrue(all(m.get("idempotent") is True for m in self.router.seen if m.get("kind") == "req"))
        workers[0][0].leave("pool.jobs")
        self.assertEqual([w[1] for w in self.router.pools["pool.jobs"]], ["w2"])
        with self.assertRaises(RouteError) as cm:
            self.yard("w3").work("nothing", timeout=5)  # the router has no such share
        self.assertEqual(cm.exception.code, "unknown_share")


if __name__ == "__main__":
    unittest.main()
