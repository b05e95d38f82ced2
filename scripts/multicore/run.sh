#!/usr/bin/env bash
# On a many-core machine with no package registry, in a copy of the repository with target/devbundle.tar.xz (made
# by make_bundle.sh beside this file): the machine, Ed25519 sign/verify rates on one core, the fan-in (k senders to
# one receiver, 100 B, 64 in flight each; Java -> Java and reference -> reference; then Java with the receiver on one
# owner thread, and in one process with the receiver's CPU per message) and the side-by-side bench.
# Then one busy remote (1 MiB messages one at a time) with the Java estates' crypto helper threads.
# Results go to $OUT: machine.txt, ed25519.txt, fanin.txt, fanin-one-owner.txt, fanin-inprocess.txt, mib.txt,
# bench.txt and benchlogs.tar.gz (the processes' logs).
# Env: BUNDLE (target/devbundle.tar.xz), OUT (a new temp dir), KS (senders, "1 2 4 8 16"), N (messages per sender,
# 2000), FANIN_S (time limit of each fan-in phase, 90; the in-process one gets 60 a run), CTS (crypto helper threads
# to try, "0,2,4,8"), MIB_S (time limit, 90), BENCH_ARGS (--quick), BENCH_S (time limit, 120). With these defaults
# the whole run ends within about 9 minutes (one device call); a phase cut short keeps what it printed.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
echo "results in $OUT"
{
    echo "== machine"
    nproc
    lscpu | grep -E 'Model name|^CPU\(s\)|MHz|NUMA node\(s\)'
    uname -r
    free -g | head -2
    python3 --version
} 2>&1 | tee "$OUT/machine.txt"
W=$(mktemp -d)
tar -xJf "${BUNDLE:-target/devbundle.tar.xz}" -C "$W" || exit 1
export JAVA_HOME=$W/devbundle/jre LD_LIBRARY_PATH=$W/devbundle PYTHONPATH=$W/devbundle/py RAET_PYTHON=python3
export RAET_BENCH_LOGS=$W/benchlogs PYTHONUNBUFFERED=1
mkdir -p raet-cli/target raet-bench/target "$RAET_BENCH_LOGS"
cp "$W/devbundle/raet.jar" raet-cli/target/
rm -rf raet-bench/target/classes && cp -r "$W/devbundle/bench-classes" raet-bench/target/classes
echo "== ed25519 (libsodium via libnacl, one core)" | tee "$OUT/ed25519.txt"
timeout 60 python3 - <<'PY' 2>&1 | tee -a "$OUT/ed25519.txt"
import time, libnacl
pk, sk = libnacl.crypto_sign_keypair(); m = b"x" * 100
n = 20000
t = time.perf_counter()
for _ in range(n): s = libnacl.crypto_sign(m, sk)
ts = (time.perf_counter() - t) / n
t = time.perf_counter()
for _ in range(n): libnacl.crypto_sign_open(s, pk)
tv = (time.perf_counter() - t) / n
print("sign %.1f us  verify %.1f us  -> verify/s/core %.0f" % (ts * 1e6, tv * 1e6, 1 / tv))
PY
ks=${KS:-1 2 4 8 16}
echo "== fan-in: k senders -> one receiver, 100 B, 64 in flight each (k = $ks)"
timeout "${FANIN_S:-90}" python3 raet-bench/python/bench.py --scenarios fanin --ks "${ks// /,}" \
    --fanin-count "${N:-2000}" 2>&1 | tee "$OUT/fanin.txt"
echo "== fan-in, Java receiver on one owner thread (as before the shards), Java only (k = $ks)"
timeout "${FANIN_S:-90}" python3 raet-bench/python/bench.py --scenarios fanin --ks "${ks// /,}" \
    --fanin-count "${N:-2000}" --fanin-shards 1 --no-reference-fanin 2>&1 | tee "$OUT/fanin-one-owner.txt"
echo "== fan-in in one process (io.raet.bench.FanIn): the receiver's CPU per message, by thread"
for shards in 1 "$(nproc)"; do
    timeout "${INPROC_S:-60}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
        --sun-misc-unsafe-memory-access=allow -cp raet-bench/target/classes:raet-cli/target/raet.jar \
        io.raet.bench.FanIn --ks "${ks// /,}" --count "${N:-2000}" --shards "$shards" 2>&1 \
        | grep -v SLF4J | tee -a "$OUT/fanin-inprocess.txt"
done
echo "== one busy remote: 1 MiB one at a time, Java estates with crypto helper threads ${CTS:-0,2,4,8}"
timeout "${MIB_S:-90}" python3 raet-bench/python/bench.py --scenarios mib --mib-crypto-threads "${CTS:-0,2,4,8}" \
    2>&1 | tee "$OUT/mib.txt"
echo "== side-by-side bench (raet-bench/python/bench.py ${BENCH_ARGS:---quick})"
# shellcheck disable=SC2086
timeout "${BENCH_S:-120}" python3 raet-bench/python/bench.py ${BENCH_ARGS:---quick} 2>&1 | tee "$OUT/bench.txt"
tar -czf "$OUT/benchlogs.tar.gz" -C "$W" benchlogs
echo "== done"
