#!/usr/bin/env bash
# The Wireshark dissector (tools/wireshark/raet.lua) on a real exchange: a `raet listen` main estate and two
# `raet send` estates on loopback (join, allow, a small JSON message, a msgpack message of several segments), a
# datagram with a JSON head, and two malformed ones, captured with dumpcap on lo. tshark dissects the capture with
# the script and every field must equal what `raet decode --json` (the codec's strict parser) reads from the same
# bytes; malformed datagrams must carry the dissector's expert info naming the same problem. The capture is
# dissected three ways: by the port preference, by the heuristic alone, and by Decode As alone.
#
# Installs Debian's tshark when missing (as root, non-interactively); skips with a line saying why when it cannot.
# Where capturing on lo is not allowed, the exchange goes through tools/wireshark/relay.py, which writes the pcap
# (RAET_DISSECTOR_CAPTURE=relay forces that path, =dumpcap forbids it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tools/wireshark"
# shellcheck source=../../scripts/env.sh
. "$root/scripts/env.sh"

skip() { echo "dissector test skipped: $*"; exit 0; }

if ! command -v tshark >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || skip "tshark is not installed and installing it needs root (apt-get install tshark)"
    echo "installing tshark (Debian package)" >&2
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    raet_apt_install tshark || skip "tshark could not be installed from the Debian packages"
    command -v tshark >/dev/null 2>&1 || skip "tshark could not be installed from the Debian packages"
fi
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to compare the fields"
raet_select_jdk
raet_ensure_libsodium
[ -f "$root/raet-cli/target/raet.jar" ] || (cd "$root" && ./mvnw -q -B -ntp -DskipTests package)
raet() { bash "$root/scripts/raet" "$@"; }

tmp="$(mktemp -d)"
ok=0
listen_pid=""; capture_pid=""
cleanup() {
    for pid in $capture_pid $listen_pid; do kill "$pid" 2>/dev/null || true; done
    if [ "$ok" = 1 ]; then rm -rf "$tmp"; else echo "dissector test: files kept in $tmp" >&2; fi
}
trap cleanup EXIT
json_field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"; }
wait_for() { # FILE TEXT: wait up to 20 s for TEXT to appear in FILE
    local i
    for i in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "dissector test: '$2' did not appear in $1" >&2
    cat "$1" >&2 || true
    return 1
}

raet listen --name main --port 0 >"$tmp/listen.out" 2>"$tmp/listen.err" &
listen_pid=$!
wait_for "$tmp/listen.out" '"ready"'
port="$(head -1 "$tmp/listen.out" | json_field port)"
verhex="$(head -1 "$tmp/listen.out" | json_field verhex)"
target="$port"

mode="${RAET_DISSECTOR_CAPTURE:-auto}"
if [ "$mode" != relay ]; then
    dumpcap -i lo -f "udp port $port" -w "$tmp/road.pcapng" -q 2>"$tmp/capture.err" &
    capture_pid=$!
    for _ in $(seq 100); do
        grep -q "File:" "$tmp/capture.err" 2>/dev/null && break
        kill -0 "$capture_pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! kill -0 "$capture_pid" 2>/dev/null || ! grep -q "File:" "$tmp/capture.err"; then
        [ "$mode" = dumpcap ] && { cat "$tmp/capture.err" >&2; echo "dissector test: dumpcap cannot capture on lo" >&2; exit 1; }
        echo "dissector test: cannot capture on lo ($(grep -v '^Running as\|^Capturing on\|^$' "$tmp/capture.err" | head -1)); recording through a relay" >&2
        kill "$capture_pid" 2>/dev/null || true
        capture_pid=""
        mode=relay
    fi
fi
if [ "$mode" = relay ]; then
    python3 "$here/relay.py" "$port" "$tmp/road.pcapng" >"$tmp/relay.out" 2>"$tmp/capture.err" &
    capture_pid=$!
    wait_for "$tmp/relay.out" '[0-9]'
    target="$(head -1 "$tmp/relay.out")"
fi

raet send --to "127.0.0.1:$target" --main-key "$verhex" --name small '{"content":"a small message"}' >"$tmp/send1.out"
python3 -c 'import json; print(json.dumps({"content": "segmented " * 400}))' >"$tmp/big.json"
raet send --to "127.0.0.1:$target" --main-key "$verhex" --name large --msgpack --body-file "$tmp/big.json" >"$tmp/send2.out"
grep -q '"delivered"' "$tmp/send1.out" && grep -q '"delivered"' "$tmp/send2.out" || {
    echo "dissector test: the exchange failed" >&2; cat "$tmp"/send*.out >&2; exit 1; }
# A join ack with a JSON head (dropped by the listener: no such join), a datagram that is not RAET, and a RAET head
# whose pl is one more than the datagram.
python3 - "$target" <<'EOF'
import socket, sys
head = '{"ri":"RAET","pl":"%07x","hl":"%02x","fg":"00","pk":1,"hk":1,"se":9,"ti":7,"tk":1,"bk":1}\r\n\r\n'
n = len(head % (0, 0))
raw = "ri RAET\npl %04x\nhl %02x\nfg 00\npk 1\nse 9\nti 7\ntk 1\n\n"
m = len(raw % (0, 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for d in ((head % (n, n)).encode(), b"this is not a road packet", (raw % (m + 1, m)).encode()):
    s.sendto(d, ("127.0.0.1", int(sys.argv[1])))
EOF
sleep 1
kill -INT "$capture_pid"
wait "$capture_pid" || true
capture_pid=""

lua=(-X "lua_script:$here/raet.lua")
fields=(-e frame.number -e udp.payload)
for f in vn pk pl hk hl se de si ti tk dt oi sn sc ml bk ck fk fl fg vf df nf af sf wf bf cf coat_length; do
    fields+=(-e "raet.$f")
done
fields+=(-e _ws.expert.message)
tshark -r "$tmp/road.pcapng" "${lua[@]}" -o "raet.udp_ports:$port" -Y udp -T fields -E header=y \
    -E separator=/t -E "aggregator=|" "${fields[@]}" >"$tmp/fields.tsv" 2>"$tmp/tshark.err"
tshark -r "$tmp/road.pcapng" "${lua[@]}" -Y udp -T fields -E header=y -e frame.number -e raet.pk \
    >"$tmp/heuristic.tsv" 2>>"$tmp/tshark.err"
tshark -r "$tmp/road.pcapng" "${lua[@]}" --disable-heuristic raet_udp -d "udp.port==$port,raet" -Y udp \
    -T fields -E header=y -e frame.number -e raet.pk >"$tmp/decode-as.tsv" 2>>"$tmp/tshark.err"
if grep -i 'lua.*error\|error.*lua' "$tmp/tshark.err"; then
    echo "dissector test: the Lua script failed" >&2
    exit 1
fi
tail -n +2 "$tmp/fields.tsv" | cut -f2 | raet decode --json >"$tmp/decode.jsonl" 2>"$tmp/decode.err" || true
python3 "$here/compare.py" "$tmp/fields.tsv" "$tmp/decode.jsonl" "$tmp/heuristic.tsv" "$tmp/decode-as.tsv"
echo "dissector test: capture by $( [ "$mode" = relay ] && echo "the recording relay" || echo "dumpcap on lo" ), tshark $(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //')"
ok=1
