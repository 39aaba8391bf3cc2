#!/usr/bin/env bash
# Probes per second: `sockscope probe -c N -i 0` against a bare C accept loop on loopback, beside
# a C connect-and-close loop timing its connects the same way (non-blocking connect, poll), in
# turns of one run each. Prints each one's median rate and the ratio (target: at least 0.80x).
# Loopback only; bounded in time (each run has a deadline).
# Usage: bench/probe.sh [runs] [probes]      (defaults: 3 runs, 10000 probes: a run of 2,000 is mostly the process starting)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
count=${2:-10000}
command -v cc >/dev/null || { echo "bench/probe.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/floor" bench/accept-floor.c
cc -O2 -o "$tmp/loop" bench/connect-loop.c
# shellcheck source=bench/stats-lib.sh
. bench/stats-lib.sh

"$tmp/floor" </dev/null >/dev/null 2>&1 &
server=$!
port=""
for _ in $(seq 1 500); do
    port=$(ss -Hltnp 2>/dev/null | grep "pid=$server," | awk '{print $4}' | sed 's/.*://' | head -1 || true)
    [ -n "$port" ] && break
    sleep 0.01
done
[ -n "$port" ] || { echo "the accept loop did not start" >&2; exit 1; }

: >"$tmp/ours"; : >"$tmp/floor.times"
for _ in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    timeout 120 "$sockscope" probe -n -c "$count" -i 0 127.0.0.1 "$port" >"$tmp/out" \
        || { echo "sockscope probe failed: $(tail -2 "$tmp/out")" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$start $end" | awk '{printf "%.6f\n", $2 - $1}' >>"$tmp/ours"
    timeout 120 "$tmp/loop" "$port" "$count" >>"$tmp/floor.times"
done
o=$(median <"$tmp/ours"); f=$(median <"$tmp/floor.times")
awk -v o="$o" -v f="$f" -v n="$count" 'BEGIN {
    printf "probe      %.0f probes/s (median of runs, %.3f s for %d)\n", n / o, o, n
    printf "C loop     %.0f connects/s (median of runs, %.3f s for %d)\n", n / f, f, n
    printf "ratio      %.2fx the C connect loop (target: at least 0.80x)\n", f / o
}'
