#!/usr/bin/env bash
# End-to-end benchmark: Java and the Python reference side by side on loopback (add --quick for a short run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
raet_python_venv "$root"
cd "$root"
./mvnw -q -B -ntp -DskipTests package
exec python3 "$root/raet-bench/python/bench.py" "$@"
