#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer of every target in raet-core's RaetFuzzTest, one after the other.
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Targets: packetParser pageParser engineReceive engineMutation laneEngine. New interesting inputs go to
# raet-core/.cifuzz-corpus/; a failing input is written to
# raet-core/src/test/resources/io/raet/road/RaetFuzzTestInputs/<target>/crash-* and replays in every build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(packetParser pageParser engineReceive engineMutation laneEngine)
cd "$root"
./mvnw -B -ntp -q -pl raet-core test-compile
status=0
for t in "${targets[@]}"; do
    echo "== fuzzing $t for ${seconds}s"
    if ! JAZZER_FUZZ=1 ./mvnw -B -ntp -q -pl raet-core surefire:test -Dtest="RaetFuzzTest#$t" \
            -Djazzer.max_duration="${seconds}s" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
            | grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|.*FuzzTestFinding|.*crash-)' ; then
        :
    fi
    if ls raet-core/src/test/resources/io/raet/road/RaetFuzzTestInputs/"$t"/crash-* >/dev/null 2>&1; then
        echo "!! $t: finding written under raet-core/src/test/resources/io/raet/road/RaetFuzzTestInputs/$t/" >&2
        status=1
    fi
done
exit $status
