#!/usr/bin/env bash
# Builds every module with JDK 25, whatever the default java is (scripts/env.sh selects it): the library jars and
# raet-cli/target/raet.jar, which scripts/raet runs. Tests are not run here (scripts/test.sh runs them).
# Extra arguments go to Maven, e.g. `bash scripts/build.sh -o` to build offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
cd "$root"
./mvnw -B -ntp -q -DskipTests package "$@"
echo "build finished with the JDK in $JAVA_HOME"
