#!/usr/bin/env bash
# Pipe throughput: 1 GiB from `head -c` through a -N dialer into a -l listener writing to
# /dev/null, for sockscope and OpenBSD nc, alternating runs in one script. Prints each tool's
# median GB/s and the ratio. Loopback only; every wait has a deadline.
# Usage: bench/throughput.sh [runs] [bytes]     (defaults: 5 runs, 1 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bytes=${2:-1073741824}
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
nc=$(command -v nc.openbsd || command -v nc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One transfer: prints elapsed seconds. $1 is the tool binary.
transfer() {
    local tool=$1 err="$tmp/listener.err" port="" start end
    : >"$err"
    "$tool" -lvn 127.0.0.1 0 >/dev/null 2>"$err" </dev/null &
    local listener=$!
    for _ in $(seq 1 500); do  # up to 5 s for the readiness line
        port=$(awk '/^Listening on/ {print $NF; exit}' "$err")
        [ -n "$port" ] && break
        sleep 0.01
    done
    [ -n "$port" ] || { echo "no readiness line from $tool" >&2; kill "$listener"; exit 1; }
    start=$(date +%s.%N)
    head -c "$bytes" /dev/zero | timeout 120 "$tool" -N 127.0.0.1 "$port"
    timeout 120 tail --pid="$listener" -f /dev/null
    end=$(date +%s.%N)
    echo "$start $end" | awk '{printf "%.6f\n", $2 - $1}'
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: >"$tmp/sockscope"; : >"$tmp/nc"
for i in $(seq 1 "$runs"); do
    transfer "$sockscope" >>"$tmp/sockscope"
    transfer "$nc" >>"$tmp/nc"
done
s=$(median <"$tmp/sockscope"); n=$(median <"$tmp/nc")
awk -v b="$bytes" -v s="$s" -v n="$n" 'BEGIN {
    printf "sockscope  %.2f GB/s (median of runs, %.3f s)\n", b / s / 1e9, s
    printf "nc         %.2f GB/s (median of runs, %.3f s)\n", b / n / 1e9, n
    printf "ratio      %.2fx nc (target: at least 1.4x)\n", n / s
}'
