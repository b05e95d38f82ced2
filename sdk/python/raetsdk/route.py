"""Routed messages: four-level addresses ``[estate, yard, share, channel]`` and message fields."""

__all__ = [
    "KINDS", "ERROR_CODES", "ANSWER_KINDS", "Address", "address", "format_address", "Message",
    "PresenceEvent", "RaetError", "RouteError", "RequestTimeout",
]

KINDS = ("msg", "req", "rsp", "ack", "ackd", "pub", "sub", "unsub", "err")
ANSWER_KINDS = ("rsp", "ack", "err")
ERROR_CODES = ("denied", "unknown_destination", "unknown_share", "bad_route", "timeout", "failed",
               "unknown_channel", "refused")
LEVELS = 4
ESTATE_EVENTS = ("joined", "allowed", "alive", "dead")
YARD_EVENTS = ("arrived", "left")


class Address(list):
    """An address with named parts: ``Address(share="jobs", yard="svc", estate="beta", channel="c1")``.

    Only keywords are taken, so nobody has to remember an order. It is the list
    ``[estate, yard, share, channel]`` (the reference's order on the wire, outermost level first; the
    design writes the same parts as the tuple ``(share, yard, estate, channel)``, innermost first), so
    it goes wherever an address goes and compares equal to that list. A part not given is empty:
    estate ``""`` is this host, yard ``""`` the router yard, share ``""`` the default share. ``extra``
    holds levels beyond the fourth.
    """

    def __init__(self, *, share="", yard="", estate="", channel="", extra=()):
        for name, v in (("share", share), ("yard", yard), ("estate", estate), ("channel", channel)):
            if v is not None and not isinstance(v, str):
                raise TypeError("address {0} must be a string, not {1!r}".format(name, v))
        super().__init__([estate or "", yard or "", share or "", channel or ""] + list(extra))

    @classmethod
    def of(cls, value=None):
        """An Address from any address form ``address()`` accepts."""
        a = address(value)
        return cls(estate=a[0], yard=a[1], share=a[2], channel=a[3], extra=a[4:])

    @property
    def estate(self):
        return self[0]

    @property
    def yard(self):
        return self[1]

    @property
    def share(self):
        return self[2]

    @property
    def channel(self):
        return self[3]

    def __repr__(self):
        return "Address(share={0!r}, yard={1!r}, estate={2!r}, channel={3!r}{4})".format(
            self[2], self[1], self[0], self[3], ", extra={0!r}".format(self[4:]) if len(self) > 4 else "")


PARTS = ("estate", "yard", "share", "channel")  # the wire array's order


def address(value=None):
    """Normalizes an address to an ``Address`` (a list of at least four strings).

    Accepts None, a list/tuple in the wire order (``None`` elements are empty; shorter arrays are
    padded, extra levels are kept), an ``Address``, a mapping of named parts
    (``{"share": "event", "yard": "yard-remote", "estate": "beta"}``: any subset of ``estate``,
    ``yard``, ``share``, ``channel``, each a string or ``None``; another key is a ValueError), or a
    string ``"estate/yard/share/channel"`` (split at the first three slashes, so the channel may
    contain slashes; ``"/w1"`` is estate ``""``, yard ``w1``).
    """
    if value is None:
        parts = []
    elif isinstance(value, str):
        parts = value.split("/", LEVELS - 1) if value else []
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    elif isinstance(value, dict):
        unknown = [k for k in value if k not in PARTS]
        if unknown:
            raise ValueError("an address has no part {0!r} (its parts: {1})".format(
                unknown[0], ", ".join(PARTS)))
        parts = [value.get(k) for k in PARTS]
    else:
        raise TypeError("an address is a list, a mapping of named parts or a 'estate/yard/share/channel'"
                        " string, not {0}".format(type(value).__name__))
    out = []
    for p in parts:
        if p is None:
            out.append("")
        elif isinstance(p, str):
            out.append(p)
        else:
            raise TypeError("address levels are strings, not {0!r}".format(p))
    while len(out) < LEVELS:
        out.append("")
    return Address(estate=out[0], yard=out[1], share=out[2], channel=out[3], extra=out[4:])


def _lenient(value):
    """``address`` for received messages: never raises (non-string levels become their text)."""
    if isinstance(value, (list, tuple)):
        return address(["" if p is None else p if isinstance(p, str) else str(p) for p in value])
    if isinstance(value, str):
        return address(value)
    return address(None)


