#!/usr/bin/env bash
# The adversarial suite (issue 10): every class of attack against a live `raet listen`, a live `raet router` with
# yards and the Java API, while a legitimate peer measures its own rate. Prints one table row per attack (counters,
# legitimate rate before / during / after, target RSS before / peak / after, verdict) and exits non-zero when any
# verdict is FAILED.
#
#   scripts/adversary.sh --quick          short run (about 1.5 minutes on 2 cores; a stage of scripts/test.sh)
#   scripts/adversary.sh                  full run (longer phases, larger floods)
#   scripts/adversary.sh --list           the attacks' keys;  --only key,key  runs some of them
#
# Builds raet-adversary/target/raet-adversary.jar first when it is missing or older than the sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
jar="$root/raet-adversary/target/raet-adversary.jar"
stale=""
if [ -f "$jar" ]; then
    stale="$(find "$root/raet-core/src/main" "$root/raet-cli/src/main" "$root/raet-adversary/src/main" \
        "$root/raet-adversary/pom.xml" -newer "$jar" -type f -print -quit)"
fi
if [ ! -f "$jar" ] || [ -n "$stale" ]; then
    echo "building $jar" >&2
    (cd "$root" && ./mvnw -q -B -ntp -DskipTests package -pl raet-adversary -am)
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -jar "$jar" "$@"
