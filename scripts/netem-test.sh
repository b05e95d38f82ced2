#!/usr/bin/env bash
# A real lossy network: estates in two network namespaces joined by veth, with 10% loss, 5% reorder,
# 1% duplication and 20 ms delay; 1,000 messages of mixed sizes up to 1 MiB must arrive exactly once and intact.
# The impairment is tc netem on both veth ends; where the kernel has no netem qdisc, a third namespace in the
# middle runs scripts/impair_relay.py (same figures, in user space). Needs root with ip; otherwise it says why
# and skips (exit 0). Traffic stays inside the namespaces this script creates (10.210.x.x exists only there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=env.sh
. "$root/scripts/env.sh"
count="${RAET_NETEM_COUNT:-1000}"
limit="${RAET_NETEM_SECONDS:-420}"

skip() { echo "netem test skipped: $*"; exit 0; }
# ip and tc live in the administrator's directories, which a minimal PATH leaves out.
export PATH="$PATH:/usr/sbin:/sbin"
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null && command -v tc >/dev/null || skip "ip/tc (iproute2) not installed"
raet_select_jdk
raet_ensure_libsodium
jar="$root/raet-cli/target/raet.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -ntp -DskipTests package)

a="raeta$$"; b="raetb$$"; r="raetr$$"; va="rva$$"; vb="rvb$$"
cleanup() {
    [ -n "${recv_pid:-}" ] && kill "$recv_pid" 2>/dev/null || true
    [ -n "${relay_pid:-}" ] && kill "$relay_pid" 2>/dev/null || true
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    ip netns del "$r" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$a" 2>/dev/null || skip "cannot create network namespaces here"
ip netns add "$b"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$a"
ip link set "$vb" netns "$b"
ip -n "$a" addr add 10.210.0.1/24 dev "$va"
ip -n "$b" addr add 10.210.0.2/24 dev "$vb"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "$va" up
ip -n "$b" link set "$vb" up
netem="delay 20ms loss 10% reorder 5% duplicate 1%"
target=10.210.0.2:7540
# shellcheck disable=SC2086
if tc -n "$a" qdisc add dev "$va" root netem $netem 2>/dev/null; then
    # shellcheck disable=SC2086
    tc -n "$b" qdisc add dev "$vb" root netem $netem
    echo "impairment: tc netem on both veth ends"
else
    # No netem in this kernel: a relay namespace between a and b impairs in user space.
    ip -n "$b" link del "$vb"
    ip netns add "$r"
    ip link add rra$$ type veth peer name rrb$$
    ip link add "$vb" type veth peer name rrc$$
    ip link set rra$$ netns "$a"; ip link set rrb$$ netns "$r"
    ip link set "$vb" netns "$b"; ip link set rrc$$ netns "$r"
    ip -n "$a" link del "$va" 2>/dev/null || true
    ip -n "$a" addr add 10.210.0.1/24 dev rra$$; ip -n "$a" link set rra$$ up
    ip -n "$r" addr add 10.210.0.254/24 dev rrb$$; ip -n "$r" link set rrb$$ up
    ip -n "$r" addr add 10.210.1.254/24 dev rrc$$; ip -n "$r" link set rrc$$ up
    ip -n "$r" link set lo up
    ip -n "$b" addr add 10.210.1.2/24 dev "$vb"; ip -n "$b" link set "$vb" up
    ip netns exec "$r" python3 "$root/scripts/impair_relay.py" --a-side 10.210.0.254:7540 \
        --b-side 10.210.1.254:7541 --b 10.210.1.2:7540 --loss 0.10 --reorder 0.05 --duplicate 0.01 \
        --delay 0.020 >/dev/null 2>&1 &
    relay_pid=$!
    target=10.210.0.254:7540
    recv_host=10.210.1.2
    echo "impairment: no netem qdisc in this kernel; user-space relay in namespace $r ($netem)"
fi

java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar")
out="$(mktemp)"
echo "lossy network: $netem; $count messages up to 1 MiB"
ip netns exec "$b" "${java[@]}" soak --receive --host "${recv_host:-10.210.0.2}" --port 7540 --count "$count" \
    --timeout "$limit" >"$out" 2>&1 &
recv_pid=$!
for _ in $(seq 100); do grep -q '"ready"' "$out" && break; sleep 0.1; done
set +e
ip netns exec "$a" "${java[@]}" soak --send --host 10.210.0.1 --to "$target" --count "$count" \
    --timeout "$limit" | cut -c1-400
send_rc=${PIPESTATUS[0]}
[ "$send_rc" = 0 ] || kill "$recv_pid" 2>/dev/null
wait "$recv_pid"
recv_rc=$?
recv_pid=
set -e
grep soak_received "$out" | cut -c1-400
rm -f "$out"
if [ "$send_rc" = 0 ] && [ "$recv_rc" = 0 ]; then
    echo "netem: 1 passed, 0 failed"
else
    echo "netem: sender exit $send_rc, receiver exit $recv_rc"
    echo "netem: 0 passed, 1 failed"
    exit 1
fi
