#!/usr/bin/env bash
# TLS throughput: 1 GiB through a TLS connection on loopback, each tool at both ends — sockscope
# (-l --tls / --tls), ncat (--ssl) and socat (OPENSSL-LISTEN / OPENSSL) — TLS 1.3 with the same
# cipher suite (OpenSSL's first choice, TLS_AES_256_GCM_SHA384), the same certificate, measured
# in the same run. Target: sockscope at least as fast as the faster of ncat and socat.
# Then handshakes a second into a -k server: sockscope -l -k --tls against ncat -l -k --ssl, the
# same python client making them. Usage: bench/tls.sh [runs] [bytes].
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bytes=${2:-1073741824}
for tool in ncat socat openssl python3 ss; do
    command -v $tool >/dev/null || { echo "bench/tls.sh needs $tool (apt-get install ncat socat openssl python3)" >&2; exit 1; }
done
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to 5 s for a socket listening on the port (asked of the table: a probe connection
# would be taken by a one-shot listener).
wait_listening() {
    for _ in $(seq 1 500); do
        [ -n "$(ss -Hltn "sport = :$1")" ] && return 0
        sleep 0.01
    done
    echo "nothing listens on $1" >&2; exit 1
}

# One transfer: the listener (writing to /dev/null) started on PORT, then the dialer fed $bytes.
transfer() {
    local listen=$1 dial=$2 port start end
    port=$(free_port)
    ${listen//PORT/$port} >/dev/null 2>"$tmp/listener.err" </dev/null &
    local listener=$!
    wait_listening "$port"
    start=$(date +%s.%N)
    head -c "$bytes" /dev/zero | timeout 300 ${dial//PORT/$port} >/dev/null
    wait_exit "$listener" 60
    end=$(date +%s.%N)
    echo "$start $end" | awk '{printf "%.6f\n", $2 - $1}'
}

# shellcheck source=bench/stats-lib.sh
. bench/stats-lib.sh

c="$tmp/cert.pem"; k="$tmp/key.pem"
: >"$tmp/sockscope"; : >"$tmp/ncat"; : >"$tmp/socat"
for i in $(seq 1 "$runs"); do
    transfer "$sockscope -l -N --tls --tls-cert $c --tls-key $k 127.0.0.1 PORT" \
             "$sockscope -N --tls --tls-ca $c localhost PORT" >>"$tmp/sockscope"
    transfer "ncat -l --recv-only --ssl --ssl-cert $c --ssl-key $k 127.0.0.1 PORT" \
             "ncat --send-only --ssl --ssl-verify --ssl-trustfile $c localhost PORT" >>"$tmp/ncat"
    transfer "socat -u OPENSSL-LISTEN:PORT,bind=127.0.0.1,reuseaddr,cert=$c,key=$k,verify=0 STDOUT" \
             "socat -u STDIN OPENSSL:localhost:PORT,cafile=$c" >>"$tmp/socat"
done
s=$(median <"$tmp/sockscope"); n=$(median <"$tmp/ncat"); o=$(median <"$tmp/socat")
rate_line sockscope "$bytes" "$s"; rate_line ncat "$bytes" "$n"; rate_line socat "$bytes" "$o"
awk -v s="$s" -v n="$n" -v o="$o" 'BEGIN {
    best = n < o ? n : o
    printf "ratio      %.2fx the faster of ncat and socat (target: at least 1.0x)\n", best / s
}'

# Handshakes a second: a python client opens, completes a handshake and closes, as fast as it
# can, for a few seconds, against each -k server.
handshakes() {
    python3 - "$1" "$c" <<'PY'
import socket, ssl, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
done, end = 0, time.monotonic() + 3
while time.monotonic() < end:
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost"):
            done += 1
print(done / 3)
PY
}
# Both servers run side by side (the idle one costs nothing); rounds alternate which goes first,
# since the first of a pair is measured on a machine in another state (caches, clocks), and the
# median of each is compared.
ours_port=$(free_port)
$sockscope -l -k --tls --tls-cert $c --tls-key $k 127.0.0.1 $ours_port >/dev/null 2>&1 </dev/null &
wait_listening "$ours_port"
ncat_port=$(free_port)
ncat -l -k --ssl --ssl-cert $c --ssl-key $k 127.0.0.1 $ncat_port >/dev/null 2>&1 </dev/null &
wait_listening "$ncat_port"
: >"$tmp/hs-ours"; : >"$tmp/hs-ncat"
for i in $(seq 1 $((runs * 2))); do
    if [ $((i % 2)) = 1 ]; then
        handshakes "$ours_port" >>"$tmp/hs-ours"; handshakes "$ncat_port" >>"$tmp/hs-ncat"
    else
        handshakes "$ncat_port" >>"$tmp/hs-ncat"; handshakes "$ours_port" >>"$tmp/hs-ours"
    fi
done
hs=$(median <"$tmp/hs-ours"); hn=$(median <"$tmp/hs-ncat")
awk -v s="$hs" -v n="$hn" -v r=$((runs * 2)) 'BEGIN {
    printf "handshakes sockscope %.0f/s, ncat %.0f/s (medians of %d alternating rounds): %.2fx ncat (target: at least 1.0x)\n", s, n, r, s / n
}'
