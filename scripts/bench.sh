#!/usr/bin/env bash
# End-to-end benchmark: Java and the Python reference side by side on loopback (add --quick for a short run; --help
# lists the scenarios). Works from a fresh clone: the reactor build gives raet-cli/target/raet.jar (raet-core inside)
# and raet-bench/target/classes, which is all the bench runs; nothing is installed in the local Maven repository.
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
