#!/usr/bin/env bash
# Accept rate under -k: 32 concurrent clients open and close connections for a few seconds
# against `sockscope -l -k`, `ncat -l -k` and a bare C accept loop (the floor), in one run.
# Prints connections per second, connections that stalled (over 200 ms, the mark of a dropped
# SYN), and the kernel's ListenOverflows counted during each run. Loopback only; bounded in time.
# Usage: bench/accept.sh [seconds] [clients]      (defaults: 4 s, 32 clients)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-4}
clients=${2:-32}
command -v ncat >/dev/null || { echo "bench/accept.sh needs ncat (apt-get install ncat)" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench/accept.sh needs a C compiler (apt-get install gcc)" >&2; exit 1; }
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

overflows() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } else { for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows") print $i } }' /proc/net/netstat; }

# The load: a small C client (a Python one tops out near 6,000 connections a second here, below
# what the servers can take).
cc -O2 -pthread -o "$tmp/load" bench/accept-load.c
cc -O2 -o "$tmp/floor" bench/accept-floor.c

run() {  # $1: name, rest: listener command printing its port on stderr
    local name=$1; shift
    "$@" </dev/null >/dev/null 2>"$tmp/${name// /_}.err" &
    local pid=$! port=""
    for _ in $(seq 1 500); do
        # ncat prints "Listening on 127.0.0.1:0" for port 0: ask the kernel which port it got.
        port=$(ss -Hltnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -1 || true)
        [ -n "$port" ] && break
        sleep 0.01
    done
    [ -n "$port" ] || { echo "$name did not start" >&2; cat "$tmp/${name// /_}.err" >&2; exit 1; }
    local before after
    before=$(overflows)
    read -r rate stalls < <("$tmp/load" "$port" "$seconds" "$clients")
    after=$(overflows)
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    printf '%-10s %8.0f conn/s   stalled %4d   ListenOverflows +%d\n' "$name" "$rate" "$stalls" $((after - before))
    echo "$rate" >"$tmp/${name// /_}.rate"
}

run sockscope "$sockscope" -l -k -v -n 127.0.0.1 0
run ncat ncat -l -k -v 127.0.0.1 0
# The floor: the least a server can do. Overflows it shows too come from the load on this
# machine (32 busy client threads on two cores), not from the server under test.
run "C floor" "$tmp/floor"
awk -v s="$(cat "$tmp/sockscope.rate")" -v n="$(cat "$tmp/ncat.rate")" \
    'BEGIN { printf "ratio      %.2fx ncat (target: at least 1x, with zero overflows; compare the floor: overflows it also shows come from the load)\n", s / n }'
