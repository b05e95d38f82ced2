"""Checks what tshark with raet.lua made of a capture against `raet decode --json` of the same datagrams.

Usage: compare.py FIELDS_TSV DECODE_JSONL HEURISTIC_TSV DECODE_AS_TSV

FIELDS_TSV: tshark -T fields -E header=y with the port preference set: frame.number, udp.payload, then the raet
fields named in FIELDS and _ws.expert.message. DECODE_JSONL: one line of `raet decode --json` per payload, in order.
HEURISTIC_TSV and DECODE_AS_TSV: frame.number and raet.pk of the same capture dissected through the heuristic only
and through Decode As only. Prints what it checked; exits 1 with one line per difference.
"""
import json
import sys

# Head fields and flags as `raet decode --json` names them; the dissector's filter fields are raet.<name>.
FIELDS = ["vn", "pk", "pl", "hk", "hl", "se", "de", "si", "ti", "tk", "dt", "oi", "sn", "sc", "ml", "bk", "ck",
          "fk", "fl", "fg", "vf", "df", "nf", "af", "sf", "wf", "bf", "cf", "coat_length"]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t") + [""] * (len(header) - len(l.split("\t"))))) for l in lines[1:]]


def shown(name, text):
    """A tshark field value as the JSON of raet decode has it."""
    if text == "":
        return None
    if name in ("vf", "df", "nf", "af", "sf", "wf", "bf", "cf"):
        return text in ("1", "True", "TRUE", "true")
    if name == "fg":
        return "%02x" % int(text, 16)
    if name == "dt":
        return float(text)
    return int(text)


def main(fields_tsv, decode_jsonl, heuristic_tsv, decode_as_tsv):
    rows = read_tsv(fields_tsv)
    with open(decode_jsonl, encoding="utf-8") as f:
        decoded = [json.loads(l) for l in f if l.strip()]
    problems = []
    if len(rows) != len(decoded):
        print("dissector test: %d frames but %d decoded datagrams" % (len(rows), len(decoded)))
        return 1
    good = []
    malformed = 0
    for row, d in zip(rows, decoded):
        frame = row["frame.number"]
        experts = [m for m in row.get("_ws.expert.message", "").split("|") if m]
        if "error" in d:
            malformed += 1
            # the codec's reason, without its "reason: " prefix, is what the dissector's expert info says
            why = d["error"].split(": ", 1)[-1]
            if not any(why in m for m in experts):
                problems.append("frame %s: raet decode says '%s'; the dissector's expert info %s"
                                % (frame, d["error"], experts or "is empty"))
            continue
        good.append((row, d))
        for name in FIELDS:
            got = shown(name, row.get("raet." + name, ""))
            if got != d[name]:
                problems.append("frame %s: raet.%s is %r, raet decode says %r" % (frame, name, got, d[name]))
        if experts:
            problems.append("frame %s: parses, but the dissector says %s" % (frame, experts))

    def seen(what, pred):
        if not any(pred(d) for _, d in good):
            problems.append("no %s in the capture" % what)

    seen("join request", lambda d: d["tk"] == 1 and d["pk"] == 4 and "body" in d and "verhex" in d["body"])
    seen("join response", lambda d: d["tk"] == 1 and d["pk"] == 5 and d["cf"])
    for pk, name in ((6, "hello"), (7, "cookie"), (8, "initiate"), (1, "ack")):
        seen("allow " + name, lambda d, pk=pk: d["tk"] == 3 and d["pk"] == pk and d["fk"] == 1)
    seen("single-packet message", lambda d: d["tk"] == 0 and d["pk"] == 0 and d["sc"] == 1 and d["wf"])
    seen("message done", lambda d: d["tk"] == 0 and d["pk"] == 15 and d["cf"])
    seen("JSON head", lambda d: d["hk"] == 1)
    segmented = {}
    for _, d in good:
        if d["tk"] == 0 and d["pk"] == 0 and d["sc"] > 1:
            segmented.setdefault((d["se"], d["de"], d["si"], d["ti"]), []).append(d)
    complete = [segs for segs in segmented.values()
                if set(s["sn"] for s in segs) == set(range(segs[0]["sc"]))
                and len(set((s["sc"], s["ml"], s["bk"]) for s in segs)) == 1 and all(s["sf"] for s in segs)]
    if not complete:
        problems.append("no segmented message with every segment, one sc and ml, and sf set: %s" % segmented)
    if not malformed:
        problems.append("no malformed datagram in the capture")

    raet_frames = {row["frame.number"] for row, _ in good}
    for path, how in ((heuristic_tsv, "the heuristic"), (decode_as_tsv, "Decode As")):
        by = {r["frame.number"]: r.get("raet.pk", "") for r in read_tsv(path)}
        missing = sorted((f for f in raet_frames if by.get(f, "") == ""), key=int)
        if missing:
            problems.append("%s does not dissect frames %s" % (how, missing))
    heuristic = {r["frame.number"] for r in read_tsv(heuristic_tsv) if r.get("raet.pk", "")}
    heads = (b"ri RAET\n".hex(), b'{"ri":"RAET",'.hex())
    extra = sorted(heuristic - raet_frames - {row["frame.number"] for row in rows
                                               if row["udp.payload"].startswith(heads)}, key=int)
    if extra:
        problems.append("the heuristic takes frames that are not RAET: %s" % extra)

    for p in problems:
        print("dissector test: " + p)
    if problems:
        return 1
    largest = max(len(s) for s in complete)
    print("dissector test: %d road packets dissected as raet decode reads them (%d fields each), %d malformed "
          "flagged; join, allow, a message, a message of %d segments, a JSON head; port preference, heuristic and "
          "Decode As agree" % (len(good), len(FIELDS), malformed, largest))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
