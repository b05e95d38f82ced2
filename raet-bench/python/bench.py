#!/usr/bin/env python3
"""End-to-end benchmark: the Java stack and the Python reference (raet 0.6.8) through the same scenarios on
loopback, printed side by side with the ratio. Standard library only; drives `scripts/raet soak` for Java
estates and `interop/python/refpeer.py` for reference estates."""
import argparse
import json
import os
import platform
import queue
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAVA = [os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-jar", os.path.join(ROOT, "raet-cli", "target", "raet.jar")]
PY = os.environ.get("RAET_PYTHON", sys.executable)
REFPEER = os.path.join(ROOT, "interop", "python", "refpeer.py")
LOGDIR = os.environ.get("RAET_BENCH_LOGS") or __import__("tempfile").mkdtemp(prefix="raet-bench-")


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
    """A child process speaking JSON lines on stdout."""

    def __init__(self, args):
        self.err = open(os.path.join(LOGDIR, "child-%d.log" % len(os.listdir(LOGDIR))), "w")
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

    def wait_for(self, pred, timeout=120):
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching event")
            e = self.q.get(timeout=left)
            if e is None:
                raise RuntimeError("process ended")
            if pred(e):
                return e

    def cpu(self):
        return cpu_seconds(self.p.pid)

    def close(self):
        try:
            self.send({"cmd": "quit"})
        except (OSError, ValueError):
            pass
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def refpeer(name, port, main):
    args = [PY, "-u", REFPEER, "--name", name, "--port", str(port), "--auto", "always", "--digest-only",
            "--manage-period", "0"]
    if main:
        args.append("--main")
    p = Proc(args)
    p.wait_for(lambda e: e.get("event") == "ready", 60)
    return p


def java_receiver(port, count, any_msg=True):
    args = JAVA + ["soak", "--receive", "--port", str(port), "--count", str(count), "--timeout", "300",
                   "--name", "jrecv"]
    if any_msg:
        args.append("--any")
    p = Proc(args)
    p.wait_for(lambda e: e.get("event") == "ready", 60)
    return p


def java_send(port, count, size, window, warmup):
    p = Proc(JAVA + ["soak", "--send", "--to", "127.0.0.1:%d" % port, "--count", str(count), "--size", str(size),
                     "--window", str(window), "--timeout", "300", "--name", "jsend", "--warmup", str(warmup)])
    return p


def py_join_allow(sender, port, peer_name):
    t0 = time.monotonic()
    sender.send({"cmd": "join", "host": "127.0.0.1", "port": port})
    sender.wait_for(lambda e: e.get("event") == "joined", 30)
    sender.send({"cmd": "allow", "name": peer_name})
    sender.wait_for(lambda e: e.get("event") == "allowed", 30)
    return (time.monotonic() - t0) * 1000


def scenario(sender_kind, receiver_kind, count, size, window, measure_cpu=True):
    """Returns dict(join_allow_ms, seconds, cpu) for `count` messages of `size` bytes."""
    port = free_port()
    out = {}
    if receiver_kind == "java":
        recv = java_receiver(port, count)
        recv_name = "jrecv"
    else:
        recv = refpeer("precv", port, True)
        recv_name = "precv"
    try:
        if sender_kind == "java":
            snd = java_send(port, count, size, window, 3000 if size <= 1000 else 2)
            snd.wait_for(lambda e: e.get("event") == "timed_start", 600)
            c0 = recv.cpu()
            res = snd.wait_for(lambda e: e.get("event") == "soak_sent", 600)
            out["cpu"] = res["cpu_seconds"] + recv.cpu() - c0
            out["join_allow_ms"] = res["join_allow_ms"]
            out["seconds"] = res["seconds"]
            out["p50_us"] = res.get("p50_us")
            out["p99_us"] = res.get("p99_us")
            snd.close()
        else:
            snd = refpeer("psend", free_port(), False)
            try:
                out["join_allow_ms"] = py_join_allow(snd, port, recv_name if receiver_kind == "py" else "jrecv")
                if receiver_kind == "py":
                    recv.wait_for(lambda e: e.get("event") == "allowed", 30)
                c0 = snd.cpu() + recv.cpu()
                t0 = time.monotonic()
                snd.send({"cmd": "send", "name": recv_name, "msg": {"subject": "bench"}, "pad": size,
                          "count": count})
                if receiver_kind == "py":
                    got = 0
                    while got < count:
                        recv.wait_for(lambda e: e.get("event") == "message", 600)
                        got += 1
                else:
                    recv.wait_for(lambda e: e.get("event") == "soak_received", 600)
                out["seconds"] = time.monotonic() - t0
                out["cpu"] = snd.cpu() + recv.cpu() - c0
            finally:
                snd.close()
    finally:
        recv.close()
    return out


def attempt(*args):
    """Runs a scenario, once more if it failed (a port taken between probing and binding, a slow start)."""
    try:
        return scenario(*args)
    except (RuntimeError, TimeoutError, queue.Empty) as e:
        print("# retrying %s after: %s (logs in %s)" % (args[:2], e, LOGDIR), flush=True)
        return scenario(*args)


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return ("%.0f" % v if v >= 100 else "%.2f" % v) + unit
    return str(v) + unit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer messages")
    args = ap.parse_args()
    n = 2000 if args.quick else 10000
    big = 3 if args.quick else 5
    pairs = [("java", "java"), ("py", "py"), ("java", "py"), ("py", "java")]
    rows = {}
    for s, r in pairs:
        label = "%s -> %s" % ({"java": "Java", "py": "reference"}[s], {"java": "Java", "py": "reference"}[r])
        small = attempt(s, r, n, 100, 64)
        mib = attempt(s, r, big, 1 << 20, 1)
        rtt = attempt(s, r, 1000, 100, 1) if s == "java" else {}
        rows[label] = {
            "join+allow ms": small["join_allow_ms"],
            "100 B msgs/s": n / small["seconds"],
            "CPU s / 10k msgs": small["cpu"] * 10000 / n,
            "1 MiB MB/s": big * (1 << 20) / 1e6 / mib["seconds"],
            "RTT median us": rtt.get("p50_us"),
            "RTT p99 us": rtt.get("p99_us"),
        }
        print("# measured %s: %s" % (label, json.dumps(rows[label])), flush=True)
    cols = ["join+allow ms", "100 B msgs/s", "CPU s / 10k msgs", "1 MiB MB/s", "RTT median us", "RTT p99 us"]
    print()
    print("machine: %s, %d cores, %s; %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                              platform.platform(), time.strftime("%Y-%m-%d")))
    print("| pair | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for label, row in rows.items():
        print("| %s | %s |" % (label, " | ".join(fmt(row[c]) for c in cols)))
    jj, pp = rows.get("Java -> Java"), rows.get("reference -> reference")
    if jj and pp:
        ratio = []
        for c in cols:
            a, b = jj[c], pp[c]
            if a is None or b is None or not a or not b:
                ratio.append("n/a")
            elif c in ("100 B msgs/s", "1 MiB MB/s"):
                ratio.append("%.1fx" % (a / b))
            else:
                ratio.append("%.1fx less" % (b / a))
        print("| Java vs reference | " + " | ".join(ratio) + " |")
    idle = {}
    cp = subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-B", "-ntp", "-pl", "raet-bench",
                         "dependency:build-classpath", "-Dmdep.outputFile=/dev/stdout"], cwd=ROOT,
                        capture_output=True, text=True).stdout.strip()
    if cp:
        out = subprocess.run(JAVA[:-2] + ["-cp", os.path.join(ROOT, "raet-bench", "target", "classes") + ":" + cp,
                                          "io.raet.bench.IdleRemotesMemory", "10000"], capture_output=True, text=True)
        idle["Java"] = json.loads(out.stdout.strip().splitlines()[-1])["bytes_per_remote"]
    out = subprocess.run([PY, os.path.join(ROOT, "raet-bench", "python", "idle_remotes.py"), "10000"],
                         capture_output=True, text=True)
    try:
        idle["reference"] = json.loads(out.stdout.strip().splitlines()[-1])["bytes_per_remote"]
    except (ValueError, IndexError):
        pass
    print()
    print("| memory per idle remote (10,000 remotes) | Java | reference | ratio |")
    print("|---|---|---|---|")
    j, r = idle.get("Java"), idle.get("reference")
    print("| bytes | %s | %s | %s |" % (j, r, "%.1fx less" % (r / j) if j and r else "n/a"))


if __name__ == "__main__":
    main()
