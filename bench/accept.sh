#!/usr/bin/env bash
# Accept rate under -k: 32 concurrent clients open and close connections (RST, so no TIME_WAIT
# piles up) against `sockscope -l -k` (and with -v), `ncat -l -k` and a bare C accept loop (the
# floor), in one run. Prints connections per second (the median of three runs each, taken in
# turn), connections that stalled (over 200 ms: a SYN dropped by a full accept queue) and the
# kernel's ListenOverflows during the runs. Loopback only; bounded in time.
#
# Every server runs at nice -10. On two cores, 32 busy client threads at the same weight leave a
# server 1/33 of the machine: its accept queue then fills within ~0.1 s, every client stalls at
# once for the 1 s SYN retransmission, and the count measures when those stalls fall (the floor
# read 5,600 to 57,000 conn/s from run to run). With the weight a server has on a host of its
# own, the floor is steady, and what a server spends per connection decides its rate.
# Usage: bench/accept.sh [seconds] [clients]      (defaults: 3 s, 32 clients)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
clients=${2:-32}
runs=3
command -v ncat >/dev/null || { echo "bench/accept.sh needs ncat (apt-get install ncat)" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench/accept.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
priority=(nice -n -10)
"${priority[@]}" true 2>/dev/null || { echo "(not root: servers run at normal priority, expect noisy numbers)" >&2; priority=(); }

overflows() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } else { for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows") print $i } }' /proc/net/netstat; }

# The load: a small C client (a Python one tops out near 6,000 connections a second here, below
# what the servers can take).
cc -O2 -pthread -o "$tmp/load" bench/accept-load.c
cc -O2 -o "$tmp/floor" bench/accept-floor.c

names=(sockscope "sockscope -v" ncat "C floor")
once() {  # $1: name; appends "rate stalls overflows" to its file
    local name=$1 file="$tmp/${1// /_}" server
    case $name in
        sockscope) server=("$sockscope" -l -k -n 127.0.0.1 0) ;;
        "sockscope -v") server=("$sockscope" -l -k -v -n 127.0.0.1 0) ;;
        ncat) server=(ncat -l -k 127.0.0.1 0) ;;
        "C floor") server=("$tmp/floor") ;;
    esac
    "${priority[@]}" "${server[@]}" </dev/null >/dev/null 2>"$file.err" &
    local pid=$! port=""
    for _ in $(seq 1 500); do
        # ncat prints "Listening on 127.0.0.1:0" for port 0: ask the kernel which port it got.
        port=$(ss -Hltnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -1 || true)
        [ -n "$port" ] && break
        sleep 0.01
    done
    [ -n "$port" ] || { echo "$name did not start" >&2; cat "$file.err" >&2; exit 1; }
    local before after rate stalls
    before=$(overflows)
    read -r rate stalls < <("$tmp/load" "$port" "$seconds" "$clients")
    after=$(overflows)
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    echo "$rate $stalls $((after - before))" >>"$file.runs"
}

for _ in $(seq 1 $runs); do
    for name in "${names[@]}"; do once "$name"; done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for name in "${names[@]}"; do
    file="$tmp/${name// /_}.runs"
    rate=$(cut -d' ' -f1 "$file" | median)
    stalls=$(awk '{ s += $2 } END { print s }' "$file")
    over=$(awk '{ s += $3 } END { print s }' "$file")
    printf '%-13s %8.0f conn/s   stalled %4d   ListenOverflows +%d   (runs: %s)\n' "$name" "$rate" "$stalls" "$over" \
        "$(cut -d' ' -f1 "$file" | paste -sd' ')"
    echo "$rate" >"$tmp/${name// /_}.rate"
done
awk -v s="$(cat "$tmp/sockscope.rate")" -v f="$(cat "$tmp/C_floor.rate")" -v n="$(cat "$tmp/ncat.rate")" \
    'BEGIN { printf "ratio         %.2fx the C floor (target: at least 0.80x)   %.2fx ncat\n", s / f, s / n }'
