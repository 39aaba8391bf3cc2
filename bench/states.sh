#!/usr/bin/env bash
# `sockscope states --json` against `ss -tan` (netlink) and `netstat -tan` (/proc), in one run,
# with N = 1,000, 10,000 and 30,000 established loopback sockets held in a private network
# namespace by several processes (the descriptor limit here is 20,000 each). Each command runs
# 15 times, the commands in turn (round-robin: a machine that slows down for a while slows all of
# them alike), and the medians are compared. Targets at 30,000: `states --json` at most 0.80x
# `ss -tan`; and a refresh loop at 5 Hz over 10,000 sockets costs at most 15% of one core.
# Root only (ip netns).
# Usage: bench/states.sh [counts…]      (default: 1000 10000 30000)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/states.sh needs root (network namespaces)" >&2; exit 1; }
for tool in netstat ss python3 /usr/bin/time; do
    command -v $tool >/dev/null || { echo "bench/states.sh needs $tool (apt-get install net-tools iproute2 time)" >&2; exit 1; }
done
counts=("${@:-1000 10000 30000}")
[ $# -gt 0 ] || counts=(1000 10000 30000)
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
ns=sockscope-bench-$$
cleanup() { kill $(jobs -p) 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

. bench/holders.sh

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
# Medians of interleaved runs: time.py RUNS COMMAND… prints one median in ms per command.
cat >"$tmp/time.py" <<'PY'
import statistics, subprocess, sys, time
runs, commands = int(sys.argv[1]), [c.split() for c in sys.argv[2:]]
for command in commands * 3:  # warm-up
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = [[] for _ in commands]
for _ in range(runs):
    for i, command in enumerate(commands):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[i].append(time.perf_counter() - start)
print(' '.join('%.2f' % (statistics.median(t) * 1000) for t in times))
PY

# "tcp only" is `states --json --tcp`, the same tables netstat -tan and ss -tan read. Above 5,000
# sockets owners are looked up only with -p; the last columns compare that with `ss -tanp`,
# which does the same work.
printf '%-8s %14s %14s %14s %14s %10s %12s\n' sockets "states --json" "tcp only" netstat "ss -tan" "vs ss" "vs netstat"
for n in "${counts[@]}"; do
    hold "$n"
    pids=("${holder_pids[@]}")
    read -r json tcp netstat ss owners ssp < <(ip netns exec "$ns" python3 "$tmp/time.py" 15 \
        "$sockscope states --json" "$sockscope states --json --tcp" "netstat -tan" "ss -tan" \
        "$sockscope states --json --tcp -p" "ss -tanp")
    awk -v c="$n" -v j="$json" -v t="$tcp" -v n="$netstat" -v s="$ss" -v o="$owners" -v p="$ssp" 'BEGIN {
        printf "%-8s %11.1f ms %11.1f ms %11.1f ms %11.1f ms %9.2fx %11.2fx   with owners: %.1f ms vs ss -tanp %.1f ms (%.2fx)\n",
            c, j, t, n, s, j / s, t / n, o, p, o / p }'
    if [ "$n" = 10000 ]; then
        # The refresh loop: /proc (or netlink) read and diffed 5 times a second for 10 s.
        ip netns exec "$ns" /usr/bin/time -f "%U %S" -o "$tmp/cpu" \
            "$sockscope" states --events --interval 0.2 --duration 10 >/dev/null 2>&1
        awk '{ printf "refresh at 5 Hz over %s sockets: %.1f%% of one core (target: at most 15%%)\n", n, ($1 + $2) * 10 }' n="$n" "$tmp/cpu"
    fi
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -f "$tmp"/out*
done
echo "target at 30000: states --json at most 0.80x ss -tan"