def format_address(addr):
    """``estate/yard/share`` (and ``/channel`` when set) of an address."""
    a = address(addr)
    text = "/".join(a[:3])
    return text + "/" + a[3] if a[3] else text


class Message:
    """A received message.

    ``body`` is the whole mapping as it arrived; ``src``/``dst`` are the route's addresses padded to
    four levels (``[]`` levels empty when the body has no ``route``); ``kind`` defaults to ``msg``.
    ``sender`` is the lane yard the page came from (the router for routed traffic), ``sender_path``
    its socket path. ``msg["field"]`` and ``msg.get("field")`` read the body.
    """

    __slots__ = ("body", "sender", "sender_path", "routed", "src", "dst", "kind", "id", "re",
                 "seq", "data", "error", "code", "tag", "stamp")

    def __init__(self, body, sender=None, sender_path=None):
        self.body = body
        self.sender = sender
        self.sender_path = sender_path
        route = body.get("route")
        self.routed = isinstance(route, dict)
        route = route if self.routed else {}
        self.src = _lenient(route.get("src"))
        self.dst = _lenient(route.get("dst"))
        kind = body.get("kind")
        self.kind = kind if isinstance(kind, str) and kind else "msg"
        self.id = body.get("id")
        self.re = body.get("re")
        self.seq = body.get("seq")
        self.data = body.get("data")
        self.error = body.get("error")
        self.code = body.get("code")
        tag = body.get("tag")
        self.tag = tag if isinstance(tag, str) else None
        self.stamp = body.get("stamp")

    @property
    def share(self):
        """The share this message was addressed to (``dst`` share level)."""
        return self.dst[2]

    @property
    def channel(self):
        return self.dst[3] or self.src[3]

    def __getitem__(self, key):
        return self.body[key]

    def get(self, key, default=None):
        return self.body.get(key, default)

    def __contains__(self, key):
        return key in self.body

    def __repr__(self):
        return "Message(kind={0!r}, id={1!r}, src={2}, dst={3}, data={4!r})".format(
            self.kind, self.id, format_address(self.src), format_address(self.dst), self.data)


class PresenceEvent:
    """One message of a router's presence topic.

    ``event``: ``joined``, ``allowed``, ``alive``, ``dead`` (about ``estate``), ``arrived``, ``left``
    (about ``yard`` of ``estate``) or ``snapshot`` (``estates``: each known estate's last event,
    ``yards``: the yards present). ``stamp`` is the router's stamp, ``message`` the whole Message.
    """

    __slots__ = ("event", "estate", "yard", "stamp", "estates", "yards", "message")

    def __init__(self, message):
        data = message.data if isinstance(message.data, dict) else {}
        event = data.get("event")
        self.event = event if isinstance(event, str) else None
        self.estate = data.get("estate") if isinstance(data.get("estate"), str) else None
        self.yard = data.get("yard") if isinstance(data.get("yard"), str) else None
        estates = data.get("estates")
        self.estates = {str(k): str(v) for k, v in estates.items()} if isinstance(estates, dict) else {}
        yards = data.get("yards")
        self.yards = [str(y) for y in yards] if isinstance(yards, list) else []
        self.stamp = message.stamp
        self.message = message

    @property
    def is_estate(self):
        return self.event in ESTATE_EVENTS

    @property
    def is_yard(self):
        return self.event in YARD_EVENTS

    def __repr__(self):
        if self.event == "snapshot":
            return "PresenceEvent(snapshot, estates={0!r}, yards={1!r})".format(self.estates, self.yards)
        return "PresenceEvent({0}, estate={1!r}, yard={2!r})".format(self.event, self.estate, self.yard)


class RaetError(Exception):
    """Base of the SDK's errors."""


class RouteError(RaetError):
    """A routed operation failed: an ``err`` answer (``code`` one of ERROR_CODES, ``error`` its
    text, ``message`` the err Message) or a timeout (``code`` ``timeout``)."""

    def __init__(self, code, error="", message=None):
        super().__init__("{0}: {1}".format(code, error) if error else str(code))
        self.code = code
        self.error = error
        self.message = message


class RequestTimeout(RouteError, TimeoutError):
    """No answer arrived in time."""

    def __init__(self, error="no answer in time"):
        super().__init__("timeout", error)
