"""RAET lane pages over Unix-domain datagram sockets.

A page is nine ``key value`` header lines in the order ``ri vn pk sn dn si bi pn pc``, joined by
``\\n`` and ended by ``\\n\\n``, followed by the body: compact JSON (pack kind 0) or msgpack (pack
kind 1) of a mapping. A body whose page would exceed 65535 bytes is cut into sections of
``65535 - (headsize + 2)`` bytes, one page each (``pn`` = section number, ``pc`` = count), where
headsize is the size of the single-page head. Receivers reassemble books keyed by
``(dn, sn, si, bi)``; a book's first page must be page 0.

A yard's socket is ``<dir>/<lane>.<yard>.uxd``.
"""

import binascii
import errno
import json
import os
import socket
import stat
import time

try:  # optional
    import msgpack  # type: ignore
except ImportError:  # pragma: no cover - depends on the environment
    msgpack = None

__all__ = [
    "MAX_PAGE_SIZE", "MAX_MESSAGE_SIZE", "PK_JSON", "PK_MSGPACK", "FIELDS", "DEFAULT_DIR",
    "LaneError", "PageError", "Head", "Page", "encode_head", "encode_page", "decode_page",
    "pack_body", "unpack_body", "paginate", "Reassembler", "new_sid", "check_name",
    "yard_path", "names_from_path", "default_dir", "LaneSocket", "msgpack_available",
]

MAX_PAGE_SIZE = 65535
MAX_MESSAGE_SIZE = 67107840
PK_JSON = 0
PK_MSGPACK = 1
FIELDS = ("ri", "vn", "pk", "sn", "dn", "si", "bi", "pn", "pc")
HEAD_END = b"\n\n"
PREFIX = b"ri RAET\n"
DEFAULT_SI = "000000000000000000"
SI_LENGTH = 18
DEFAULT_DIR = os.path.join("/var", "cache", "raet")
ALT_DIR = os.path.join("~", ".raet", "uxd")
_HEX_FIELDS = ("vn", "pk", "bi", "pn", "pc")


class LaneError(Exception):
    """A lane operation failed (socket, naming, sending)."""


class PageError(LaneError):
    """A page could not be built or parsed."""


def msgpack_available():
    return msgpack is not None


# ---------------------------------------------------------------------------------------------
# names and paths

def check_name(name, what="yard name"):
    """Raises ValueError unless ``name`` is a usable lane or yard name (no dots, spaces, slashes)."""
    if not isinstance(name, str) or not name:
        raise ValueError("{0} must be a non-empty string".format(what))
    for bad in (".", " ", "/", "\n", "\0"):
        if bad in name:
            raise ValueError("{0} {1!r} must not contain {2!r}".format(what, name, bad))
    return name


