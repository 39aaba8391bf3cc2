#!/usr/bin/env bash
# The /proc/net/tcp parser on a 10,000-line table, release build. Target: at most 2 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product parse-bench >/dev/null 2>&1 || swift build -c release --product parse-bench
"$(swift build -c release --show-bin-path)/parse-bench"
