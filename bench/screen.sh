#!/usr/bin/env bash
# The watch screen's cost at 30,000 established loopback sockets (held in a private network
# namespace), now that it asks the kernel for TCP_INFO (INET_DIAG_INFO, as `ss -i` does) at every
# reading: `sockscope watch -t` in a 120x40 tmux for 10 s, reading the tables every 0.5 s, against
# `ss -tani` run every 0.5 s for the same 10 s (20 runs), in the same run. Both costs are CPU
# seconds (user + system) of the process, from /proc. Target: the screen costs at most 1.5x
# `ss -tani` over the same readings (it also diffs, explains and draws), and under 25% of a core.
# Root only (ip netns). Usage: bench/screen.sh [sockets]   (default 30000)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/screen.sh needs root (network namespaces)" >&2; exit 1; }
for tool in ss tmux python3; do
    command -v $tool >/dev/null || { echo "bench/screen.sh needs $tool (apt-get install iproute2 tmux python3)" >&2; exit 1; }
done
n=${1:-30000}
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d)
ns=sockscope-bench-$$
server=sockscope-bench-$$
cleanup() { tmux -L "$server" kill-server 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

. bench/holders.sh
# CPU seconds (utime + stime) of a pid, from /proc/PID/stat (fields after the command's ')').
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.3f\n", (f[12] + f[13]) / hz }' "/proc/$1/stat"; }

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
hold "$n"

# The screen: started, given 2 s to settle, then measured over 10 s.
tmux -L "$server" -f /dev/null new-session -d -x 120 -y 40 "ip netns exec $ns $sockscope watch -t --interval 0.5"
pid=""
for _ in $(seq 1 100); do
    # The newest process named sockscope (the tmux server's own command line names it too).
    pid=$(pgrep -n -x sockscope || true)
    [ -n "$pid" ] && break
    sleep 0.05
done
[ -n "$pid" ] || { echo "the screen did not start" >&2; exit 1; }
sleep 2
start=$(cpu "$pid"); sleep 10; end=$(cpu "$pid")
screen=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
tmux -L "$server" kill-server

# ss -tani, twenty readings half a second apart: the children's CPU time.
ss_cpu=$(ip netns exec "$ns" python3 - <<'PY'
import os, subprocess, time
before = os.times()
for _ in range(20):
    started = time.monotonic()
    subprocess.run(['ss', '-tani'], stdout=subprocess.DEVNULL)
    time.sleep(max(0, 0.5 - (time.monotonic() - started)))
after = os.times()
print('%.3f' % ((after.children_user - before.children_user) + (after.children_system - before.children_system)))
PY
)
awk -v n="$n" -v s="$screen" -v r="$ss_cpu" 'BEGIN {
    printf "%d sockets, readings every 0.5 s for 10 s: watch screen %.2f s CPU (%.1f%% of a core), ss -tani %.2f s: %.2fx\n",
        n, s, s * 10, r, (r > 0 ? s / r : 0)
    print "target: at most 1.5x ss -tani, and under 25% of a core"
}'
