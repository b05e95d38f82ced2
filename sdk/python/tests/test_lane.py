import hashlib
import json
import os
import stat
import unittest

import _support
from raetsdk import lane


def load_vector(name):
    d = _support.vectors_dir()
    lines = [json.loads(line) for line in open(os.path.join(d, name + ".jsonl")) if line.strip()]
    meta = [x for x in lines if x["type"] == "meta"][0]
    pages = [x for x in lines if x["type"] == "page"]
    return meta, pages


def head_from_vector(h):
    return lane.Head(ri=h["ri"], vn=int(h["vn"], 16), pk=int(h["pk"], 16), sn=h["sn"], dn=h["dn"],
                     si=h["si"], bi=int(h["bi"], 16), pn=int(h["pn"], 16), pc=int(h["pc"], 16))


class VectorTest(unittest.TestCase):
    def test_single_page_bytes_equal_reference(self):
        meta, pages = load_vector("lane_page")
        self.assertEqual(len(pages), 1)
        v = pages[0]
        wire = bytes.fromhex(v["hex"])
        head = head_from_vector(v["head"])
        body = meta["received_body"]
        data = lane.pack_body(body)
        self.assertEqual(data, bytes.fromhex(v["body_hex"]))
        self.assertEqual(lane.encode_head(head), wire[:v["head_len"]])
        self.assertEqual(lane.paginate(head, data), [wire])
        self.assertEqual(lane.encode_page(head, data), wire)

    def test_single_page_decodes(self):
        meta, pages = load_vector("lane_page")
        v = pages[0]
        page = lane.decode_page(bytes.fromhex(v["hex"]))
        self.assertEqual(page.head, head_from_vector(v["head"]))
        self.assertEqual(page.head.sn, "beta")
        self.assertEqual(page.head.si, "6611275cf752739267")
        self.assertEqual(lane.unpack_body(page.body, page.head.pk), meta["received_body"])

    def test_paged_bytes_equal_reference(self):
        meta, pages = load_vector("lane_paged")
        self.assertEqual(len(pages), 2)
        wires = [bytes.fromhex(v["hex"]) for v in pages]
        r = lane.Reassembler()
        self.assertIsNone(r.add(lane.decode_page(wires[0])))
        head, data = r.add(lane.decode_page(wires[1]))
        self.assertEqual(len(data), meta["received_body_json_len"])
        self.assertEqual(hashlib.sha256(data).hexdigest(), meta["received_body_sha256"])
        body = lane.unpack_body(data, head.pk)
        # re-encode from the parsed body and the first page's head: the same two datagrams
        self.assertEqual(lane.pack_body(body), data)
        self.assertEqual(lane.paginate(head_from_vector(pages[0]["head"]), lane.pack_body(body)), wires)
        for v, w in zip(pages, wires):
            self.assertEqual(len(w), v["len"])
            self.assertEqual(lane.decode_page(w).head, head_from_vector(v["head"]))

    def test_spec_example_without_names(self):
        body = {"route": {"src": ["mayor", "main", None], "dst": ["citizen", "other", None]},
                "content": "Hello all yards."}
        page = lane.encode_page(lane.Head(), lane.pack_body(body))
        self.assertEqual(page, b'ri RAET\nvn 0\npk 0\nsn \ndn \nsi 000000000000000000\nbi 0\npn 0000\npc 0001\n\n'
                               b'{"route":{"src":["mayor","main",null],"dst":["citizen","other",null]},'
                               b'"content":"Hello all yards."}')
        self.assertEqual(len(page), 169)
        self.assertEqual(lane.decode_page(page).head.sn, "")


