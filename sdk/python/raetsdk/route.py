"""Routed messages: four-level addresses ``[estate, yard, share, channel]`` and message fields."""

__all__ = [
    "KINDS", "ERROR_CODES", "ANSWER_KINDS", "address", "format_address", "Message",
    "RaetError", "RouteError", "RequestTimeout",
]

KINDS = ("msg", "req", "rsp", "ack", "ackd", "pub", "sub", "unsub", "err")
ANSWER_KINDS = ("rsp", "ack", "err")
ERROR_CODES = ("denied", "unknown_destination", "unknown_share", "bad_route", "timeout", "failed")
LEVELS = 4


def address(value=None):
    """Normalizes an address to a list of at least four strings.

    Accepts None, a list/tuple (``None`` elements are empty; shorter arrays are padded, extra levels
    are kept) or a string ``"estate/yard/share/channel"`` (split at the first three slashes, so the
    channel may contain slashes; ``"/w1"`` is estate ``""``, yard ``w1``).
    """
    if value is None:
        parts = []
    elif isinstance(value, str):
        parts = value.split("/", LEVELS - 1) if value else []
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise TypeError("an address is a list or a 'estate/yard/share/channel' string, not {0}".format(
            type(value).__name__))
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
    return out


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
                 "seq", "data", "error", "code")

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
