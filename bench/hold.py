# Holds CONNS established loopback connections (two sockets each) to a listener of its own, says
# READY, and waits until it is terminated: the socket tables that bench/states.sh and
# bench/screen.sh read. The descriptor limit here is 20,000 a process, so a bench starts several
# (bench/holders.sh).
import resource, socket, sys, time
conns = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(4096)
held = []
while len(held) < 2 * conns:
    batch = [socket.create_connection(listener.getsockname()) for _ in range(min(1000, conns - len(held) // 2))]
    held += batch + [listener.accept()[0] for _ in batch]
print('READY', flush=True)
time.sleep(600)
