#!/usr/bin/env bash
# `sockscope states --events --segments` against tcpdump, capturing the same namespace at the
# same time (root only: AF_PACKET, ip netns). COUNT connections (default 5,000), as fast as they
# go, each with a line each way and a close: about ten frames each on `lo`. Target: sockscope
# keeps at least 99% of the frames tcpdump keeps (each segment shown once, or counted lost);
# the figure at 4 x COUNT (20,000) is printed too. CPU of both is printed, for the record.
# Usage: bench/capture.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/capture.sh needs root (AF_PACKET, network namespaces)" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench/capture.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "bench/capture.sh needs tcpdump (apt-get install tcpdump)" >&2; exit 1; }
count=${1:-5000}
[[ "$count" =~ ^[0-9]+$ ]] && (( count >= 100 && count <= 50000 )) || { echo "COUNT: 100 to 50000" >&2; exit 64; }
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
ns=sockscope-capture-$$
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
cc -O2 -pthread -o "$tmp/load" bench/events-load.c
source bench/load-lib.sh

# One run of $1 connections in a fresh namespace; prints a line of figures.
run() {
    local connections=$1
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    start_load "$ns" "$connections" 1000000 talk
    # The reference: tcpdump with the same port filter, writing the frames to a file (-U: at once).
    ip netns exec "$ns" tcpdump -i lo -n -U -w "$tmp/ref.pcap" "port $port" 2>"$tmp/tcpdump.err" &
    local tcpdump=$!
    wait_for "$tmp/tcpdump.err" "listening on" 10
    ip netns exec "$ns" "$sockscope" states --events --segments --json --tcp --port "$port" \
        >"$tmp/segments.out" 2>"$tmp/segments.err" &
    local ours=$!
    wait_for "$tmp/segments.out" '"kind":"start"' 10
    local before reference_before
    before=$(cpu_ticks "$ours")
    reference_before=$(cpu_ticks "$tcpdump")
    echo go >&3
    wait_for "$tmp/load.out" "done" 120
    # Until sockscope's count stops growing for a second (30 s at most).
    local last=-1 now
    for _ in $(seq 1 60); do
        now=$(grep -c '"kind":"segment"' "$tmp/segments.out" || true)
        [ "$now" = "$last" ] && break
        last=$now
        sleep 1
    done
    local after reference_after
    after=$(cpu_ticks "$ours")
    reference_after=$(cpu_ticks "$tcpdump")
    kill -INT "$ours" "$tcpdump"
    wait "$ours" "$tcpdump" 2>/dev/null || true
    wait "$load" 2>/dev/null || true
    exec 3>&-
    ip netns del "$ns"
    local reference kept lost
    reference=$(tcpdump -r "$tmp/ref.pcap" -n 2>/dev/null | wc -l)
    kept=$(grep -c '"kind":"segment"' "$tmp/segments.out" || true)
    lost=$( { grep -oE '"kind":"lost","frames":[0-9]+' "$tmp/segments.out" || true; } | awk -F: '{ s += $NF } END { print s + 0 }')
    awk -v n="$connections" -v k="$kept" -v r="$reference" -v l="$lost" -v us="$(( after - before ))" \
        -v them="$(( reference_after - reference_before ))" -v hz="$hz" -v target="$2" 'BEGIN {
        share = r > 0 ? 100 * k / r : 0
        printf "%6d connections: tcpdump %d frames, sockscope %d (%.2f%%), %d counted lost; CPU sockscope %.2f s, tcpdump %.2f s%s\n",
            n, r, k, share, l, us / hz, them / hz, target ? (share >= 99 ? " (target >= 99%: met)" : " (target >= 99%: MISSED)") : ""
    }'
}

run "$count" 1
run $(( count * 4 )) 0