class PagingTest(unittest.TestCase):
    def body(self, size):
        return {"route": {"src": ["", "a", "", ""], "dst": ["", "b", "", ""]}, "kind": "msg",
                "data": "".join(chr(97 + i % 26) for i in range(size))}

    def test_200k_round_trip(self):
        body = self.body(200 * 1024)
        data = lane.pack_body(body)
        head = lane.Head(sn="a", dn="b", si=lane.new_sid(), bi=7)
        pages = lane.paginate(head, data)
        hs = len(lane.encode_head(head))
        self.assertEqual(len(pages), -(-len(data) // (65535 - hs - 2)))
        self.assertTrue(all(len(p) <= lane.MAX_PAGE_SIZE for p in pages))
        self.assertEqual(len(pages[0]), 65533)
        r = lane.Reassembler()
        results = [r.add(lane.decode_page(p)) for p in pages]
        self.assertTrue(all(x is None for x in results[:-1]))
        h, got = results[-1]
        self.assertEqual((h.sn, h.dn, h.bi, h.pn, h.pc), ("a", "b", 7, 0, len(pages)))
        self.assertEqual(lane.unpack_body(got), body)
        self.assertEqual(r.books, {})

    def test_pages_after_first_may_come_in_any_order(self):
        data = lane.pack_body(self.body(300000))
        pages = lane.paginate(lane.Head(sn="a", dn="b", si="s1", bi=1), data)
        order = [pages[0]] + list(reversed(pages[1:]))
        r = lane.Reassembler()
        out = [r.add(lane.decode_page(p)) for p in order]
        self.assertEqual(out[-1][1], data)

    def test_first_page_must_be_page_zero(self):
        data = lane.pack_body(self.body(100000))
        pages = lane.paginate(lane.Head(sn="a", dn="b", si="s1", bi=1), data)
        r = lane.Reassembler()
        self.assertIsNone(r.add(lane.decode_page(pages[1])))
        self.assertEqual(r.stats.get("missed_page"), 1)
        self.assertIsNone(r.add(lane.decode_page(pages[0])))
        self.assertEqual(len(r.books), 1)  # incomplete: page 1 was dropped

    def test_new_session_discards_partial_books(self):
        data = lane.pack_body(self.body(100000))
        old = lane.paginate(lane.Head(sn="a", dn="b", si="old", bi=1), data)
        new = lane.paginate(lane.Head(sn="a", dn="b", si="new", bi=1), data)
        r = lane.Reassembler()
        self.assertIsNone(r.add(lane.decode_page(old[0])))
        self.assertIsNone(r.add(lane.decode_page(new[0])))
        self.assertEqual(r.stats.get("stale_book"), 1)
        self.assertEqual(r.add(lane.decode_page(new[1]))[1], data)
        self.assertIsNone(r.add(lane.decode_page(old[1])))  # its book is gone: missed page
        self.assertEqual(r.stats.get("missed_page"), 1)
        self.assertEqual(r.books, {})

    def test_books_are_per_sender_and_book_id(self):
        d1 = lane.pack_body(self.body(90000))
        d2 = lane.pack_body(self.body(80000))
        p1 = lane.paginate(lane.Head(sn="a", dn="z", si="s", bi=1), d1)
        p2 = lane.paginate(lane.Head(sn="a", dn="z", si="s", bi=2), d2)
        p3 = lane.paginate(lane.Head(sn="c", dn="z", si="s", bi=1), d2)
        r = lane.Reassembler()
        for p in (p1[0], p2[0], p3[0]):
            self.assertIsNone(r.add(lane.decode_page(p)))
        self.assertEqual(r.add(lane.decode_page(p2[1]))[1], d2)
        self.assertEqual(r.add(lane.decode_page(p3[1]))[1], d2)
        self.assertEqual(r.add(lane.decode_page(p1[1]))[1], d1)

    def test_empty_body_and_non_ascii(self):
        self.assertEqual(lane.pack_body({}), b"")
        self.assertEqual(lane.unpack_body(b""), {})
        self.assertEqual(lane.pack_body({"t": "h\u00e9\u20ac"}), b'{"t":"h\\u00e9\\u20ac"}')
        self.assertEqual(lane.unpack_body('{"t":"h\u00e9"}'.encode()), {"t": "h\u00e9"})

    @unittest.skipUnless(lane.msgpack_available(), "msgpack module not installed")
    def test_msgpack_round_trip(self):
        body = {"a": 1, "b": ["x", None, True], "c": b"\x00\x01"}
        data = lane.pack_body(body, lane.PK_MSGPACK)
        page = lane.decode_page(lane.encode_page(lane.Head(pk=1), data))
        self.assertEqual(page.head.pk, 1)
        self.assertEqual(lane.unpack_body(page.body, 1), body)


class HeadErrorsTest(unittest.TestCase):
    def test_bad_pages_rejected(self):
        good = lane.encode_page(lane.Head(sn="a", dn="b"), b"{}")
        for bad in [b"", b"xx", good.replace(b"ri RAET", b"ri RAEX"), good.replace(b"\n\n", b"\n"),
                    good.replace(b"bi 0", b"bi zz"), good.replace(b"pc 0001", b"pc 0000"),
                    good.replace(b"sn a\n", b""), good.replace(b"sn a", b"qq a")]:
            with self.assertRaises(lane.PageError, msg=bad):
                lane.decode_page(bad)

    def test_bodies_must_be_mappings(self):
        with self.assertRaises(lane.PageError):
            lane.unpack_body(b"[1,2]")
        with self.assertRaises(lane.PageError):
            lane.unpack_body(b"{bad")
        with self.assertRaises(lane.PageError):
            lane.pack_body([1])

    def test_names_in_heads(self):
        with self.assertRaises(lane.PageError):
            lane.encode_head(lane.Head(sn="a b"))
        with self.assertRaises(lane.PageError):
            lane.encode_page(lane.Head(), b"x" * 65535)

    def test_si_is_18_chars(self):
        sid = lane.new_sid()
        self.assertEqual(len(sid), 18)
        int(sid, 16)
        self.assertIn(b"si 0123456789abcdef01\n", lane.encode_head(lane.Head(si="0123456789abcdef0123")))


class NamingTest(unittest.TestCase):
    def test_paths(self):
        self.assertEqual(lane.yard_path("/tmp/x", "lane", "w1"), "/tmp/x/lane.w1.uxd")
        self.assertEqual(lane.names_from_path("/tmp/x/my.lane.w1.uxd"), ("my.lane", "w1"))
        for bad in ("a.b", "a b", "", "a/b"):
            with self.assertRaises(ValueError):
                lane.yard_path("/tmp", "lane", bad)

    def test_socket_mode_and_unlink(self):
        d = _support.short_tmpdir()
        try:
            path = lane.yard_path(d, "lane", "m")
            s = lane.LaneSocket(path)
            self.assertTrue(stat.S_ISSOCK(os.stat(path).st_mode))
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            with self.assertRaises(lane.LaneError):
                lane.LaneSocket(path)  # in use
            s.close()
            self.assertFalse(os.path.exists(path))
        finally:
            _support.rmtree(d)


if __name__ == "__main__":
    unittest.main()
