#!/usr/bin/env bash
# The screen under a flood: a python peer sends 100 MiB (lines with escape sequences) to
# sockscope's screen in tmux while keys are typed; the same flood goes to OpenBSD nc in the same
# kind of terminal. Prints drain time, peak memory, the ratio, and the typing echo latency.
# Usage: bench/flood.sh [bytes]        (default 100 MiB)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
exec python3 bench/flood.py "$(swift build -c release --show-bin-path)/sockscope" "${1:-104857600}"
