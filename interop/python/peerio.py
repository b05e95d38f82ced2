"""JSON-lines plumbing shared by refpeer.py and lanepeer.py.

stdout carries only JSON event lines; everything else (raet's console, Python warnings,
stray prints) goes to stderr.
"""

import errno
import hashlib
import json
import os
import select
import sys
import traceback

BYTES_MARKER = "__bytes__"
PAD_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


class EventOut:
    """Writes one JSON object per line to the original stdout and flushes."""

    def __init__(self):
        self._out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
        # Anything else that writes to sys.stdout (ioflo's console) now goes to stderr.
        sys.stdout = sys.stderr

    def emit(self, obj):
        self._out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._out.flush()


def route_consoles(verbosity):
    """Points both ioflo consoles (ioflo.base.consoling, used by raet, and ioflo.aid.consoling,
    used by ioflo's socket servers) at sys.stdout, which EventOut has made stderr."""
    import importlib
    for modname in ("ioflo.base.consoling", "ioflo.aid.consoling"):
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        con = mod.getConsole()
        con.reinit(verbosity=verbosity)
        con.reopen()


def to_plain(obj):
    """Converts a received body into something json.dumps accepts.

    bytes -> {"__bytes__": "<hex>"}; tuples -> lists; non-str mapping keys -> their JSON text
    (bytes keys -> "__bytes__:<hex>"); floats/ints/bools/None/str unchanged.
    """
    if isinstance(obj, (bytes, bytearray)):
        return {BYTES_MARKER: bytes(obj).hex()}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if isinstance(k, str):
                key = k
            elif isinstance(k, (bytes, bytearray)):
                key = BYTES_MARKER + ":" + bytes(k).hex()
            else:
                key = json.dumps(k)
            out[key] = to_plain(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    return obj


def from_plain(obj):
    """Inverse of to_plain for values: {"__bytes__": hex} -> bytes (keys stay strings)."""
    if isinstance(obj, dict):
        if len(obj) == 1 and BYTES_MARKER in obj and isinstance(obj[BYTES_MARKER], str):
            return bytes.fromhex(obj[BYTES_MARKER])
        return {k: from_plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_plain(v) for v in obj]
    return obj


def canonical_bytes(plain):
    """Canonical JSON of a plain body: keys sorted, no whitespace, non-ASCII kept, UTF-8."""
    return json.dumps(plain, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def digest(plain):
    data = canonical_bytes(plain)
    return hashlib.sha256(data).hexdigest(), len(data)


def pad_string(n):
    """Deterministic filler: 'abc...z' repeated, cut to n characters."""
    n = int(n)
    reps = n // len(PAD_ALPHABET) + 1
    return (PAD_ALPHABET * reps)[:n]


def build_body(cmd):
    """Message body of a send command: cmd["msg"] (bytes markers decoded) plus, if cmd["pad"]
    is given, key cmd.get("padkey", "pad") set to pad_string(cmd["pad"])."""
    msg = cmd.get("msg", {})
    if not isinstance(msg, dict):
        raise ValueError("msg must be a JSON object")
    body = from_plain(msg)
    if cmd.get("pad") is not None:
        body[cmd.get("padkey", "pad")] = pad_string(cmd["pad"])
    return body


def message_event(body, sender, digest_over, digest_only, extra=None):
    plain = to_plain(body)
    sha, length = digest(plain)
    ev = {"event": "message", "from": sender, "sha256": sha, "len": length}
    if extra:
        ev.update(extra)
    if not digest_only and length <= digest_over:
        ev["msg"] = plain
    return ev


class LineReader:
    """Non-blocking line reader on fd 0 (use with select)."""

    def __init__(self, fd=0):
        self.fd = fd
        self.buf = b""
        self.eof = False
        os.set_blocking(fd, False)

    def read_lines(self):
        lines = []
        while True:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            except OSError as ex:
                if ex.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    break
                raise
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.strip()
            if line:
                lines.append(line.decode("utf-8"))
        if self.eof and self.buf.strip():
            lines.append(self.buf.strip().decode("utf-8"))
            self.buf = b""
        return lines


# ---- the peers' common loop -------------------------------------------------------------------

def dispatch(peer, line):
    """Runs one command line on ``peer`` (its ``cmd_<name>`` method). Returns False on ``quit``.
    Bad JSON, unknown commands and failing commands are reported as ``error`` events."""
    try:
        cmd = json.loads(line)
    except ValueError as ex:
        peer.emit({"event": "error", "error": "bad json: {0}".format(ex), "line": line[:200]})
        return True
    name = cmd.get("cmd") if isinstance(cmd, dict) else None
    if name == "quit":
        return False
    fn = getattr(peer, "cmd_" + str(name), None)
    if fn is None:
        peer.emit({"event": "error", "cmd": name, "error": "unknown command"})
        return True
    try:
        fn(cmd)
    except Exception as ex:  # report and go on
        traceback.print_exc(file=sys.stderr)
        peer.emit({"event": "error", "cmd": name, "error": "{0}: {1}".format(type(ex).__name__, ex)})
    return True


def wait_and_dispatch(peer, reader, sock, interval, exit_on_eof):
    """Waits up to ``interval`` for stdin or the stack's socket, runs the commands that arrived.
    Returns False when the peer should stop (``quit``, or end of stdin with ``exit_on_eof``)."""
    rlist = [sock] if reader.eof else [0, sock]
    try:
        ready, _, _ = select.select(rlist, [], [], interval)
    except InterruptedError:
        ready = []
    if 0 in ready:
        for line in reader.read_lines():
            if not dispatch(peer, line):
                return False
        if reader.eof and exit_on_eof:
            return False
    return True


def service(peer):
    """``serviceAll()`` of the peer's stack; an exception out of it is reported, not fatal."""
    try:
        peer.stack.serviceAll()
    except Exception as ex:
        traceback.print_exc(file=sys.stderr)
        peer.emit({"event": "error", "where": "serviceAll",
                   "error": "{0}: {1}".format(type(ex).__name__, ex)})


def drain_messages(peer):
    """Emits a ``message`` event for every message the peer's stack received."""
    st = peer.stack
    while st.rxMsgs:
        body, name = st.rxMsgs.popleft()
        peer.rx_count += 1
        peer.emit(message_event(body, name, peer.digest_over, peer.digest_only))


def main(peer_class, args, events):
    """Starts ``peer_class(args)`` and runs it; a failure to start is an ``error`` event and exit 2."""
    route_consoles(args.verbosity)
    try:
        peer = peer_class(args)
    except Exception as ex:
        traceback.print_exc(file=sys.stderr)
        events.emit({"event": "error", "where": "start",
                     "error": "{0}: {1}".format(type(ex).__name__, ex)})
        return 2
    peer.run()
    return 0
