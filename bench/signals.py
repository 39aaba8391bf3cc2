"""SIGTERM to exit, in milliseconds, for each place sockscope waits (see signals.sh)."""
import os, signal, statistics, subprocess, sys, tempfile, time

sockscope, runs = sys.argv[1], int(sys.argv[2])
root = os.geteuid() == 0


def asleep(pid):
    """Whether the process sleeps in a system call (the wait a signal must break)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "S"
    except OSError:
        return False


def text(err):
    err.seek(0)
    return err.read()


def once(argv, ready, stdout=subprocess.DEVNULL, before=None):
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
        helper = before(proc, err) if before else None
        deadline = time.monotonic() + 20
        while True:
            if ready.encode() in text(err) and asleep(proc.pid):
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit(f"{argv[1:4]}: never ready ({ready!r})")
            time.sleep(0.02)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        took = time.monotonic() - start
        if helper:
            helper.kill()
            helper.wait()
        return took


def measure(name, argv, ready, **extra):
    times = [once(argv, ready, **extra) for _ in range(runs)]
    return name, statistics.median(times), max(times)


def flood(proc, err):
    """A client sending 16 MiB to the listener whose standard output nobody reads."""
    deadline = time.monotonic() + 10
    while b"Listening on" not in text(err) and time.monotonic() < deadline:
        time.sleep(0.02)
    port = text(err).split(b"Listening on ")[1].split()[1].decode()
    return subprocess.Popen(["sh", "-c", f"head -c 16777216 /dev/zero | nc -N 127.0.0.1 {port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as scratch:
    fifo = os.path.join(scratch, "fifo")
    os.mkfifo(fifo)
    rows = [measure("nc -l, waiting for a client (reference)", ["nc", "-lv", "127.0.0.1", "0"], "Listening on"),
            measure("sockscope -l, waiting for a client", [sockscope, "-lv", "127.0.0.1", "0"], "Listening on"),
            measure("--hex-dump FIFO, waiting for its reader", [sockscope, "--hex-dump", fifo, "127.0.0.1", "9"],
                    "waiting for a reader")]
    stalled_r, stalled_w = os.pipe()
    rows.append(measure("-l, standard output full", [sockscope, "-lv", "127.0.0.1", "0"], "Connection received",
                        stdout=stalled_w, before=flood))
    if root:
        rows += [measure("states --events --pcap FIFO (root)", [sockscope, "states", "--events", "--pcap", fifo], "waiting for a reader"),
                 measure("lesson --record FIFO (root)", [sockscope, "lesson", "close", "--script", "--record", fifo],
                         "waiting for a reader")]
    else:
        print("(not root: the --pcap and --record waits are not measured)")

reference = rows[0][1]
print(f"SIGTERM to exit over {runs} runs each (ms)")
print(f"{'where it waits':44} {'median':>8} {'worst':>8} {'ratio to nc':>12}")
for name, median, worst in rows:
    print(f"{name:44} {median * 1000:8.1f} {worst * 1000:8.1f} {median / reference:11.2f}x")
worst = max(row[2] for row in rows[1:])
print(f"worst of sockscope's: {worst * 1000:.1f} ms ({'within' if worst < 1 else 'OVER'} the second promised)")
