"""A lane yard that sends and receives routed messages through the host's router yard."""

import collections
import errno
import itertools
import os
import queue
import selectors
import socket
import threading
import time

from . import lane as _lane
from .route import (ANSWER_KINDS, Address, Message, PresenceEvent, RaetError, RequestTimeout,
                    RouteError, address)

__all__ = ["Yard", "Share", "Presence", "YardUnreachable"]

PRESENCE = "presence"  # the router's presence topic, and the share that receives it here

_PK = {"json": _lane.PK_JSON, "msgpack": _lane.PK_MSGPACK, _lane.PK_JSON: _lane.PK_JSON,
       _lane.PK_MSGPACK: _lane.PK_MSGPACK}
_MEMORY = 1024  # remembered ids (late answers, ackd duplicates)


class YardUnreachable(_lane.LaneError, RaetError):
    """The destination yard's socket does not exist or nobody is bound to it."""


class Share:
    """A named place in a yard that receives the messages addressed to it.

    ``kind="queue"``: every message, FIFO, at most ``maxsize`` (a message arriving at a full queue is
    dropped and counted in ``dropped``). ``kind="best"``: only the newest message; ``receive`` returns
    it once, then waits for a newer one; ``latest`` peeks at it.
    """

    def __init__(self, name, kind="queue", maxsize=1000):
        if kind not in ("queue", "best"):
            raise ValueError("share kind is 'queue' or 'best', not {0!r}".format(kind))
        self.name = name
        self.kind = kind
        self.maxsize = maxsize
        self.dropped = 0
        self._items = collections.deque()
        self._latest = None
        self._fresh = False
        self._cond = threading.Condition()
        self._closed = False

    def put(self, msg):
        with self._cond:
            if self.kind == "best":
                self._latest = msg
                self._fresh = True
            elif len(self._items) >= self.maxsize:
                self.dropped += 1
                return False
            else:
                self._items.append(msg)
            self._cond.notify_all()
            return True

    def receive(self, timeout=None):
        """The next message, or None after ``timeout`` seconds (None: wait forever) or when closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self.kind == "best":
                    if self._fresh:
                        self._fresh = False
                        return self._latest
                elif self._items:
                    return self._items.popleft()
                if self._closed:
                    return None
                if deadline is None:
                    self._cond.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._cond.wait(left)

    @property
    def latest(self):
        """The newest message of a best-value share (None if none yet), without consuming it."""
        with self._cond:
            return self._latest if self.kind == "best" else (self._items[-1] if self._items else None)

    def __len__(self):
        with self._cond:
            return (1 if self._fresh else 0) if self.kind == "best" else len(self._items)

    def _close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class Presence:
    """The presence events of a router, as ``Yard.presence`` subscribed to them: iterate it (each
    item a PresenceEvent; the iteration ends when the yard closes) or call ``next(timeout)``; with a
    callback, a thread hands each event to it. ``close()`` unsubscribes."""

    def __init__(self, yard, share, callback=None):
        self._yard = yard
        self._share = share
        self._callback = callback
        self._closed = False
        self._thread = None
        if callback is not None:
            self._thread = threading.Thread(target=self._loop, name="raet-presence-" + yard.name,
                                            daemon=True)
            self._thread.start()

    def next(self, timeout=None):
        """The next event, or None after ``timeout`` seconds or when closed."""
        while True:
            msg = self._share.receive(timeout)
            if msg is None:
                return None
            event = PresenceEvent(msg)
            if event.event is not None:
                return event
            self._yard.stats["bad_presence"] += 1

    def __iter__(self):
        return self

    def __next__(self):
        event = self.next()
        if event is None:
            raise StopIteration
        return event

    def _loop(self):
        while not self._closed and not self._yard.closed:
            event = self.next(0.5)
            if event is None:
                continue
            try:
                self._callback(event)
            except Exception:  # a failing callback does not end the events
                self._yard.stats["presence_callback_error"] += 1

    def close(self, timeout=None):
        """Unsubscribes from the presence topic (waiting ``timeout`` s for the ack when given)."""
        if self._closed:
            return
        self._closed = True
        if not self._yard.closed:
            self._yard.unsubscribe(["", "", PRESENCE], PRESENCE, timeout=timeout)


class _Remote:
    __slots__ = ("name", "path", "sid", "bid")

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.sid = _lane.new_sid()
        self.bid = 0

    def next_bid(self):
        self.bid += 1
        if self.bid > 0xFFFFFFFF:
            self.bid = 1
        return self.bid


class _Waiter:
    __slots__ = ("event", "message", "kinds")

    def __init__(self, kinds):
        self.event = threading.Event()
        self.message = None
        self.kinds = kinds


class Yard:
    """A lane yard ``name`` bound at ``<dir>/<lane>.<name>.uxd`` (mode 0600).

    Routed messages go to the router yard ``<dir>/<lane>.<router>.uxd``. Received messages are
    delivered to shares by their ``dst`` share; the default share ``""`` always exists.
    A background thread reads the socket; sends happen in the caller's thread.

    ``pk``: ``"json"`` (default) or ``"msgpack"`` (needs the msgpack module) for bodies this yard
    sends; received pages are parsed by their own ``pk``.
    """

    def __init__(self, name, lane="lane", dir=None, router="router", pk="json", send_timeout=10.0,
                 queue_size=1000, answer_unknown_share=True):
        _lane.check_name(name)
        _lane.check_name(lane, "lane name")
        _lane.check_name(router, "router yard name")
        if pk not in _PK:
            raise ValueError("pk is 'json' or 'msgpack', not {0!r}".format(pk))
        self.pk = _PK[pk]
        if self.pk == _lane.PK_MSGPACK and not _lane.msgpack_available():
            raise ValueError("pk 'msgpack' needs the msgpack module")
        self.name = name
        self.lane = lane
        self.dir = os.path.abspath(os.path.expanduser(dir if dir is not None else _lane.default_dir()))
        self.router = router
        self.path = _lane.yard_path(self.dir, lane, name)
        self.answer_unknown_share = answer_unknown_share
        self.queue_size = queue_size
        self.stats = collections.Counter()
        self._sock = _lane.LaneSocket(self.path, send_timeout=send_timeout)
        self._books = _lane.Reassembler()
        self._remotes = {}
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._shares = {"": Share("", "queue", queue_size)}
        self._waiters = {}
        self._expired = collections.OrderedDict()  # ids of requests that timed out
        self._quiet = collections.OrderedDict()  # ids whose ack/rsp nobody waits for
        self._seen_ackd = collections.OrderedDict()
        self._ids = itertools.count(1)
        self._id_prefix = _lane.new_sid()[-8:]
        self._closing = False
        self._wake_r, self._wake_w = socket.socketpair()
        self._auto = queue.Queue()
        self._reader = threading.Thread(target=self._read_loop, name="raet-yard-" + name, daemon=True)
        self._replier = threading.Thread(target=self._auto_loop, name="raet-reply-" + name, daemon=True)
        self._reader.start()
        self._replier.start()

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self):
        """Stops the reader, unlinks the socket, wakes every waiting receive/request."""
        if self._closing:
            return
        self._closing = True
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        self._auto.put(None)
        if threading.current_thread() is not self._reader:
            self._reader.join(2.0)
        if threading.current_thread() is not self._replier:
            self._replier.join(2.0)
        self._sock.close()
        self._wake_r.close()
        self._wake_w.close()
        with self._lock:
            waiters = list(self._waiters.values())
            shares = list(self._shares.values())
        for w in waiters:
            w.event.set()
        for s in shares:
            s._close()

    @property
    def closed(self):
        return self._closing

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return "Yard({0!r}, lane={1!r}, path={2!r})".format(self.name, self.lane, self.path)

    # -- shares ----------------------------------------------------------------------------------

    def share(self, name, kind="queue", maxsize=None):
        """Creates (or returns) the share ``name`` of this yard; messages whose ``dst`` share is
        ``name`` are delivered to it. Returns the Share (``share.receive(timeout)``)."""
        if not isinstance(name, str):
            raise TypeError("share names are strings")
        with self._lock:
            s = self._shares.get(name)
            if s is None:
                s = self._shares[name] = Share(name, kind, maxsize or self.queue_size)
            elif s.kind != kind:
                raise ValueError("share {0!r} exists with kind {1!r}".format(name, s.kind))
            return s

    def unshare(self, name):
        """Removes the share ``name`` (not the default share)."""
        if name == "":
            raise ValueError("the default share cannot be removed")
        with self._lock:
            s = self._shares.pop(name, None)
        if s:
            s._close()

    def receive(self, timeout=None, share=""):
        """The next message of ``share`` (default share ``""``), or None after ``timeout`` seconds."""
        with self._lock:
            s = self._shares.get(share)
        if s is None:
            raise KeyError("no share {0!r}".format(share))
        return s.receive(timeout)

    # -- sending ---------------------------------------------------------------------------------

    def new_id(self):
        """A fresh message id, unique for this yard."""
        return "{0}-{1}-{2:x}".format(self.name, self._id_prefix, next(self._ids))

    def build(self, dst, data=None, kind="msg", share="", channel="", id=None, **fields):
        """The routed body ``send`` would send (without sending it)."""
        dst = address(dst)
        channel = channel or dst[3]
        if not dst[3]:
            dst[3] = channel
        body = {"route": {"src": ["", self.name, share, channel], "dst": list(dst)},
                "kind": kind, "id": id if id is not None else self.new_id(), "data": data}
        for k, v in fields.items():
            if k == "route":
                raise ValueError("route is built from dst/share/channel")
            body[k] = v
        return body

    def send(self, dst, data=None, kind="msg", share="", channel="", **fields):
        """Sends a routed message to ``dst`` (``[estate, yard, share, channel]`` or
        ``"estate/yard/share"``) through the router; returns its id. ``share``/``channel`` are this
        yard's source share (where answers go) and the flow's channel; extra keyword fields (``re``,
        ``seq``, ``id``, ...) go into the body as they are."""
        body = self.build(dst, data, kind, share, channel, **fields)
        self.transmit(body, self.router)
        return body["id"]

    def transmit(self, body, yard):
        """Sends a plain body (a mapping) straight to lane yard ``yard`` on this lane, bypassing
        routing. Raises YardUnreachable if nobody is bound there."""
        if self._closing:
            raise RaetError("yard is closed")
        data = _lane.pack_body(body, self.pk)
        with self._send_lock:
            remote = self._remotes.get(yard)
            if remote is None:
                remote = self._remotes[yard] = _Remote(yard, _lane.yard_path(self.dir, self.lane, yard))
            head = _lane.Head(sn=self.name, dn=yard, si=remote.sid, bi=remote.next_bid(), pk=self.pk)
            pages = _lane.paginate(head, data)
            deadline = time.monotonic() + self._sock.send_timeout
            try:
                for page in pages:
                    self._sock.send(page, remote.path, deadline)
            except _lane.LaneError as ex:
                code = getattr(ex, "errno", None)
                if code in (errno.ECONNREFUSED, errno.ENOENT):
                    self._remotes.pop(yard, None)  # next send starts a new session
                    self.stats["unreachable_yard"] += 1
                    raise YardUnreachable("yard {0!r} is not bound at {1}".format(yard, remote.path)) from None
                self.stats["send_error"] += 1
                raise
        self.stats["sent"] += 1
        self.stats["busy_transmit_yard"] = self._sock.busy
        self.stats["pages_sent"] += len(pages)

    def request(self, dst, data=None, timeout=5.0, share="", channel="", **fields):
        """Sends a ``req`` and returns the ``data`` of its ``rsp``. Raises RouteError (``code``) on
        an ``err`` answer and RequestTimeout after ``timeout`` seconds."""
        return self.request_message(dst, data, timeout, share, channel, **fields).data

    def request_message(self, dst, data=None, timeout=5.0, share="", channel="", **fields):
        """As ``request`` but returns the whole ``rsp`` Message."""
        body = self.build(dst, data, "req", share, channel, **fields)
        return self._exchange(body, ("rsp",), timeout)

    def respond(self, msg, data=None, **fields):
        """Answers ``msg`` (a received ``req``) with an ``rsp`` to its ``src``, ``re`` = its id."""
        return self._answer(msg, "rsp", data=data, **fields)

    def error(self, msg, code, error="", **fields):
        """Answers ``msg`` with an ``err`` (``code`` e.g. ``denied``, ``unknown_share``)."""
        return self._answer(msg, "err", code=code, error=error, **fields)

    def ack(self, msg):
        """Acknowledges ``msg`` with an ``ack`` (done automatically for ``ackd`` messages)."""
        return self._answer(msg, "ack")

    def send_ackd(self, dst, data=None, timeout=1.0, retries=3, share="", channel="", **fields):
        """Acknowledged delivery: sends an ``ackd`` message and waits ``timeout`` s for its ``ack``,
        resending (same id) up to ``retries`` times. Returns the id; raises RouteError on ``err``,
        RequestTimeout when no ack came."""
        body = self.build(dst, data, "ackd", share, channel, **fields)
        for attempt in range(retries + 1):
            try:
                self._exchange(body, ("ack",), timeout, final=(attempt == retries))
                return body["id"]
            except RequestTimeout:
                if attempt == retries:
                    raise
        return body["id"]  # pragma: no cover

    def subscribe(self, topic, share="", channel="", timeout=None, tags=None):
        """Subscribes this yard's ``share`` to the topic share at address ``topic``; the router then
        copies each ``pub`` to it (with ``tags``, a glob such as ``"job.*"``, only the pubs whose
        ``tag`` matches it; a pub without a tag is matched as ``""``). With ``timeout`` waits for the
        router's ``ack``/``rsp`` (raises on ``err``); without, returns at once. Returns the ``sub``
        message id."""
        return self._control("sub", topic, share, channel, timeout, tags)

    def unsubscribe(self, topic, share="", channel="", timeout=None):
        """Cancels ``subscribe`` (kind ``unsub``)."""
        return self._control("unsub", topic, share, channel, timeout)

    def publish(self, topic, data=None, share="", channel="", **fields):
        """Publishes ``data`` to the topic share at address ``topic`` (kind ``pub``; ``tag="…"``
        tags it for the subscribers' patterns); returns the id."""
        return self.send(topic, data, "pub", share, channel, **fields)

    def work(self, pool, share=None, timeout=5.0):
        """Registers this yard as a worker of the router's load-balanced share ``pool`` (a share of
        kind ``pool`` of the router yard); the router then hands it part of the requests sent to
        ``["", "", pool]``, at this yard's ``share`` (default: ``pool``). Returns that Share: take
        the requests from it and ``respond`` to each. Waits ``timeout`` s for the router's ``ack``
        (RouteError ``unknown_share`` when the router has no such share, ``denied`` when full)."""
        share = pool if share is None else share
        s = self.share(share)
        self._control("sub", ["", "", pool], share, "", timeout)
        return s

    def leave(self, pool, share=None, timeout=5.0):
        """Stops taking work from the router's share ``pool`` (its requests in flight here are
        answered ``failed`` by the router, or handed to another worker when idempotent)."""
        return self._control("unsub", ["", "", pool], pool if share is None else share, "", timeout)

    def presence(self, callback=None, tags=None, timeout=5.0):
        """Follows the router's presence topic: estates that join, are allowed, come alive or go
        dead on the road, yards that arrive on or leave the lane, starting with a snapshot of what
        the router knows. Returns a Presence: iterate it (or ``next(timeout)``) for PresenceEvents,
        or give ``callback(event)``, called on a thread of its own, in order. ``tags`` chooses the
        events (``"estate.*"``, ``"yard.*"``; the snapshot's tag is ``snapshot``)."""
        share = self.share(PRESENCE)
        self._control("sub", ["", "", PRESENCE], PRESENCE, "", timeout, tags)
        return Presence(self, share, callback)

    # -- internals: sending ----------------------------------------------------------------------

    def _answer(self, msg, kind, **fields):
        if msg.id is None and kind != "err":
            raise ValueError("the message has no id to answer")
        body = self.build(msg.src, kind=kind, share=msg.dst[2], channel=msg.dst[3] or msg.src[3],
                          re=msg.id, **fields)
        if kind != "rsp" and body.get("data") is None:
            del body["data"]
        self.transmit(body, self.router)
        return body["id"]

    def _control(self, kind, topic, share, channel, timeout, tags=None):
        body = self.build(topic, None, kind, share, channel)
        del body["data"]
        if tags is not None:
            body["tags"] = tags
        if timeout:
            self._exchange(body, ("ack", "rsp"), timeout)
        else:
            with self._lock:
                self._remember(self._quiet, body["id"])
            self.transmit(body, self.router)
        return body["id"]

    def _exchange(self, body, kinds, timeout, final=True):
        mid = body["id"]
        w = _Waiter(kinds)
        with self._lock:
            self._waiters[mid] = w
        try:
            self.transmit(body, self.router)
            w.event.wait(timeout)
        finally:
            with self._lock:
                self._waiters.pop(mid, None)
                if w.message is None and final:
                    self._remember(self._expired, mid)
        msg = w.message
        if msg is None:
            if self._closing:
                raise RaetError("yard closed while waiting")
            raise RequestTimeout("no {0} for {1} within {2} s".format("/".join(kinds), mid, timeout))
        if msg.kind == "err":
            raise RouteError(msg.code or "error", msg.error or "", msg)
        return msg

    @staticmethod
    def _remember(od, key):
        od[key] = True
        while len(od) > _MEMORY:
            od.popitem(last=False)

    def _auto_loop(self):
        while True:
            item = self._auto.get()
            if item is None or self._closing:
                return
            try:
                self.transmit(item, self.router)
            except Exception:
                self.stats["auto_reply_failed"] += 1

    def _auto_answer(self, msg, kind, **fields):
        body = self.build(msg.src, kind=kind, share=msg.dst[2], channel=msg.dst[3] or msg.src[3],
                          re=msg.id, **fields)
        body.pop("data", None)
        self._auto.put(body)

    # -- internals: receiving --------------------------------------------------------------------

    def _read_loop(self):
        sel = selectors.DefaultSelector()
        sel.register(self._sock.sock, selectors.EVENT_READ)
        sel.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._closing:
                for _key, _ev in sel.select(1.0):
                    pass
                while not self._closing:
                    try:
                        got = self._sock.recv()
                    except OSError:
                        if self._closing:
                            return
                        self.stats["recv_error"] += 1
                        break
                    if got is None:
                        break
                    try:
                        self._on_datagram(*got)
                    except Exception:  # never let one bad datagram stop the reader
                        self.stats["dispatch_error"] += 1
        finally:
            sel.close()

    def _on_datagram(self, data, addr):
        self.stats["pages_received"] += 1
        try:
            page = _lane.decode_page(data)
        except _lane.PageError:
            self.stats["invalid_page_header"] += 1
            return
        if page.head.dn != self.name:
            self.stats["invalid_destination"] += 1  # the reference delivers these too
        done = self._books.add(page)
        for k, v in self._books.stats.items():
            self.stats[k] = v
        if done is None:
            return
        head, raw = done
        try:
            body = _lane.unpack_body(raw, head.pk)
        except _lane.PageError:
            self.stats["invalid_body"] += 1
            return
        self.stats["received"] += 1
        self._dispatch(Message(body, head.sn, addr))

    def _dispatch(self, msg):
        kind = msg.kind
        if kind in ANSWER_KINDS and msg.re is not None:
            with self._lock:
                w = self._waiters.get(msg.re)
                if w is not None and (kind == "err" or kind in w.kinds):
                    w.message = msg
                    w.event.set()
                    return
                if msg.re in self._expired:
                    self.stats["late_answer"] += 1
                    return
                if msg.re in self._quiet and kind != "err":
                    return
        if kind == "ackd" and msg.id is not None:
            self._auto_answer(msg, "ack")
            key = (tuple(msg.src[:2]), msg.id)
            with self._lock:
                if key in self._seen_ackd:
                    self.stats["duplicate_ackd"] += 1
                    return
                self._remember(self._seen_ackd, key)
        with self._lock:
            share = self._shares.get(msg.dst[2])
            if share is None and (kind in ANSWER_KINDS or not msg.routed):
                share = self._shares[""]
        if share is None:
            self.stats["unknown_share"] += 1
            if self.answer_unknown_share and msg.routed and kind not in ("pub",):
                self._auto_answer(msg, "err", code="unknown_share",
                                  error="yard {0} has no share {1!r}".format(self.name, msg.dst[2]))
            return
        if not share.put(msg):
            self.stats["share_overflow"] += 1
