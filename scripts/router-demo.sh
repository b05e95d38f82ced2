#!/usr/bin/env bash
# Two routers on loopback (road + main lane yard "router" + flow router each), a Java service yard behind
# router beta, and a Python SDK yard behind router alpha that asks it; an address the policy denies is answered
# with an err. Everything is printed as JSON lines. Run after a build (scripts/demo.sh builds and calls this).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
cd "$root"
[ -f raet-cli/target/raet.jar ] || ./mvnw -q -B -ntp -DskipTests package
pa="${RAET_DEMO_ROUTER_PORT:-7640}"
pb=$((pa + 1))
work="$(mktemp -d)"
mkdir -p "$work/a" "$work/b"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 200); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timed out: $1" >&2; cat "$1" >&2; return 1; }

cat >"$work/policy.json" <<'JSON'
{"default": "allow", "rules": [{"role": "*", "dst": "*/*/admin.*", "action": "deny"}]}
JSON
scripts/raet router --name beta --role master --port "$pb" --lane-dir "$work/b" --policy "$work/policy.json" \
    >"$work/beta.log" 2>&1 &
pids+=($!)
scripts/raet router --name alpha --role minion --port "$pa" --lane-dir "$work/a" --join "127.0.0.1:$pb" \
    >"$work/alpha.log" 2>&1 &
pids+=($!)
# the yard needs beta's lane: start it once beta is ready
wait_for "$work/beta.log" '"ready"'
scripts/raet yard --name svc --dir "$work/b" --serve jobs >"$work/svc.log" 2>&1 &
pids+=($!)
wait_for "$work/alpha.log" '"connected"'
wait_for "$work/svc.log" '"ready"'
echo "# routers alpha (joins beta) and beta, a Java yard 'svc' behind beta serving the share 'jobs':"
head -1 "$work/alpha.log"; head -1 "$work/beta.log"; head -1 "$work/svc.log"
echo "# a Python SDK yard behind alpha asks beta/svc/jobs, then beta/svc/admin.reset (denied by beta's policy):"
PYTHONPATH="$root/sdk/python" python3 - "$work/a" <<'PY'
import json, sys
from raetsdk import Yard, RouteError
with Yard("client", dir=sys.argv[1]) as y:
    print(json.dumps({"answer": y.request(["beta", "svc", "jobs"], {"numbers": [1, 2, 3]}, timeout=5)}))
    try:
        y.request(["beta", "svc", "admin.reset"], None, timeout=5)
    except RouteError as e:
        print(json.dumps({"refused": e.code, "error": e.error}))
PY
echo "# a Java yard behind beta asks the same way (raet yard --request):"
scripts/raet yard --name jclient --dir "$work/b" --request beta/svc/jobs --data '"from beta"'
