# Sourced by bench/states.sh and bench/screen.sh: `hold N` starts holders (bench/hold.py) in
# namespace $ns until N established sockets exist, and waits for each to say READY; their pids
# are in `holder_pids`. Needs $ns and $tmp.
hold() {
    local n=$1 per=4000 holders c i
    holders=$(( (n / 2 + per - 1) / per ))
    holder_pids=()
    for i in $(seq 1 "$holders"); do
        c=$(( i < holders ? per : n / 2 - per * (holders - 1) ))
        ip netns exec "$ns" python3 "$(dirname "${BASH_SOURCE[0]}")/hold.py" "$c" </dev/null >"$tmp/out$i" &
        holder_pids+=($!)
    done
    for i in $(seq 1 "$holders"); do
        timeout 120 bash -c "until grep -q READY '$tmp/out$i' 2>/dev/null; do sleep 0.05; done"
    done
}
