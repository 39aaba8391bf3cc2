#!/usr/bin/env bash
# `sockscope states --events` against the kernel's own rate, in network namespaces of the
# bench's own (root only: eBPF or tracefs, ip netns).
#
# 1. A burst: COUNT connections (default 8,000) opened and closed in full as fast as they go,
#    ten TCP transitions each, about half a second. Target: every transition reported, or each
#    missing one counted in a {"kind":"lost"} line; and sockscope's CPU per transition at most
#    twice that of a bpftrace one-liner printing the same tracepoint, run beside it (when
#    bpftrace is installed: apt-get install bpftrace).
# 2. An empty namespace's reader while another namespace makes 10,000 connections. Target: no
#    transition shown, and at most 1% of a core.
#
# SOCKSCOPE_TRACE=tracefs measures the fallback. Usage: bench/events.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/events.sh needs root (eBPF or tracefs, network namespaces)" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench/events.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
count=${1:-8000}
[[ "$count" =~ ^[0-9]+$ ]] && (( count >= 100 && count <= 100000 )) || { echo "COUNT: 100 to 100000" >&2; exit 64; }
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
ns=sockscope-bench-$$
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ip netns del "$ns-empty" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
cc -O2 -pthread -o "$tmp/load" bench/events-load.c
for name in "$ns" "$ns-empty"; do
    ip netns add "$name"
    ip netns exec "$name" ip link set lo up
done

source bench/load-lib.sh

# --- 1. The burst ----------------------------------------------------------------------------
start_load "$ns" "$count" 1000000
ip netns exec "$ns" "$sockscope" states --events --json --tcp --port "$port" >"$tmp/events.out" 2>"$tmp/events.err" &
events=$!
wait_for "$tmp/events.out" '"kind":"start"' 10
source=$(grep -o '"sources":\["[a-z]*"' "$tmp/events.out" | cut -d'"' -f4)
bpftrace_pid=
if command -v bpftrace >/dev/null; then
    # The reference: the same tracepoint, every namespace, a line printed per transition.
    bpftrace -e 'tracepoint:sock:inet_sock_set_state { printf("%d %d %d %d\n", args->sport, args->dport, args->oldstate, args->newstate); }' \
        >"$tmp/bpftrace.out" 2>"$tmp/bpftrace.err" &
    bpftrace_pid=$!
    wait_for "$tmp/bpftrace.out" "Attaching" 30
fi
before=$(cpu_ticks "$events")
[ -n "$bpftrace_pid" ] && reference_before=$(cpu_ticks "$bpftrace_pid")
echo go >&3
wait_for "$tmp/load.out" "done" 120
made=$(awk '{ print $2 }' "$tmp/load.out")
took=$(awk '{ print $3 }' "$tmp/load.out")
expected=$(( made * 10 ))
count_events() { grep -c '"kind":"transition"' "$tmp/events.out" || true; }
# Until sockscope has them all, or for 2 s without growth (30 s at most): then SIGINT, and what
# is still buffered is read or counted by the stream's end.
last=-1 still=0
for _ in $(seq 1 60); do
    now=$(count_events)
    (( now >= expected )) && break
    if [ "$now" = "$last" ]; then still=$(( still + 1 )); else still=0; fi
    (( still >= 4 )) && break
    last=$now
    sleep 0.5
done
after=$(cpu_ticks "$events")
# A connection whose closer is still in FIN_WAIT2 (the kernel kept it there: seen about once in
# 8,000 under load) has not had its ending yet: one transition fewer to expect.
unfinished=$(ip netns exec "$ns" ss -tanH state fin-wait-2 "( sport = :$port )" | wc -l)
kill -INT "$events"; wait "$events" 2>/dev/null || true
if [ -n "$bpftrace_pid" ]; then
    reference_after=$(cpu_ticks "$bpftrace_pid")
    kill -INT "$bpftrace_pid"; wait "$bpftrace_pid" 2>/dev/null || true
    referenced=$(grep -cE "^($port [0-9]+|[0-9]+ $port) " "$tmp/bpftrace.out" || true)
    # bpftrace printed every namespace's transitions: its cost is per line it printed.
    reference_lines=$(grep -cE '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$tmp/bpftrace.out" || true)
fi
wait "$load" 2>/dev/null || true
exec 3>&-
seen=$(count_events)
lost=$( { grep -oE '"kind":"(lost|unplaced)","events":[0-9]+' "$tmp/events.out" || true; } | awk -F: '{ s += $NF } END { print s + 0 }')
# The listener's CLOSE -> LISTEN came before the start line; its LISTEN -> CLOSE may come after.
ours_us=$(awk -v c=$(( after - before )) -v e="$expected" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz * 1e6 / e }')
echo "burst: $made connections in ${took} s ($(awk -v e="$expected" -v t="$took" 'BEGIN { printf "%.0f", e / t }') transitions/s), source: $source"
(( unfinished > 0 )) && echo "  ($unfinished connections still in FIN_WAIT2 at the end: $unfinished endings not yet happened)"
expected=$(( expected - unfinished ))
printf '  sockscope: %d of %d transitions shown, %d counted lost or unplaced: %s\n' "$seen" "$expected" "$lost" \
    "$( (( seen + lost >= expected )) && echo "every one shown or told (target met)" || echo "$(( expected - seen - lost )) MISSING IN SILENCE (target missed)")"
if [ -n "$bpftrace_pid" ]; then
    reference_us=$(awk -v c=$(( reference_after - reference_before )) -v n="$reference_lines" -v hz="$hz" 'BEGIN { printf "%.2f", (n > 0) ? c / hz * 1e6 / n : 0 }')
    ratio=$(awk -v a="$ours_us" -v b="$reference_us" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    printf '  CPU per transition: sockscope %s us, bpftrace %s us (%d of ours seen, %d lines in all): ratio %s (target <= 2)\n' \
        "$ours_us" "$reference_us" "$referenced" "$reference_lines" "$ratio"
else
    printf '  CPU per transition: sockscope %s us (install bpftrace for the reference)\n' "$ours_us"
fi

# --- 2. An empty namespace's reader beside a busy one -----------------------------------------
start_load "$ns" 10000 2000
ip netns exec "$ns-empty" "$sockscope" states --events --json --tcp >"$tmp/empty.out" 2>"$tmp/empty.err" &
empty=$!
wait_for "$tmp/empty.out" '"kind":"start"' 10
before=$(cpu_ticks "$empty")
start=$(date +%s.%N)
echo go >&3
wait_for "$tmp/load.out" "done" 120
sleep 0.5  # the reader's last round after the burst is part of its cost
after=$(cpu_ticks "$empty")
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
kill -INT "$empty"; wait "$empty" 2>/dev/null || true
wait "$load" 2>/dev/null || true
exec 3>&-
shown=$(grep -c '"kind":"transition"' "$tmp/empty.out" || true)
share=$(awk -v c=$(( after - before )) -v hz="$hz" -v t="$elapsed" 'BEGIN { printf "%.2f", 100 * c / hz / t }')
echo "empty namespace beside 10000 connections elsewhere: $shown transitions shown, ${share}% of a core over ${elapsed%.*} s" \
     "(target: none shown, <= 1%)"
