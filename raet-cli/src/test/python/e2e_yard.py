"""A Python yard for the router end-to-end test (raet-cli RouterProcessTest).

    e2e_yard.py DIR ask NAME DST JSON...   one request per DST/JSON pair; prints one JSON line per answer
    e2e_yard.py DIR serve NAME SHARE       answers requests to SHARE with {"sum": sum(data)} until stdin closes
    e2e_yard.py DIR sub NAME TOPIC         subscribes (waiting for the ack), prints the first copy received
    e2e_yard.py DIR pub NAME TOPIC JSON    publishes once
"""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "sdk", "python"))

from raetsdk import RouteError, Yard  # noqa: E402


def line(**kv):
    sys.stdout.write(json.dumps(kv, sort_keys=True) + "\n")
    sys.stdout.flush()


def ask(lane_dir, name, pairs):
    with Yard(name, dir=lane_dir) as y:
        for dst, data in pairs:
            try:
                rsp = y.request_message(dst.split("/"), json.loads(data), timeout=5)
                line(dst=dst, ok=True, data=rsp.data, src=rsp.src)
            except RouteError as e:
                src = e.message.src if e.message is not None else None
                line(dst=dst, ok=False, code=e.code, error=e.error, src=src)


def serve(lane_dir, name, share):
    with Yard(name, dir=lane_dir) as y:
        jobs = y.share(share, kind="queue")
        stop = threading.Event()

        def loop():
            while not stop.is_set():
                req = jobs.receive(timeout=0.2)
                if req is not None and req.kind == "req":
                    y.respond(req, {"sum": sum(req.data), "by": name})

        t = threading.Thread(target=loop, daemon=True)
        t.start()
        line(event="ready", yard=name, path=y.path)
        sys.stdin.read()
        stop.set()
        t.join()


def sub(lane_dir, name, topic):
    with Yard(name, dir=lane_dir) as y:
        feed = y.share("feed", kind="queue")
        try:
            y.subscribe(topic.split("/"), share="feed", timeout=5)
        except RouteError as e:
            line(event="refused", code=e.code, error=e.error)
            return
        line(event="subscribed")
        m = feed.receive(timeout=20)
        if m is None:
            line(event="nothing")
        else:
            line(event="copy", data=m.data, topic=m.get("topic"), src=m.src)


def pub(lane_dir, name, topic, data):
    with Yard(name, dir=lane_dir) as y:
        y.publish(topic.split("/"), json.loads(data))
        line(event="published")


if __name__ == "__main__":
    lane_dir, mode, name = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "ask":
        rest = sys.argv[4:]
        ask(lane_dir, name, list(zip(rest[0::2], rest[1::2])))
    elif mode == "serve":
        serve(lane_dir, name, sys.argv[4])
    elif mode == "sub":
        sub(lane_dir, name, sys.argv[4])
    elif mode == "pub":
        pub(lane_dir, name, sys.argv[4], sys.argv[5])
    else:
        sys.exit("mode must be ask, serve, sub or pub")
