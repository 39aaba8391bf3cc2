#!/usr/bin/env bash
# How soon a signal ends sockscope wherever it waits: for a client, for a FIFO's reader (--hex-dump,
# and as root --pcap and a lesson's --record), for a reader of a full standard output. The promise
# (sockscope(1)): within a second, after the clean-up. OpenBSD nc waiting for a client is measured
# in the same run as the reference. Prints median and worst over the runs, and the ratio to nc.
# Usage: bench/signals.sh [runs]        (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sockscope >/dev/null 2>&1 || swift build -c release --product sockscope
exec python3 bench/signals.py "$(swift build -c release --show-bin-path)/sockscope" "${1:-10}"
