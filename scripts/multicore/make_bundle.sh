#!/usr/bin/env bash
# Packs what the bench needs on a many-core machine that has no JDK, no libsodium and reaches no package registry:
# a jlink'd JRE 25, raet.jar, the bench classes, libsodium.so.23 and the reference's pure-Python packages, in
# target/devbundle.tar.xz (~40 MB). The repository travels beside it; run.sh (next to this file) unpacks it there.
# Builds first when the jar or the bench classes are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../env.sh
. scripts/env.sh
raet_select_jdk
raet_python_venv "$PWD" >/dev/null
if [ ! -f raet-cli/target/raet.jar ] || [ ! -d raet-bench/target/classes ]; then
    ./mvnw -q -B -ntp -DskipTests package
fi
B=target/devbundle
rm -rf "$B" target/devbundle.tar.xz
mkdir -p "$B/py"
mods=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 raet-cli/target/raet.jar)
"$JAVA_HOME/bin/jlink" --add-modules "$mods,java.management,jdk.management" --strip-debug --no-man-pages \
    --no-header-files --compress zip-9 --output "$B/jre"
rm -f "$B"/jre/lib/server/classes*.jsa
strip --strip-unneeded "$B/jre/lib/server/libjvm.so" 2>/dev/null || true
sodium=$(ldconfig -p | awk '/libsodium.so.23 /{print $NF; exit}')
[ -n "$sodium" ] || { echo "error: libsodium.so.23 not found (ldconfig -p)" >&2; exit 1; }
cp "$sodium" "$B/libsodium.so.23"
sp=$("$RAET_PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp -r "$sp/raet" "$sp/ioflo" "$sp/libnacl" "$sp/msgpack" "$sp/six.py" "$B/py/"
find "$B/py" -name __pycache__ -prune -exec rm -rf {} +
cp raet-cli/target/raet.jar "$B/"
cp -r raet-bench/target/classes "$B/bench-classes"
tar -C target -cJf target/devbundle.tar.xz devbundle
rm -rf "$B"
ls -la target/devbundle.tar.xz
