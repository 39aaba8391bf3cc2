# Helpers for the benches that run bench/events-load.c in network namespaces of their own
# (events.sh, capture.sh). Sourced, not run; expects $tmp (a scratch directory) to be set.

# Waits until file $1 holds fixed string $2, at most $3 seconds; else shows the file and exits.
wait_for() {
    local deadline=$(( SECONDS + $3 ))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        (( SECONDS < deadline )) || { echo "timed out waiting for \"$2\" in $1" >&2; cat "$1" >&2; exit 1; }
        sleep 0.02
    done
}

# CPU ticks (user + system) process $1 has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# Starts the load generator in namespace $1 for $2 connections at $3 a second (and $4, "talk",
# for a line each way); it waits for a line on descriptor 3. Sets $load and $port.
start_load() {
    rm -f "$tmp/go" "$tmp/load.out" "$tmp/load.err"
    mkfifo "$tmp/go"
    exec 3<>"$tmp/go"
    ip netns exec "$1" "$tmp/load" "$2" "$3" ${4:+"$4"} <&3 >"$tmp/load.out" 2>"$tmp/load.err" &
    load=$!
    wait_for "$tmp/load.err" "Listening on" 10
    port=$(awk '{ print $4 }' "$tmp/load.err")
}
