#!/usr/bin/env bash
# A verified file transfer against pipe mode: the same file (1 GiB of random bytes) from
# `sockscope send` into `sockscope serve receive DIR`, SHA-256 computed at both ends and
# compared, beside `sockscope -N < file` into `sockscope -l > DIR/file` (no proof), alternating
# runs into the same directory, the file removed before each. Prints each one's median rate, the
# ratio (target: at least 0.90x pipe mode) and, for scale, pipe mode followed by sha256sum at
# both ends (what a careful user of nc does). Loopback only; every wait has a deadline.
# Usage: bench/transfer.sh [runs] [bytes]     (defaults: 5 runs, 1 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bytes=${2:-1073741824}
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
sockscope=$(swift build -c release --show-bin-path)/sockscope
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/transfer-bench.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
# shellcheck source=bench/stats-lib.sh
. bench/stats-lib.sh
mkdir "$tmp/in" "$tmp/out"
head -c "$bytes" /dev/urandom >"$tmp/in/data"
want=$(sha256sum "$tmp/in/data" | cut -c1-64)

# The port on the readiness line in file $1 (`Listening on HOST PORT`, `Serving receive on
# HOST PORT: …`), waited for up to 5 s.
ready_port() {
    local port=""
    for _ in $(seq 1 500); do
        port=$(awk '/^Listening on/ {print $NF; exit} /^Serving/ {sub(":", "", $5); print $5; exit}' "$1")
        [ -n "$port" ] && { echo "$port"; return; }
        sleep 0.01
    done
    echo "no readiness line in $1" >&2; exit 1
}

seconds() { echo "$1 $2" | awk '{printf "%.6f\n", $2 - $1}'; }

pipe_run() {
    rm -f "$tmp/out/data"
    "$sockscope" -lvn 127.0.0.1 0 >"$tmp/out/data" 2>"$tmp/listener.err" </dev/null &
    local listener=$! port start
    port=$(ready_port "$tmp/listener.err")
    start=$(date +%s.%N)
    timeout 120 "$sockscope" -N 127.0.0.1 "$port" <"$tmp/in/data"
    wait_exit "$listener" 120
    seconds "$start" "$(date +%s.%N)"
}

# The receiver serves every run; each run is the sender's whole life (connect to verdict).
"$sockscope" serve receive -n "$tmp/out" 127.0.0.1 0 >"$tmp/receiver.out" 2>&1 </dev/null &
receiver=$!
receive_port=$(ready_port "$tmp/receiver.out")
send_run() {
    rm -f "$tmp/out/data"
    local start
    start=$(date +%s.%N)
    timeout 120 "$sockscope" send --no-progress "$tmp/in/data" 127.0.0.1 "$receive_port" >"$tmp/sent" \
        || { echo "sockscope send failed: $(cat "$tmp/sent")" >&2; exit 1; }
    seconds "$start" "$(date +%s.%N)"
    grep -q "SHA-256 $want" "$tmp/sent" || { echo "send did not report the file's SHA-256" >&2; exit 1; }
}

# One of each first, not counted: the first gigabyte written here costs the machine fresh
# pages (seen: pipe mode at 0.4 GB/s on its first run, 2.4 after), whichever tool runs first.
pipe_run >/dev/null
send_run >/dev/null
: >"$tmp/pipe"; : >"$tmp/send"; : >"$tmp/pipe-sha"
for _ in $(seq 1 "$runs"); do
    pipe_run >>"$tmp/pipe"
    send_run >>"$tmp/send"
    # Pipe mode and then the checks a careful nc user runs: sha256sum at both ends.
    start=$(date +%s.%N)
    pipe_run >/dev/null
    got=$(sha256sum "$tmp/out/data" | cut -c1-64)
    sha256sum "$tmp/in/data" >/dev/null
    [ "$got" = "$want" ] || { echo "pipe mode changed the file" >&2; exit 1; }
    seconds "$start" "$(date +%s.%N)" >>"$tmp/pipe-sha"
done
kill "$receiver" 2>/dev/null || true
[ "$(sha256sum "$tmp/out/data" | cut -c1-64)" = "$want" ] || { echo "the received file differs" >&2; exit 1; }
p=$(median <"$tmp/pipe"); s=$(median <"$tmp/send"); c=$(median <"$tmp/pipe-sha")
rate_line "pipe mode" "$bytes" "$p"; rate_line "send" "$bytes" "$s"; rate_line "pipe+sums" "$bytes" "$c"
awk -v p="$p" -v s="$s" -v c="$c" 'BEGIN {
    printf "ratio      %.2fx pipe mode, unverified (target: at least 0.90x)\n", p / s
    printf "ratio      %.2fx pipe mode with sha256sum at both ends\n", c / s
}'
# What bounds it here: both ends hash every byte (SHA-256 is one stream, one core each), and
# pipe mode alone keeps both cores busy. The digests' own cost, measured now:
if command -v openssl >/dev/null; then
    sha=$(openssl speed -bytes 1048576 -seconds 1 -evp sha256 2>/dev/null | awk '/^sha256/ {print $2}' | tr -d k)
    [ -n "$sha" ] && awk -v k="$sha" -v b="$bytes" -v cores="$(nproc)" -v p="$p" 'BEGIN {
        rate = k * 1000
        printf "sha256     %.2f GB/s a core; the two digests take %.2f core-seconds, pipe mode %.2f s on %d cores\n", rate / 1e9, 2 * b / rate, p, cores
    }'
fi
