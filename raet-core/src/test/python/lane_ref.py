"""A reference lane yard (raet 0.6.8) driven line by line over stdin, for the Java interop tests.

usage: lane_ref.py --dir DIR --lane LANE --name NAME [--peer YARD]

Prints "READY <ha>" once bound, then obeys one command per stdin line:
  probe                 print "OK" (checks that the reference imports)
  send <peer> <pk>      send a small and a paged (> 65535 bytes) message to yard <peer> with pack kind <pk>
                        (0 json, 1 msgpack); prints "SENT <json>" per message, then "DONE" once all pages left
  expect <n>            service the stack until n messages arrived (20 s at most); prints
                        "RX <from> <json>" per message, then "DONE" (or "TIMEOUT <got>")
  echo                  send every message received by the last "expect" back to its sender, then "DONE"
  sid <peer>            print "SID <session id this yard sends to peer>"
  rsid <peer>           print "RSID <session id last received from peer>"
  yards                 print "YARDS <name>..."
  stats                 print "STATS <json>"
  quit                  close the stack (removes the socket file) and exit
"""
import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Set", "MutableSet"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import argparse
import json
import sys
import time

from ioflo.base.consoling import getConsole
from raet.lane import stacking, yarding


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def messages(pk):
    small = {"route": {"src": ["py", "yard", None], "dst": ["java", "yard", None]},
             "kind": "small", "pk": pk, "n": 7, "f": 2.5, "ok": True, "none": None,
             "text": "caf\u00e9 \u20ac \U0001F600"}
    big = {"kind": "big", "pk": pk,
           "rows": [{"i": i, "name": "row-%05d" % i, "tags": ["a", "b\u00e9"]} for i in range(3000)],
           "blob": "".join(chr(0x61 + (i % 26)) for i in range(60000))}
    return [small, big]


def service(stack, until, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        stack.serviceAll()
        if until():
            return True
        time.sleep(0.002)
    return False


def main():
    getConsole().reinit(verbosity=getConsole().Wordage.mute)
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lane", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--peer")
    args = ap.parse_args()

    stack = stacking.LaneStack(name=args.name, lanename=args.lane, sockdirpath=args.dir)
    if args.peer:
        stack.addRemote(yarding.RemoteYard(stack=stack, name=args.peer, lanename=args.lane, dirpath=args.dir))
    out("READY " + stack.ha)
    last = []
    try:
        for line in sys.stdin:
            cmd = line.split()
            if not cmd:
                continue
            if cmd[0] == "probe":
                out("OK")
            elif cmd[0] == "send":
                remote = stack.nameRemotes[cmd[1]]
                stack.Pk = int(cmd[2])
                for msg in messages(int(cmd[2])):
                    stack.transmit(msg, remote.uid)
                    out("SENT " + json.dumps(msg, separators=(",", ":")))
                service(stack, lambda: not stack.txMsgs and not stack.txes)
                out("DONE")
            elif cmd[0] == "expect":
                n = int(cmd[1])
                ok = service(stack, lambda: len(stack.rxMsgs) >= n)
                last = []
                while stack.rxMsgs:
                    body, sender = stack.rxMsgs.popleft()
                    last.append((body, sender))
                    out("RX %s %s" % (sender, json.dumps(body, separators=(",", ":"))))
                out("DONE" if ok else "TIMEOUT %d" % len(last))
            elif cmd[0] == "echo":
                stack.Pk = 0
                for body, sender in last:
                    stack.transmit(body, stack.nameRemotes[sender].uid)
                service(stack, lambda: not stack.txMsgs and not stack.txes)
                out("DONE")
            elif cmd[0] == "sid":
                out("SID " + str(stack.nameRemotes[cmd[1]].sid))
            elif cmd[0] == "rsid":
                out("RSID " + str(stack.nameRemotes[cmd[1]].rsid))
            elif cmd[0] == "yards":
                out("YARDS " + " ".join(stack.nameRemotes.keys()))
            elif cmd[0] == "stats":
                out("STATS " + json.dumps(dict(stack.stats)))
            elif cmd[0] == "quit":
                break
            else:
                out("ERROR unknown command " + cmd[0])
    finally:
        stack.server.close()
    out("BYE")


if __name__ == "__main__":
    main()
