#!/usr/bin/env bash
# The main job on a fresh machine: builds RAET, starts a main estate on 127.0.0.1:7540 that echoes messages,
# and has a second estate join it, open a session, send three messages (small JSON, msgpack, 200 KB segmented)
# and print the echoes; then runs scripts/router-demo.sh (two routers, a Java and a Python yard). Everything is
# printed as JSON lines.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
cd "$root"
./mvnw -q -B -ntp -DskipTests package
port="${RAET_DEMO_PORT:-7540}"
out="$(mktemp)"
scripts/raet listen --name alpha --port "$port" --echo --auto always >"$out" 2>&1 &
listener=$!
trap 'kill $listener 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q '"ready"' "$out" && break; sleep 0.1; done
echo "# main estate:"; head -1 "$out"
echo "# beta sends a JSON message and waits for the echo:"
scripts/raet send --to "127.0.0.1:$port" --name beta --wait-reply '{"subject":"demo","content":"hello alpha"}'
echo "# gamma sends msgpack:"
scripts/raet send --to "127.0.0.1:$port" --name gamma --msgpack --wait-reply '{"subject":"demo","n":42}'
echo "# delta sends a 200 KB message (segmented on the wire):"
big="$(mktemp)"
printf '{"subject":"big","content":"%s"}' "$(head -c 150000 /dev/urandom | base64 -w0 | head -c 200000)" >"$big"
scripts/raet send --to "127.0.0.1:$port" --name delta --body-file "$big"
rm -f "$big"
echo "# what the main estate saw (first 200 characters of each line):"
cut -c1-200 "$out"
echo
echo "# ---- routed flows: two routers, a Java service yard and a Python SDK yard"
bash "$root/scripts/router-demo.sh"