def default_dir():
    """``$RAET_LANE_DIR``, else ``/var/cache/raet`` when writable, else ``~/.raet/uxd``."""
    env = os.environ.get("RAET_LANE_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if os.path.isdir(DEFAULT_DIR) and os.access(DEFAULT_DIR, os.R_OK | os.W_OK):
        return DEFAULT_DIR
    if not os.path.exists(DEFAULT_DIR):
        try:
            os.makedirs(DEFAULT_DIR)
            return DEFAULT_DIR
        except OSError:
            pass
    return os.path.abspath(os.path.expanduser(ALT_DIR))


def yard_path(dirpath, lane, yard):
    """The socket path of ``yard`` on ``lane``: ``<dir>/<lane>.<yard>.uxd``."""
    check_name(yard)
    if not lane or " " in lane:
        raise ValueError("invalid lane name {0!r}".format(lane))
    return os.path.join(os.path.abspath(os.path.expanduser(dirpath)), "{0}.{1}.uxd".format(lane, yard))


def names_from_path(path):
    """``(lane, yard)`` from a socket path (split at the last dot of the file's root name)."""
    if isinstance(path, bytes):
        path = path.decode("utf-8", "surrogateescape")
    tail = os.path.basename(path or "")
    root, ext = os.path.splitext(tail)
    if ext != ".uxd":
        raise ValueError("not a yard socket path: {0!r}".format(path))
    lane, sep, yard = root.rpartition(".")
    if not sep:
        raise ValueError("no lane.yard in socket path: {0!r}".format(path))
    return lane, yard


def new_sid(size=SI_LENGTH):
    """A session id as the reference makes it: hex microseconds since the epoch, then random hex."""
    front = "{0:x}".format(int(time.time() * 1000000))
    extra = max(size - len(front), 0)
    back = binascii.hexlify(os.urandom(extra // 2 + extra % 2)).decode("ascii")
    return (front + back)[:size]


# ---------------------------------------------------------------------------------------------
# pages

class Head:
    """The nine header fields of a page."""

    __slots__ = FIELDS

    def __init__(self, sn="", dn="", si=DEFAULT_SI, bi=0, pn=0, pc=1, pk=PK_JSON, vn=0, ri="RAET"):
        self.ri, self.vn, self.pk, self.sn, self.dn = ri, vn, pk, sn, dn
        self.si, self.bi, self.pn, self.pc = si, bi, pn, pc

    def copy(self, **changes):
        h = Head(**{k: getattr(self, k) for k in FIELDS})
        for k, v in changes.items():
            setattr(h, k, v)
        return h

    def as_dict(self):
        return {k: getattr(self, k) for k in FIELDS}

    def __eq__(self, other):
        return isinstance(other, Head) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return "Head({0})".format(", ".join("{0}={1!r}".format(k, getattr(self, k)) for k in FIELDS))


class Page:
    """A parsed page: ``head`` (Head) and ``body`` (the raw body bytes or section)."""

    __slots__ = ("head", "body")

    def __init__(self, head, body):
        self.head = head
        self.body = body

    @property
    def paged(self):
        return self.head.pc > 1


def _check_head_text(key, value):
    if " " in value or "\n" in value:
        raise PageError("{0} must not contain a space or a newline: {1!r}".format(key, value))


def encode_head(head):
    """The header bytes of ``head``, terminator included (reference formats: ``vn pk bi`` hex,
    ``pn pc`` 4-digit hex, ``ri`` cut to 4 and ``si`` to 18 characters)."""
    for key in ("sn", "dn", "si"):
        _check_head_text(key, getattr(head, key))
    for key in _HEX_FIELDS:
        v = getattr(head, key)
        if not isinstance(v, int) or v < 0:
            raise PageError("{0} must be a non-negative int: {1!r}".format(key, v))
    if head.pc < 1 or head.pn >= head.pc:
        raise PageError("page number {0} out of range for count {1}".format(head.pn, head.pc))
    text = "ri {0:.4s}\nvn {1:x}\npk {2:x}\nsn {3}\ndn {4}\nsi {5:.18s}\nbi {6:x}\npn {7:04x}\npc {8:04x}".format(
        head.ri, head.vn, head.pk, head.sn, head.dn, head.si, head.bi, head.pn, head.pc)
    return text.encode("utf-8") + HEAD_END


def encode_page(head, body):
    """One page: ``encode_head(head) + body`` (body: bytes). Raises PageError above 65535 bytes."""
    page = encode_head(head) + (body or b"")
    if len(page) > MAX_PAGE_SIZE:
        raise PageError("page of {0} bytes exceeds {1}".format(len(page), MAX_PAGE_SIZE))
    return page


def decode_page(data):
    """Parses a page's header; returns ``Page(head, body_bytes)``. Raises PageError."""
    if not data or not data.startswith(PREFIX):
        raise PageError("unrecognized page head")
    front, sep, back = data.partition(HEAD_END)
    if not sep:
        raise PageError("page head has no terminator")
    try:
        text = front.decode("utf-8")
    except UnicodeDecodeError:
        text = front.decode("iso-8859-1")
    values = {}
    for line in text.split("\n"):
        key, sp, val = line.partition(" ")
        if not sp or " " in val:
            raise PageError("bad page head line {0!r}".format(line))
        if key not in FIELDS:
            raise PageError("unknown page head field {0!r}".format(key))
        if key in values:
            raise PageError("duplicate page head field {0!r}".format(key))
        if key in _HEX_FIELDS:
            try:
                values[key] = int(val, 16)
            except ValueError:
                raise PageError("field {0} is not hex: {1!r}".format(key, val)) from None
        else:
            values[key] = val
    missing = [k for k in FIELDS if k not in values]
    if missing:
        raise PageError("page head lacks {0}".format(" ".join(missing)))
    head = Head(**values)
    if head.pc < 1 or head.pn >= head.pc:
        raise PageError("page number {0} out of range for count {1}".format(head.pn, head.pc))
    return Page(head, back)


# ---------------------------------------------------------------------------------------------
# bodies

def pack_body(body, pk=PK_JSON):
    """Serializes a mapping as the reference does (an empty mapping gives an empty body)."""
    if not isinstance(body, dict):
        raise PageError("a body must be a mapping, not {0}".format(type(body).__name__))
    if not body:
        data = b""
    elif pk == PK_JSON:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
    elif pk == PK_MSGPACK:
        if msgpack is None:
            raise PageError("msgpack is not installed")
        data = msgpack.packb(body, use_bin_type=True)
    else:
        raise PageError("unknown pack kind {0}".format(pk))
    if len(data) > MAX_MESSAGE_SIZE:
        raise PageError("body of {0} bytes exceeds {1}".format(len(data), MAX_MESSAGE_SIZE))
    return data


def unpack_body(data, pk=PK_JSON):
    """Parses a body; an empty body is the empty mapping. Raises PageError unless it is a mapping."""
    if not data:
        return {}
    try:
        if pk == PK_JSON:
            body = json.loads(data.decode("utf-8"))
        elif pk == PK_MSGPACK:
            if msgpack is None:
                raise PageError("msgpack body received but msgpack is not installed")
            try:
                body = msgpack.unpackb(data, raw=False, strict_map_key=False)
            except TypeError:  # msgpack < 1.0 has no strict_map_key
                body = msgpack.unpackb(data, raw=False)
        else:
            raise PageError("unknown pack kind {0}".format(pk))
    except PageError:
        raise
    except Exception as ex:  # json/msgpack errors, bad UTF-8
        raise PageError("cannot parse body: {0}".format(ex)) from None
    if not isinstance(body, dict):
        raise PageError("body is not a mapping")
    return body


def paginate(head, data, max_page=MAX_PAGE_SIZE):
    """The pages (bytes) carrying the serialized body ``data`` with header ``head`` (its pn/pc are
    set here). One page when it fits, else sections of ``max_page - (headsize + 2)`` bytes."""
    first = head.copy(pn=0, pc=1)
    hb = encode_head(first)
    if len(hb) + len(data) <= max_page:
        return [hb + data]
    secsize = max_page - (len(hb) + 2)
    count = len(data) // secsize + (1 if len(data) % secsize else 0)
    if count > 0xFFFF:
        raise PageError("body of {0} bytes needs more than 65535 pages".format(len(data)))
    pages = []
    for i in range(count):
        section = data[i * secsize:(i + 1) * secsize]
        pages.append(encode_page(head.copy(pn=i, pc=count), section))
    return pages


class Reassembler:
    """Collects pages into books keyed by ``(dn, sn, si, bi)``.

    ``add(page)`` returns ``(head, body_bytes)`` when a book is complete (a single page is complete
    at once), else None. A paged book must start with page 0 (else the page is dropped, stat
    ``missed_page``). A page whose ``si`` differs from the last one seen from its sender discards
    that sender's partial books of other sessions (stat ``stale_book``).
    """

    def __init__(self, max_books=64):
        self.books = {}  # (dn, sn, si, bi) -> [head, sections, have]
        self.rsids = {}  # sn -> last si seen
        self.max_books = max_books
        self.stats = {}

    def _inc(self, key):
        self.stats[key] = self.stats.get(key, 0) + 1

    def add(self, page):
        h = page.head
        if self.rsids.get(h.sn) != h.si:
            self.rsids[h.sn] = h.si
            for index in [i for i in self.books if i[1] == h.sn and i[2] != h.si]:
                del self.books[index]
                self._inc("stale_book")
        if h.pc <= 1:
            return h, page.body
        index = (h.dn, h.sn, h.si, h.bi)
        book = self.books.get(index)
        if book is None:
            if h.pn != 0:
                self._inc("missed_page")
                return None
            if len(self.books) >= self.max_books:  # drop the oldest partial book
                del self.books[next(iter(self.books))]
                self._inc("dropped_book")
            book = self.books[index] = [h, [None] * h.pc, 0]
        first, sections, _ = book
        if h.pc != first.pc:
            self._inc("bad_page")
            return None
        if sections[h.pn] is None:
            book[2] += 1
        sections[h.pn] = page.body
        if book[2] < len(sections):
            return None
        del self.books[index]
        return first, b"".join(sections)

    def forget(self, sn):
        """Drops the partial books and the session id of sender ``sn``."""
        self.rsids.pop(sn, None)
        for index in [i for i in self.books if i[1] == sn]:
            del self.books[index]


# ---------------------------------------------------------------------------------------------
# socket

class LaneSocket:
    """A bound, non-blocking ``AF_UNIX``/``SOCK_DGRAM`` socket at ``path`` (mode 0600).

    ``send`` retries while the receiver's queue is full (EAGAIN/EWOULDBLOCK/ENOBUFS) until
    ``send_timeout`` seconds have passed.
    """

    def __init__(self, path, send_timeout=10.0, rcvbuf=MAX_PAGE_SIZE * 100, replace_stale=True):
        self.path = path
        self.send_timeout = send_timeout
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        if replace_stale and os.path.exists(path):
            if not stat.S_ISSOCK(os.stat(path).st_mode):
                raise LaneError("{0} exists and is not a socket".format(path))
            if _socket_alive(path):
                raise LaneError("yard socket {0} is in use by another process".format(path))
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, MAX_PAGE_SIZE * 4)
            except OSError:
                pass
            old = os.umask(0o177)
            try:
                self.sock.bind(path)
            finally:
                os.umask(old)
            os.chmod(path, 0o600)
            self.sock.setblocking(False)
        except OSError as ex:
            self.sock.close()
            raise LaneError("cannot bind yard socket {0}: {1}".format(path, ex)) from ex
        self.closed = False
        self.busy = 0  # sends retried because the receiver's queue was full

    def fileno(self):
        return self.sock.fileno()

    def send(self, data, path, deadline=None):
        """Sends one datagram to ``path``. Raises ``LaneError`` (``errno`` set) on failure."""
        if deadline is None:
            deadline = time.monotonic() + self.send_timeout
        delay = 0.0005
        while True:
            try:
                self.sock.sendto(data, path)
                return
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as ex:
                if ex.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.ENOBUFS, errno.EINTR):
                    err = LaneError("cannot send to {0}: {1}".format(path, ex))
                    err.errno = ex.errno
                    raise err from ex
            self.busy += 1
            if time.monotonic() >= deadline:
                err = LaneError("send to {0} timed out (receiver queue full)".format(path))
                err.errno = errno.EAGAIN
                raise err
            time.sleep(delay)
            delay = min(delay * 2, 0.02)

    def recv(self):
        """One datagram ``(data, source_path)`` or None when none is waiting."""
        try:
            data, addr = self.sock.recvfrom(MAX_PAGE_SIZE + 1024)
        except (BlockingIOError, InterruptedError):
            return None
        if isinstance(addr, bytes):
            addr = addr.decode("utf-8", "surrogateescape")
        return data, addr or None

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.close()
        finally:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _socket_alive(path):
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        probe.connect(path)
        return True
    except OSError:
        return False
    finally:
        probe.close()
