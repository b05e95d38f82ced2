#!/usr/bin/env python3
"""End-to-end benchmark: the Java stack and the Python reference (raet 0.6.8) through the same scenarios on
loopback, with the ratio from the same run. Standard library only; drives `raet soak` (raet-cli/target/raet.jar)
for Java estates and `interop/python/refpeer.py` for reference estates.

Every sender, Java or reference, keeps the same window: W messages in flight, a new one started as each ends.

Scenarios (--scenarios, comma-separated; default pairs,fanin,large,memory):
  pairs   the four sender -> receiver pairs: join+allow, 100 B messages (64 in flight), CPU, 1 MiB messages one at a
          time, round trip (one in flight); and the reference -> reference run queued all at once (the previous
          method of this bench) for comparison
  fanin   k senders (separate processes) to one receiver, 100 B, 64 in flight each: messages/s at the receiver,
          Java -> Java and reference -> reference (--ks)
  mib     (not in the default set) 1 MiB messages one at a time, Java -> Java with the receiver's signature
          helper threads (both sides) as --mib-crypto-threads lists them, and reference -> reference
  large   many large messages queued at once (200 x 60 KiB): datagrams sent and received against the segments
          needed, and the time
  memory  heap bytes per idle remote with 10,000 remotes on one stack
"""
import argparse
import ctypes
import json
import os
import platform
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAR = os.path.join(ROOT, "raet-cli", "target", "raet.jar")
JVM = [os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "--enable-native-access=ALL-UNNAMED",
       "--sun-misc-unsafe-memory-access=allow"]
JAVA = JVM + ["-jar", JAR]
# helper threads signing and checking signatures ahead in every Java estate (--crypto-threads)
CRYPTO_THREADS = 0
BENCH_CLASSES = os.path.join(ROOT, "raet-bench", "target", "classes")
PY = os.environ.get("RAET_PYTHON", sys.executable)
REFPEER = os.path.join(ROOT, "interop", "python", "refpeer.py")
LOGDIR = os.environ.get("RAET_BENCH_LOGS") or tempfile.mkdtemp(prefix="raet-bench-")
os.makedirs(LOGDIR, exist_ok=True)
WINDOW = 64
SMALL = 100
LARGE_SIZE = 60 * 1024
NAMES = {"java": "Java", "py": "reference"}


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


