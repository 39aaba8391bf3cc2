#!/usr/bin/env bash
# Re-captures the binary trace fixtures from this kernel (as root): one ring-buffer page read from
# trace_pipe_raw holding an IPv4 and an IPv6 loopback session (in a private network namespace),
# with the kernel's page header and event format. Usage: ./capture-trace.sh
set -euo pipefail
cd "$(dirname "$0")"
tracing=/sys/kernel/tracing
instance=$tracing/instances/sockscope-fixture-$$
ns=sockscope-fixture-$$
ip netns add "$ns"
trap 'echo 0 > "$instance/events/sock/inet_sock_set_state/enable" 2>/dev/null; rmdir "$instance" 2>/dev/null; ip netns del "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
mkdir "$instance"
echo mono > "$instance/trace_clock"
echo 1 > "$instance/events/sock/inet_sock_set_state/enable"
cp "$tracing/events/header_page" trace-header-page.txt
cp "$instance/events/sock/inet_sock_set_state/format" trace-format.txt
# Both sessions on one CPU, so that one page holds them all.
ip netns exec "$ns" taskset -c 0 python3 - <<'PY'
import socket
for family, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
    l = socket.socket(family); l.bind((host, 0)); l.listen()
    c = socket.create_connection(l.getsockname()[:2]); s, _ = l.accept()
    c.close(); s.close(); l.close()
PY
python3 - "$instance" <<'PY'
import os, sys
fd = os.open(sys.argv[1] + '/per_cpu/cpu0/trace_pipe_raw', os.O_RDONLY | os.O_NONBLOCK)
open('trace-page.bin', 'wb').write(os.read(fd, 4096))
PY
echo "captured on $(uname -r)"
