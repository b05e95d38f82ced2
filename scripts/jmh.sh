#!/usr/bin/env bash
# JMH microbenchmarks of the crypto, codec and engine hot paths. Arguments go to JMH (e.g. a name filter).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
raet_select_jdk
raet_ensure_libsodium
cd "$root"
./mvnw -q -B -ntp -DskipTests install -pl raet-core,raet-bench -am
cp="$root/raet-bench/target/classes:$(./mvnw -q -B -ntp -pl raet-bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" \
    org.openjdk.jmh.Main "$@"