class Proc:
    """A child process speaking JSON lines on stdout (stderr goes to a log file in LOGDIR)."""

    count = 0

    def __init__(self, args, tag):
        Proc.count += 1
        self.log = os.path.join(LOGDIR, "%03d-%s.log" % (Proc.count, tag))
        self.err = open(self.log, "w")
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
                                  text=True, bufsize=1)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            if line.startswith("{"):
                try:
                    self.q.put(json.loads(line))
                except ValueError:
                    pass
        self.q.put(None)

    def send(self, obj):
        self.p.stdin.write(json.dumps(obj) + "\n")
        self.p.stdin.flush()

    def wait_for(self, event, timeout=120):
        """The next event of that name; an `error` event, the end of the process or the timeout raise."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %s event within %.0f s (log: %s)" % (event, timeout, self.log))
            try:
                e = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if e is None:
                raise RuntimeError("process ended waiting for %s (log: %s)" % (event, self.log))
            if e.get("event") == "error":
                raise RuntimeError("error event waiting for %s: %s" % (event, e))
            if e.get("event") == event:
                return e

    def cpu(self):
        return cpu_seconds(self.p.pid)

    def close(self, grace=5):
        """Asks a reference peer to quit; a Java soak process gets SIGTERM (its work is over by then)."""
        if self.p.poll() is None:
            try:
                self.send({"cmd": "quit"})
            except (OSError, ValueError):
                pass
            try:
                self.p.wait(min(grace, 0.5))
            except subprocess.TimeoutExpired:
                self.p.terminate()
                try:
                    self.p.wait(grace)
                except subprocess.TimeoutExpired:
                    self.p.kill()
                    self.p.wait()
        self.err.close()


class Peers:
    """Processes of one scenario, all closed at the end of it."""

    def __init__(self):
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            p.close()

    def add(self, p):
        self.procs.append(p)
        return p

    def refpeer(self, name, main):
        args = [PY, "-u", REFPEER, "--name", name, "--port", str(free_port()), "--auto", "always", "--digest-only",
                "--manage-period", "0", "--verbosity", "0"]
        if main:
            args.append("--main")
        p = self.add(Proc(args, "ref-" + name))
        p.port = p.wait_for("ready", 60)["port"]
        p.peer_name = name
        p.kind = "py"
        return p

    def java_receiver(self, count, timeout, shards=None, crypto_threads=None):
        ct = CRYPTO_THREADS if crypto_threads is None else crypto_threads
        p = self.add(Proc(JAVA + ["soak", "--receive", "--port", "0", "--count", str(count), "--timeout",
                                  str(int(timeout)), "--name", "jrecv", "--any"]
                          + (["--shards", str(shards)] if shards else [])
                          + (["--crypto-threads", str(ct)] if ct else []), "java-recv"))
        p.port = p.wait_for("ready", 60)["port"]
        p.peer_name = "jrecv"
        p.kind = "java"
        return p

    def java_sender(self, port, count, size, window, warmup, timeout, name="jsend", start_on_stdin=False,
                    crypto_threads=None):
        ct = CRYPTO_THREADS if crypto_threads is None else crypto_threads
        args = JAVA + ["soak", "--send", "--to", "127.0.0.1:%d" % port, "--count", str(count), "--size", str(size),
                       "--window", str(window), "--timeout", str(int(timeout)), "--name", name,
                       "--warmup", str(warmup)] + (["--crypto-threads", str(ct)] if ct else [])
        if start_on_stdin:
            args.append("--start-on-stdin")
        return self.add(Proc(args, "java-" + name))


def join_allow(sender, receiver):
    """A reference sender joins and allows the receiver; returns the milliseconds it took, seen from here (a
    reference receiver is then waited for until it has allowed the sender too)."""
    t0 = time.monotonic()
    sender.send({"cmd": "join", "host": "127.0.0.1", "port": receiver.port})
    sender.wait_for("joined", 30)
    sender.send({"cmd": "allow", "name": receiver.peer_name})
    sender.wait_for("allowed", 30)
    ms = (time.monotonic() - t0) * 1000
    if receiver.kind == "py":
        receiver.wait_for("allowed", 30)
    return ms


def run_ref_sender(snd, recv_name, count, size, window, timeout):
    snd.send({"cmd": "send", "name": recv_name, "msg": {"subject": "bench"}, "pad": size, "count": count,
              "window": window, "timeout": timeout})
    return snd.wait_for("send_done", timeout + 60)


def transfer(sender_kind, receiver_kind, count, size, window, timeout=300, crypto_threads=None):
    """`count` messages of `size` bytes with `window` in flight. Returns join_allow_ms, seconds (the sender's:
    first message started to last one done), cpu (both processes), p50_us, p99_us (per-message round trip)."""
    warmup = (3000 if size <= 1000 else 2) if sender_kind == "java" else 0
    with Peers() as peers:
        if receiver_kind == "java":
            recv = peers.java_receiver(count, timeout, crypto_threads=crypto_threads)
        else:
            recv = peers.refpeer("precv", True)
            recv.send({"cmd": "expect", "count": warmup + count})
            recv.wait_for("expecting", 30)
        if sender_kind == "java":
            snd = peers.java_sender(recv.port, count, size, window, warmup, timeout, crypto_threads=crypto_threads)
            snd.wait_for("timed_start", timeout)
            c0 = recv.cpu()
            res = snd.wait_for("soak_sent", timeout + 60)
            if not res.get("ok"):
                raise RuntimeError("Java sender: %d of %d failed" % (res["failed"], count))
            return {"join_allow_ms": res["join_allow_ms"], "seconds": res["seconds"],
                    "cpu": res["cpu_seconds"] + recv.cpu() - c0, "p50_us": res.get("p50_us"),
                    "p99_us": res.get("p99_us")}
        snd = peers.refpeer("psend", False)
        ja = join_allow(snd, recv)
        c0 = snd.cpu() + recv.cpu()
        res = run_ref_sender(snd, recv.peer_name, count, size, window, timeout)
        if res["failed"]:
            raise RuntimeError("reference sender: %d of %d failed" % (res["failed"], count))
        out = {"join_allow_ms": ja, "seconds": res["seconds"], "cpu": snd.cpu() + recv.cpu() - c0,
               "p50_us": res["p50_us"], "p99_us": res["p99_us"]}
        recv.wait_for("received" if receiver_kind == "py" else "soak_received", 60)
        return out


def all_at_once(count, size, timeout=300):
    """The previous method for the reference: every message queued at once, timed until the receiver has all."""
    with Peers() as peers:
        recv = peers.refpeer("precv", True)
        snd = peers.refpeer("psend", False)
        join_allow(snd, recv)
        recv.send({"cmd": "expect", "count": count})
        recv.wait_for("expecting", 30)
        t0 = time.monotonic()
        snd.send({"cmd": "send", "name": recv.peer_name, "msg": {"subject": "bench"}, "pad": size, "count": count})
        recv.wait_for("received", timeout)
        return {"seconds": time.monotonic() - t0}


def fanin(kind, k, n, timeout=300, shards=None):
    """k senders of `kind` to one receiver of the same kind, n messages of 100 B each, 64 in flight per sender,
    started together once all have joined; the receiver's messages/s from its first message to its last. `shards`:
    the Java receiver's owner threads (None: its default, one per core)."""
    with Peers() as peers:
        if kind == "java":
            # the receiver's JIT warmed by about 2,000 messages in all, before the timed run starts
            warmup = max(200, min(n, 2000 // k))
            recv = peers.java_receiver(k * n, timeout, shards)
            # started a few at a time (one per two cores), so that JVMs starting together do not starve the
            # handshakes of those already started
            snds, batch = [], max(1, (os.cpu_count() or 2) // 2)
            for i in range(0, k, batch):
                group = [peers.java_sender(recv.port, n, SMALL, WINDOW, warmup, timeout, "js%d" % j, True)
                         for j in range(i, min(k, i + batch))]
                for s in group:
                    s.wait_for("waiting", timeout)
                snds += group
            for s in snds:
                s.send({"cmd": "go"})
            res = recv.wait_for("soak_received", timeout + 30)
            for s in snds:
                done = s.wait_for("soak_sent", timeout)
                if not done.get("ok"):
                    raise RuntimeError("a Java sender failed %d messages" % done["failed"])
            if not res.get("ok"):
                raise RuntimeError("Java receiver got %d of %d" % (res["received"], k * n))
            return {"received": res["received"], "seconds": res["seconds"]}
        recv = peers.refpeer("precv", True)
        snds = [peers.refpeer("ps%d" % i, False) for i in range(k)]
        for s in snds:
            join_allow(s, recv)
        recv.send({"cmd": "expect", "count": k * n})
        recv.wait_for("expecting", 30)
        for s in snds:
            s.send({"cmd": "send", "name": recv.peer_name, "msg": {"subject": "bench"}, "pad": SMALL, "count": n,
                    "window": WINDOW, "timeout": timeout})
        res = recv.wait_for("received", timeout + 30)
        for s in snds:
            done = s.wait_for("send_done", timeout)
            if done["failed"]:
                raise RuntimeError("a reference sender failed %d messages" % done["failed"])
        return {"received": res["count"], "seconds": res["seconds"]}


def large(sender_kind, receiver_kind, count, size, timeout):
    """`count` messages of `size` bytes queued at once: datagrams the sender sent and the receiver received
    (the receiver's count includes the few of the handshake), against the segments the messages need."""
    with Peers() as peers:
        if receiver_kind == "java":
            recv = peers.java_receiver(count, timeout)
        else:
            recv = peers.refpeer("precv", True)
            recv.send({"cmd": "expect", "count": count})
            recv.wait_for("expecting", 30)
        if sender_kind == "java":
            snd = peers.java_sender(recv.port, count, size, count, 0, timeout)
            before = snd.wait_for("timed_start", 120)["stats"]
            res = snd.wait_for("soak_sent", timeout + 60)
            out = {"delivered": res["delivered"], "seconds": res["seconds"], "segments": res["segments"],
                   "sent": res["stats"].get("packets_sent", 0) - before.get("packets_sent", 0)}
        else:
            snd = peers.refpeer("psend", False)
            join_allow(snd, recv)
            res = run_ref_sender(snd, recv.peer_name, count, size, count, timeout)
            out = {"delivered": res["delivered"], "seconds": res["seconds"], "segments": res["segments"],
                   "sent": res["datagrams_sent"]}
        if receiver_kind == "py":
            recv.send({"cmd": "status"})
            out["received"] = recv.wait_for("status", 30)["datagrams_received"]
        elif out["delivered"] == count:
            out["received"] = recv.wait_for("soak_received", 60)["stats"].get("packets_received")
        return out


def memory(n=10000):
    idle = {}
    if os.path.isdir(BENCH_CLASSES) and os.path.isfile(JAR):
        out = subprocess.run(JVM + ["-cp", BENCH_CLASSES + os.pathsep + JAR, "io.raet.bench.IdleRemotesMemory",
                                    str(n)], capture_output=True, text=True)
        try:
            idle["Java"] = json.loads(out.stdout.strip().splitlines()[-1])["bytes_per_remote"]
        except (ValueError, IndexError, KeyError):
            print("# memory (Java) failed: %s" % (out.stderr.strip()[-500:] or out.stdout.strip()[-500:]),
                  flush=True)
    else:
        print("# memory (Java) skipped: %s or %s is missing (build first)" % (BENCH_CLASSES, JAR), flush=True)
    out = subprocess.run([PY, os.path.join(ROOT, "raet-bench", "python", "idle_remotes.py"), str(n)],
                         capture_output=True, text=True)
    try:
        idle["reference"] = json.loads(out.stdout.strip().splitlines()[-1])["bytes_per_remote"]
    except (ValueError, IndexError, KeyError):
        print("# memory (reference) failed: %s" % out.stderr.strip()[-500:], flush=True)
    return idle


def attempt(label, fn, *args, retry=True):
    """Runs a measurement, once more if it failed (a port taken between probing and binding, a slow start);
    None when it failed twice. Prints what it measured."""
    for i in range(2 if retry else 1):
        try:
            t0 = time.monotonic()
            r = fn(*args)
            print("# %s (%.0f s): %s" % (label, time.monotonic() - t0, json.dumps(r)), flush=True)
            return r
        except (RuntimeError, TimeoutError, OSError) as e:
            print("# %s failed%s: %s" % (label, ", retrying" if i == 0 and retry else "", e), flush=True)
    return None


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        v = subprocess.run(JVM[:1] + ["-version"], capture_output=True, text=True).stderr.splitlines()
        jdk = v[1].strip() if len(v) > 1 else v[0].strip()
    except (OSError, IndexError):
        jdk = "JDK unknown"
    try:
        lib = ctypes.CDLL("libsodium.so.23")
        lib.sodium_version_string.restype = ctypes.c_char_p
        sodium = lib.sodium_version_string().decode()
    except (OSError, AttributeError):
        sodium = "unknown"
    try:
        pyv = subprocess.run([PY, "-c", "import platform; print(platform.python_implementation(), "
                                        "platform.python_version())"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pyv = "Python unknown"
    return ("machine: %s, %d cores, Linux %s; %s; libsodium %s; reference raet 0.6.8 on %s; %s"
            % (cpu, os.cpu_count() or 0, platform.release(), jdk, sodium, pyv, time.strftime("%Y-%m-%d %H:%M")))


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return ("%.0f" % v if abs(v) >= 100 else "%.2f" % v) + unit
    return str(v) + unit


def ratio(java, ref, higher_better=True):
    """Java against the reference from this run: `N×` for rates (below 1 when Java is slower), `N× less` or
    `N× more` for costs."""
    if java is None or ref is None or not java or not ref:
        return "n/a"
    if higher_better:
        return "%.1f×" % (java / ref)
    return "%.1f× less" % (ref / java) if ref >= java else "%.1f× more" % (java / ref)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer messages (a few minutes on 2 cores)")
    ap.add_argument("--scenarios", default="pairs,fanin,large,memory", help="which scenarios (default all)")
    ap.add_argument("--ks", default="1,2,4,8", help="fan-in: numbers of senders (default 1,2,4,8)")
    ap.add_argument("--fanin-count", type=int, help="fan-in: messages per sender (default 3000, quick 500)")
    ap.add_argument("--no-reference-fanin", action="store_true", help="fan-in: Java only")
    ap.add_argument("--fanin-shards", type=int,
                    help="fan-in: owner threads of the Java receiver (default: its own, one per core; 1: one owner)")
    ap.add_argument("--large-count", type=int, help="messages of 60 KiB queued at once (default 200, quick 50)")
    ap.add_argument("--mib-crypto-threads", default="0,2,4",
                    help="scenario mib (not in the default set): the crypto helper threads of both Java estates to "
                         "try (default 0,2,4)")
    ap.add_argument("--crypto-threads", type=int, default=0,
                    help="crypto helper threads (signing and checking ahead) in every Java estate (default 0: none)")
    args = ap.parse_args()
    global CRYPTO_THREADS
    CRYPTO_THREADS = args.crypto_threads
    # a time limit's SIGTERM unwinds the scenarios, so their processes are closed too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    scenarios = set(s.strip() for s in args.scenarios.split(",") if s.strip())
    quick = args.quick
    n = 2000 if quick else 10000
    big = 3 if quick else 5
    rtt_n = 300 if quick else 1000
    fan_n = args.fanin_count or (500 if quick else 3000)
    ks = [int(k) for k in args.ks.split(",") if k.strip()]
    large_n = args.large_count or (50 if quick else 200)
    print(machine(), flush=True)
    if CRYPTO_THREADS:
        print("# Java estates: %d crypto helper threads each" % CRYPTO_THREADS, flush=True)
    print("# logs of the processes: %s" % LOGDIR, flush=True)
    pairs = [("java", "java"), ("py", "py"), ("java", "py"), ("py", "java")]
    rows = []  # (label, {pair: value}, ratio)

    def label(pair):
        return "%s → %s" % (NAMES[pair[0]], NAMES[pair[1]])

    if "pairs" in scenarios:
        small, mib, rtt = {}, {}, {}
        for p in pairs:
            small[p] = attempt("%s, %d × 100 B, %d in flight" % (label(p), n, WINDOW), transfer, *p, n, SMALL,
                               WINDOW)
            mib[p] = attempt("%s, %d × 1 MiB, one at a time" % (label(p), big), transfer, *p, big, 1 << 20, 1)
            rtt[p] = attempt("%s, %d × 100 B, one in flight" % (label(p), rtt_n), transfer, *p, rtt_n, SMALL, 1)
        old = attempt("reference → reference, %d × 100 B all queued at once" % n, all_at_once, n, SMALL)

        def get(d, p, key, scale=None):
            r = d.get(p)
            if not r or r.get(key) is None:
                return None
            return scale(r) if scale else r[key]
        jj, rr = ("java", "java"), ("py", "py")
        rate = {p: get(small, p, "seconds", lambda r: n / r["seconds"]) for p in pairs}
        for name, d, key, scale, hb in (
                ("join+allow ms", small, "join_allow_ms", None, False),
                ("100 B msgs/s, %d in flight" % WINDOW, small, "seconds", lambda r: n / r["seconds"], True),
                ("CPU s / 10k msgs (both processes)", small, "cpu", lambda r: r["cpu"] * 10000 / n, False),
                ("1 MiB MB/s, one at a time", mib, "seconds", lambda r: big * (1 << 20) / 1e6 / r["seconds"], True),
                ("RTT median µs (one in flight)", rtt, "p50_us", None, False),
                ("RTT p99 µs (one in flight)", rtt, "p99_us", None, False)):
            vals = {p: get(d, p, key, scale) for p in pairs}
            rows.append((name, vals, ratio(vals[jj], vals[rr], hb)))
        oldv = n / old["seconds"] if old else None
        rows.append(("100 B msgs/s, reference all queued at once (previous method)", {rr: oldv},
                     ratio(rate[jj], oldv)))

    if "mib" in scenarios:
        # One busy remote: 1 MiB messages one at a time, both Java estates with helper threads signing and checking
        # signatures ahead of their owners (--mib-crypto-threads), against reference -> reference in the same run.
        ref_mib = attempt("%s, %d × 1 MiB, one at a time" % (label(("py", "py")), big), transfer, "py", "py", big,
                          1 << 20, 1)
        ref_rate = big * (1 << 20) / 1e6 / ref_mib["seconds"] if ref_mib else None
        for ct in [int(v) for v in args.mib_crypto_threads.split(",") if v.strip()]:
            r = attempt("%s, %d × 1 MiB, one at a time, %d crypto helper threads each side" % (
                label(("java", "java")), big, ct), transfer, "java", "java", big, 1 << 20, 1, 300, ct)
            rate = big * (1 << 20) / 1e6 / r["seconds"] if r else None
            rows.append(("1 MiB MB/s, one at a time, Java estates with %d crypto helper thread%s each" % (
                ct, "" if ct == 1 else "s"), {("java", "java"): rate, ("py", "py"): ref_rate},
                ratio(rate, ref_rate)))

    if "fanin" in scenarios:
        base = {}
        for kind in ("java", "py"):
            if kind == "py" and args.no_reference_fanin:
                continue
            for k in ks:
                r = attempt("fan-in %s, %d × %d × 100 B" % (label((kind, kind)), k, fan_n), fanin, kind, k, fan_n,
                            300, args.fanin_shards)
                base[(kind, k)] = r["received"] / r["seconds"] if r and r["seconds"] else None
        for k in ks:
            vals = {("java", "java"): base.get(("java", k)), ("py", "py"): base.get(("py", k))}
            rows.append(("fan-in msgs/s at the receiver, %d sender%s × %d, %d in flight each%s"
                         % (k, "s" if k > 1 else "", fan_n, WINDOW, "" if not args.fanin_shards else
                            ", Java receiver of %d owner thread%s" % (args.fanin_shards,
                                                                      "s" if args.fanin_shards > 1 else "")),
                         vals, ratio(vals[("java", "java")],
                                                                                  vals[("py", "py")])))
        if len(ks) > 1:
            scale = {}
            for kind in ("java", "py"):
                a, b = base.get((kind, ks[-1])), base.get((kind, ks[0]))
                scale[(kind, kind)] = a / b if a and b else None
            rows.append(("fan-in: %d senders against %d (× the rate)" % (ks[-1], ks[0]),
                         {p: ("%.2f×" % v if v else None) for p, v in scale.items()}, ""))

    if "large" in scenarios:
        lpairs = [("java", "java"), ("py", "py"), ("java", "py")] + ([] if quick else [("py", "java")])
        res = {}
        for p in lpairs:
            res[p] = attempt("%s, %d × 60 KiB queued at once" % (label(p), large_n), large, *p, large_n,
                             LARGE_SIZE, 120 if quick else 300, retry=False)

        def cell(p, f):
            r = res.get(p)
            return f(r) if r and r.get("segments") else None
        sent = {p: cell(p, lambda r: "%d / %d = %.2f×" % (r["sent"], r["segments"], r["sent"] / r["segments"]))
                for p in lpairs}
        recv = {p: cell(p, lambda r: ("%d" % r["received"]) if r.get("received") is not None else None)
                for p in lpairs}
        secs = {p: cell(p, lambda r: r["seconds"] if r["delivered"] == large_n
                        else "%d of %d delivered" % (r["delivered"], large_n)) for p in lpairs}
        jr = cell(("java", "java"), lambda r: r["sent"] / r["segments"])
        rr_ = cell(("py", "py"), lambda r: r["sent"] / r["segments"])
        rows.append(("%d × 60 KiB queued at once: datagrams sent / segments needed" % large_n, sent,
                     ratio(jr, rr_, False)))
        rows.append(("%d × 60 KiB queued at once: datagrams received (with the handshake's)" % large_n, recv, ""))
        js = cell(("java", "java"), lambda r: r["seconds"] if r["delivered"] == large_n else None)
        rs = cell(("py", "py"), lambda r: r["seconds"] if r["delivered"] == large_n else None)
        rows.append(("%d × 60 KiB queued at once: seconds" % large_n, secs, ratio(js, rs, False)))

    if "memory" in scenarios:
        idle = memory()
        rows.append(("memory per idle remote, 10,000 remotes (bytes)",
                     {("java", "java"): idle.get("Java"), ("py", "py"): idle.get("reference")},
                     ratio(idle.get("Java"), idle.get("reference"), False)))

    print()
    print(machine())
    print("| scenario | " + " | ".join(label(p) for p in pairs) + " | Java vs reference |")
    print("|---|" + "---|" * (len(pairs) + 1))
    for name, vals, rat in rows:
        print("| %s | %s | %s |" % (name, " | ".join(fmt(vals.get(p)) for p in pairs), rat or ""))
    print("(Java vs reference: Java → Java against reference → reference, both measured above in this run; "
          "the bench took %.0f s.)" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
