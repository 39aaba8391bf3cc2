#!/usr/bin/env bash
# Re-captures the /proc/net fixtures from this kernel: sockets held in several states inside a
# private network namespace (as root), so the tables hold only them. Usage: ./capture.sh
set -euo pipefail
cd "$(dirname "$0")"
ns=sockscope-fixture-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" python3 - <<'PY'
import socket, time, shutil, subprocess
def pair(family, host):
    l = socket.socket(family); l.bind((host, 0)); l.listen(8)
    c = socket.socket(family); c.connect(l.getsockname()[:2]); s, _ = l.accept()
    return l, c, s
l4, c4, s4 = pair(socket.AF_INET, '127.0.0.1')            # LISTEN + ESTABLISHED x2
c4.send(b'x' * 1000)                                         # Recv-Q on the server side
l4b, c4b, s4b = pair(socket.AF_INET, '127.0.0.1')
c4b.shutdown(socket.SHUT_WR)                                 # FIN_WAIT2 / CLOSE_WAIT
l4c, c4c, s4c = pair(socket.AF_INET, '127.0.0.1')
c4c.close(); s4c.close()                                     # TIME_WAIT on the client side
l6, c6, s6 = pair(socket.AF_INET6, '::1')                    # tcp6
m = socket.socket(socket.AF_INET6); m.bind(('::', 0)); m.listen(1)   # dual-stack LISTEN
mc = socket.socket(socket.AF_INET); mc.connect(('127.0.0.1', m.getsockname()[1]))  # v4-mapped peer
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))    # UNCONN
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(u.getsockname())  # connected
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(('::1', 0))
time.sleep(0.1)
for name in ('tcp', 'tcp6', 'udp', 'udp6'):
    shutil.copy('/proc/net/' + name, 'proc-net-' + name + '.txt')
with open('ss-tuan.txt', 'w') as out:       # the same sockets as ss sees them, for comparison
    subprocess.run(['ss', '-tuan'], stdout=out, check=True)
PY
echo "captured on $(uname -r)"
