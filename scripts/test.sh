#!/usr/bin/env bash
# Runs every test: unit, property, vector replay, live interop with the Python reference, the Python and Go SDKs,
# the Wireshark dissector, the lossy network and the adversarial suite's short run (RAET_SKIP_ADVERSARY=1 skips it;
# it fails while an attack of the security issue succeeds).
# Works on a fresh machine: installs libsodium23, the Python reference and (as root) Debian's Go when missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
if [ "${RAET_SKIP_INTEROP:-}" != 1 ]; then
    raet_python_venv "$root" || { echo "warning: could not install the Python reference; interop tests will be skipped" >&2; }
fi
cd "$root"
./mvnw -B -ntp verify "$@"
if [ -n "${RAET_PYTHON:-}" ]; then
    echo "== reference harness self-test (interop/python)"
    "$RAET_PYTHON" -m pytest interop/python -q -p no:cacheprovider
fi
echo "== Python SDK (sdk/python)"
sdk_python="${RAET_PYTHON:-python3}"
if "$sdk_python" -c 'import pytest' >/dev/null 2>&1; then
    "$sdk_python" -m pytest sdk/python/tests -q -p no:cacheprovider
else
    "$sdk_python" -m unittest discover -s sdk/python/tests
fi
echo "== Go SDK (sdk/go)"
if ! command -v go >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing golang-go (Debian package)" >&2
    raet_apt_install golang-go || echo "warning: could not install golang-go" >&2
    hash -r
fi
if command -v go >/dev/null 2>&1; then
    # the module has no dependencies: nothing is downloaded (GOPROXY=off), whatever the toolchain
    (cd sdk/go && GOPROXY=off GOTOOLCHAIN=local go test ./...)
else
    echo "skipped: no Go toolchain (run as root to have Debian's golang-go installed, or install Go 1.19 or later)"
fi
echo "== load-balanced share over four worker processes (scripts/workers-demo.sh)"
timeout 300 bash "$root/scripts/workers-demo.sh" 100
if [ "${RAET_SKIP_DISSECTOR:-}" != 1 ]; then
    echo "== Wireshark dissector on a loopback capture (tools/wireshark/test.sh)"
    timeout 300 bash "$root/tools/wireshark/test.sh"
fi
if [ "${RAET_SKIP_NETEM:-}" != 1 ]; then
    echo "== lossy network across namespaces (scripts/netem-test.sh)"
    timeout 600 bash "$root/scripts/netem-test.sh"
fi
if [ "${RAET_SKIP_ADVERSARY:-}" != 1 ]; then
    echo "== adversarial suite, short run (scripts/adversary.sh --quick)"
    bash "$root/scripts/adversary.sh" --quick
fi
