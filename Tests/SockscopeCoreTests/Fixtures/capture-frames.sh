#!/usr/bin/env bash
# Re-captures frames.pcap and frames.txt: real loopback frames of this kernel, taken with tcpdump
# (nanosecond timestamps) inside a private network namespace (as root), and tcpdump's own reading
# of them, which the frame parser's tests compare with. The conversations: an IPv4 connection
# with data both ways and a full close, an IPv6 one closed by RST (SO_LINGER 0), a SYN to a
# closed port (refused), and a UDP datagram. Usage: ./capture-frames.sh
set -euo pipefail
cd "$(dirname "$0")"
ns=sockscope-frames-$$
ip netns add "$ns"
trap 'kill $(jobs -p) 2>/dev/null || true; ip netns del "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" tcpdump -Z root -i lo -U --immediate-mode -s 262144 --time-stamp-precision nano -w frames.pcap 2>tcpdump.err &
until grep -q "listening on" tcpdump.err 2>/dev/null; do sleep 0.05; done
ip netns exec "$ns" python3 - <<'PY'
import socket, struct, time
def pair(family, host):
    l = socket.socket(family); l.bind((host, 0)); l.listen(8)
    c = socket.socket(family); c.connect(l.getsockname()[:2]); s, _ = l.accept()
    return l, c, s
l, c, s = pair(socket.AF_INET, '127.0.0.1')
c.sendall(b'hello\n'); s.recv(100)
s.sendall(b'x' * 3000); c.recv(5000)
c.shutdown(socket.SHUT_WR); s.recv(1)
s.close(); c.recv(1); c.close()
l6, c6, s6 = pair(socket.AF_INET6, '::1')
c6.sendall(b'abc'); s6.recv(10)
c6.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c6.close()
closed = socket.socket(); closed.bind(('127.0.0.1', 0)); port = closed.getsockname()[1]; closed.close()
r = socket.socket()
try: r.connect(('127.0.0.1', port))
except ConnectionRefusedError: pass
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.sendto(b'datagram', u.getsockname()); u.recv(100)
time.sleep(0.2)
PY
sleep 0.5  # the last frames reach the file
kill %1; wait %1 2>/dev/null || true
rm -f tcpdump.err
# -S: absolute sequence numbers (the parser's own); -nn: numbers, not names.
tcpdump -r frames.pcap -nn -S --time-stamp-precision nano -tt 2>/dev/null >frames.txt
