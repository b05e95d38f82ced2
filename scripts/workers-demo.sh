#!/usr/bin/env bash
# A load-balanced share: a router with the pool share "jobs", four Java worker yards serving it (raet yard
# --worker jobs, one process each, as one process per core would), and a Python SDK client that sends N requests
# (default 200) from 8 threads and prints how many each worker answered; then one worker stops and the same is
# done again over the three left. Ports are ephemeral and everything lives in a temporary directory. It fails when a
# request is not answered (scripts/test.sh runs it).
#   bash scripts/workers-demo.sh [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
cd "$root"
[ -f raet-cli/target/raet.jar ] || bash scripts/build.sh
n="${1:-200}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timed out: $1" >&2; cat "$1" >&2; return 1; }

scripts/raet router --name alpha --port 0 --lane-dir "$work" --share jobs=pool >"$work/router.log" 2>&1 &
pids+=($!)
wait_for "$work/router.log" '"ready"'
echo "# a router with the load-balanced share jobs:"
head -1 "$work/router.log"
declare -A worker
for w in w1 w2 w3 w4; do
    scripts/raet yard --name "$w" --dir "$work" --worker jobs >"$work/$w.log" 2>&1 &
    pids+=($!)
    worker[$w]=$!
done
for w in w1 w2 w3 w4; do wait_for "$work/$w.log" '"ready"'; done
echo "# four worker yards (raet yard --worker jobs), each registered with the router:"
cat "$work/w1.log"

ask() {
    PYTHONPATH="$root/sdk/python" python3 - "$work" "$n" "$1" <<'PY'
import collections, json, sys, threading
from raetsdk import Address, Yard, RouteError
work, n, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
spread, errors, lock = collections.Counter(), collections.Counter(), threading.Lock()
with Yard("client", dir=work) as y:
    def run(count):
        for i in range(count):
            try:
                by = y.request(Address(share="jobs"), i, timeout=10)["by"]
                with lock:
                    spread[by] += 1
            except RouteError as e:
                with lock:
                    errors[e.code] += 1
    threads = [threading.Thread(target=run, args=(n // 8 + (1 if k < n % 8 else 0),)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
print(json.dumps({"requests": n, "workers": dict(sorted(spread.items())), "errors": dict(errors)}))
print("{0}: {1} requests".format(label, n))
for name, count in sorted(spread.items()):
    print("  {0:<4} {1:>5}  {2}".format(name, count, "#" * round(60 * count / n)))
sys.exit(1 if errors or sum(spread.values()) != n else 0)
PY
}
echo "# $n requests to [\"\", \"\", \"jobs\"] from 8 client threads: the fewest outstanding requests wins, ties take turns"
ask "four workers"
kill "${worker[w4]}"
wait_for "$work/router.log" '"yard":"w4","state":"left"'
echo "# worker w4 stopped; the router saw its socket go and dropped it from the pool:"
grep '"yard":"w4","state":"left"' "$work/router.log"
ask "three workers"
