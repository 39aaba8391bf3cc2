#!/usr/bin/env bash
# `sockscope states --events` under load: loopback connections opened and closed in full (ten
# TCP transitions each) at 15,000, 30,000 and 60,000 transitions a second for a few seconds, in a
# network namespace of the bench's own. For each rate it prints how many transitions sockscope
# reported, how many a plain `cat trace_pipe` on a tracing instance of the same size saw (the
# reference), and the CPU sockscope spent. Target: every transition at 15,000 a second, and at
# any rate, any loss said (a {"kind":"lost"} line). Root only (tracefs, ip netns).
# Usage: bench/events.sh [seconds] [rates…]      (defaults: 3 s; 15000 30000 60000)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/events.sh needs root (tracefs, network namespaces)" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench/events.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
seconds=${1:-3}
shift || true
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(15000 30000 60000)
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tracing=/sys/kernel/tracing
[ -d "$tracing/instances" ] || mount -t tracefs nodev "$tracing"
tmp=$(mktemp -d)
ns=sockscope-bench-$$
reference=$tracing/instances/sockscope-bench-reference-$$
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    [ -d "$reference" ] && { echo 0 >"$reference/events/sock/inet_sock_set_state/enable"; rmdir "$reference"; }
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
cc -O2 -pthread -o "$tmp/load" bench/events-load.c
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
cpus=$(nproc)
# The reference instance is sized as sockscope sizes its own (TraceSession.defaultBufferKB).
per_cpu_kb=$(( 32768 / cpus )); (( per_cpu_kb < 1024 )) && per_cpu_kb=1024; (( per_cpu_kb > 8192 )) && per_cpu_kb=8192

wait_for() {  # $1: file, $2: fixed string, $3: seconds
    local deadline=$(( SECONDS + $3 ))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        (( SECONDS < deadline )) || { echo "timed out waiting for \"$2\" in $1" >&2; cat "$1" >&2; exit 1; }
        sleep 0.02
    done
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

printf '%-12s %9s %22s %22s %18s\n' "transitions" expected "sockscope" "cat trace_pipe" "sockscope CPU"
for rate in "${rates[@]}"; do
    connections=$(( rate / 10 * seconds ))
    rm -f "$tmp"/*.out "$tmp"/*.err "$tmp/go"
    mkfifo "$tmp/go"
    exec 3<>"$tmp/go"
    ip netns exec "$ns" "$tmp/load" "$connections" $(( rate / 10 )) <&3 >"$tmp/load.out" 2>"$tmp/load.err" &
    load=$!
    wait_for "$tmp/load.err" "Listening on" 10
    port=$(awk '{ print $4 }' "$tmp/load.err")

    mkdir "$reference"
    echo mono >"$reference/trace_clock"
    echo "$per_cpu_kb" >"$reference/buffer_size_kb"
    echo 1 >"$reference/events/sock/inet_sock_set_state/enable"
    cat "$reference/trace_pipe" >"$tmp/reference.out" &
    cat=$!

    ip netns exec "$ns" "$sockscope" states --events --json --tcp --port "$port" >"$tmp/events.out" 2>"$tmp/events.err" &
    events=$!
    wait_for "$tmp/events.out" '"kind":"start"' 10
    before=$(cpu_ticks "$events")
    echo go >&3
    wait_for "$tmp/load.out" "done" $(( seconds * 10 + 60 ))
    made=$(awk '{ print $2 }' "$tmp/load.out")
    took=$(awk '{ print $3 }' "$tmp/load.out")
    expected=$(( made * 10 ))
    # Both readers drain what the kernel buffered (sockscope writes in chunks, and may be behind):
    # wait until sockscope has what the reference has, or for 2 s without growth (60 s at most).
    # The counts include the listener's own CLOSE -> LISTEN.
    count_events() { grep -c '"source":"tracefs"' "$tmp/events.out" || true; }
    count_reference() { grep -cE "(sport|dport)=$port " "$tmp/reference.out" || true; }
    last=-1 still=0
    for _ in $(seq 1 120); do
        sleep 0.5
        now="$(count_events) $(count_reference)"
        set -- $now
        [ "$1" -ge "$2" ] && [ "$now" = "$last" ] && break
        if [ "$now" = "$last" ]; then still=$(( still + 1 )); else still=0; fi
        [ "$still" -ge 4 ] && break
        last=$now
    done
    after=$(cpu_ticks "$events")
    kill -TERM "$events"; wait "$events" 2>/dev/null || true
    kill "$cat"; wait "$cat" 2>/dev/null || true
    echo 0 >"$reference/events/sock/inet_sock_set_state/enable"
    rmdir "$reference"
    wait "$load" 2>/dev/null || true
    exec 3>&-

    seen=$(count_events)
    referenced=$(count_reference)
    lost=$( { grep -o '"kind":"lost","events":[0-9]*' "$tmp/events.out" || true; } | awk -F: '{ s += $NF } END { print s + 0 }')
    awk -v e="$expected" -v s="$seen" -v f="$referenced" -v l="$lost" -v c=$(( after - before )) -v t="$took" 'BEGIN {
        printf "%-12s %9d %12d (%5.1f%%) %12d (%5.1f%%) %7.1f us each%s\n", sprintf("%.0f/s", e / t), e, s, 100 * s / e,
            f, 100 * f / e, c * 10000 / e, (l > 0 ? sprintf("   %d reported lost", l) : "") }'
done
echo "target: every transition at 15000/s; any loss reported"
