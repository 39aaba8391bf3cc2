# Helpers for the benches that report a median of runs. Sourced, not run.

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# `NAME  X.XX GB/s (median of runs, S s)` for $3 seconds to move $2 bytes, NAME padded to 10.
rate_line() { awk -v name="$1" -v b="$2" -v s="$3" 'BEGIN { printf "%-10s %.2f GB/s (median of runs, %.3f s)\n", name, b / s / 1e9, s }'; }

# Waits for background job $1 to exit, at most $2 seconds (then kills it). `tail --pid` would
# look only once a second, adding up to a second to whichever tool's listener ends last. The
# guard ends by itself and is never killed: a killed subshell (even before its first command)
# runs the bench's EXIT trap, which removes the scratch directory and kills the other jobs in
# the middle of the run.
wait_exit() {
    bash -c 'end=$((SECONDS + $1)); while kill -0 "$2" 2>/dev/null; do
                 if [ "$SECONDS" -ge "$end" ]; then kill "$2"; exit; fi; sleep 0.02; done' guard "$2" "$1" &
    wait "$1" 2>/dev/null || true
}
