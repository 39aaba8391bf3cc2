"""A peer floods a terminal session while someone types: sockscope's screen against OpenBSD nc
writing the same bytes to the same kind of terminal (tmux, 100x30), in one run.

For each tool: how long the flood takes to drain, the peak memory (VmHWM) of the tool, and for
sockscope how long a typed key takes to appear on its input line while the flood runs (the
screen must echo within 100 ms). Loopback only; every wait has a deadline."""
import os, socket, statistics, subprocess, sys, threading, time

TOTAL = int(sys.argv[2]) if len(sys.argv) > 2 else 100 * 1024 * 1024
BINARY = sys.argv[1]
NC = "nc.openbsd"
SERVER = f"sockscope-bench-{os.getpid()}"


def tmux(*args):
    return subprocess.run(["tmux", "-L", SERVER, *args], capture_output=True, text=True, timeout=10).stdout


def flood_server(result):
    """Accepts one client and sends TOTAL bytes of text lines (with a few escape sequences),
    then keeps the connection open until told to stop."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    result["port"] = server.getsockname()[1]
    result["ready"].set()
    server.settimeout(20)
    conn, _ = server.accept()
    line = b"flood \x1b[31mline\x1b[0m " + b"x" * 100 + b"\n"
    chunk = line * (65536 // len(line))
    start = time.monotonic()
    sent = 0
    while sent < TOTAL:
        sent += conn.send(chunk[: min(len(chunk), TOTAL - sent)])
    # Drained: everything sent and the receiver has read it (its receive queue is empty).
    conn.shutdown(socket.SHUT_WR) if result.get("fin") else None
    result["sent_at"] = time.monotonic() - start
    result["start"] = start
    result["done"].set()
    result["stop"].wait(60)
    conn.close()
    server.close()


def pid_of(name):
    pane = tmux("display-message", "-p", "#{pane_pid}").strip()
    out = subprocess.run(["pgrep", "-P", pane, "-x", name], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def receive_queue_empty(port):
    out = subprocess.run(["ss", "-tnH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    return all(l.split()[1] == "0" for l in out.splitlines() if l.split())


def run(tool, command, type_keys):
    result = {"ready": threading.Event(), "done": threading.Event(), "stop": threading.Event()}
    thread = threading.Thread(target=flood_server, args=(result,), daemon=True)
    thread.start()
    result["ready"].wait(5)
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", "-e", "LANG=C.UTF-8",
         f"{command} 127.0.0.1 {result['port']}; sleep 60")
    deadline = time.monotonic() + 10
    pid = None
    while pid is None and time.monotonic() < deadline:
        pid = pid_of(tool)
        time.sleep(0.01)
    latencies = []
    key = 0
    while not result["done"].is_set() and time.monotonic() < deadline + 120:
        if type_keys and key < 40:
            token = f"k{key:02d}"
            key += 1
            sent = time.monotonic()
            tmux("send-keys", "-l", token)
            while time.monotonic() - sent < 5:
                screen = tmux("capture-pane", "-p").splitlines()
                if any(l.startswith("> ") and l.rstrip().endswith(token) for l in screen):
                    latencies.append(time.monotonic() - sent)
                    break
            else:
                latencies.append(float("inf"))
        else:
            time.sleep(0.05)
    # The flood is over when the tool has read everything: its receive queue is empty.
    while not receive_queue_empty(result["port"]) and time.monotonic() < deadline + 180:
        time.sleep(0.01)
    elapsed = time.monotonic() - result["start"]
    peak = peak_kib(pid) if pid else 0
    result["stop"].set()
    tmux("kill-server")
    return elapsed, peak, latencies


def main():
    ours = run("sockscope", f"{BINARY} -n", True)
    theirs = run("nc.openbsd", f"{NC} -n", False)
    print(f"flood of {TOTAL // (1024 * 1024)} MiB into a 100x30 tmux terminal")
    print(f"  sockscope screen: {ours[0]:.2f} s, peak memory {ours[1] / 1024:.1f} MiB")
    print(f"  nc (raw bytes to the terminal): {theirs[0]:.2f} s, peak memory {theirs[1] / 1024:.1f} MiB")
    print(f"  ratio (nc time / sockscope time): {theirs[0] / ours[0]:.2f}x")
    if ours[2]:
        finite = [l for l in ours[2] if l != float("inf")]
        print(f"  typing echo during the flood ({len(ours[2])} keys): median {statistics.median(finite) * 1000:.0f} ms, "
              f"max {max(ours[2]) * 1000:.0f} ms (target 100 ms; includes tmux capture, ~5 ms)")


main()
