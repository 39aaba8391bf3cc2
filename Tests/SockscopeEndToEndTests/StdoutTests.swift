import Glibc
import Testing
import TestSupport

/// Standard output that fails or blocks (man page, DATA TRANSFER): a failure ends the session
/// with one line and status 1; a blocked stdout (or --hex-dump FIFO) never keeps a signal from
/// ending the tool within a second.
@Suite(.timeLimit(.minutes(4)))
struct StdoutTests {
    /// A peer that sends `size` bytes and closes.
    static func sender(_ scratch: Scratch, size: Int) throws -> (Child, UInt16) {
        writeFile(scratch.file("payload"), randomBytes(size, seed: 5))
        return try ncListener(["-N"], stdin: .file(scratch.file("payload")))
    }

    /// `sockscope … | head -c 10`: the reader leaves; sockscope says why in one line and exits 1
    /// instead of waiting in CLOSE_WAIT forever.
    @Test(arguments: [[], ["-C"]])
    func readerLeavesEndsTheSessionWithStatusOne(extra: [String]) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let (peer, port) = try Self.sender(scratch, size: 10 << 20)
            defer { withExtendedLifetime(peer) {} }
            let pipeline = try Child(["bash", "-c",
                "\(Paths.sockscope) \(extra.joined(separator: " ")) 127.0.0.1 \(port) < /dev/null | head -c 10 > /dev/null; echo \"status=${PIPESTATUS[0]}\" >&2"])
            #expect(try pipeline.waitForExit(timeout: 20) == 0)
            let lines = pipeline.stderrText.split(separator: "\n")
            #expect(lines.last == "status=1")
            #expect(lines.dropLast() == ["sockscope: write to standard output failed: Broken pipe"])
        }
    }

    /// /dev/full: every write fails with ENOSPC.
    @Test func fullDeviceEndsTheSessionWithStatusOne() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"])
            let us = try Child(["sh", "-c", "exec \(Paths.sockscope) 127.0.0.1 \(port) > /dev/full"])
            nc.write("hello\n")
            #expect(try us.waitForExit() == 1)
            #expect(us.stderrText == "sockscope: write to standard output failed: No space left on device\n")
        }
    }

    /// A file system that fills up mid-transfer, on the zero-copy path (stdout is a file).
    @Test(.enabled(if: getuid() == 0 && Paths.which("unshare"), "skipped: needs root (a private tmpfs)"))
    func fileSystemFillsUp() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let (peer, port) = try Self.sender(scratch, size: 4 << 20)
            defer { withExtendedLifetime(peer) {} }
            let us = try Child(["unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=1m none \(scratch.path) && exec \(Paths.sockscope) 127.0.0.1 \(port) < /dev/null > \(scratch.file("out"))"])
            #expect(try us.waitForExit(timeout: 20) == 1)
            #expect(us.stderrText == "sockscope: write to standard output failed: No space left on device\n")
        }
    }

    /// stdout is a pipe nobody reads: once it is full, SIGINT, SIGTERM and SIGHUP still end the
    /// tool at once — on the zero-copy path (one connection) and the copy path (-k).
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP], [false, true])
    func signalEndsItWhileStdoutIsFull(signal: Int32, keepListening: Bool) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            writeFile(scratch.file("payload"), randomBytes(8 << 20, seed: 6))
            let (us, port) = try sockscopeListener(keepListening ? ["-k"] : [], stdin: .null, stdout: .stalled)
            let peer = try Child(["nc", "-N", "127.0.0.1", String(port)], stdin: .file(scratch.file("payload")))
            try us.wait(for: "a full stdout pipe") { $0.stdoutPipeFull }
            us.signal(signal)
            #expect(try us.waitForExit(timeout: 5) == 128 + signal)
            // How soon it ends: bench/signals.sh.
            _ = peer
        }
    }

    /// --hex-dump into a FIFO that nobody opens: sockscope waits for a reader, and a signal ends
    /// the wait.
    @Test func signalEndsTheWaitForAHexDumpReader() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let fifo = scratch.file("dump")
            #expect(mkfifo(fifo, 0o600) == 0)
            let us = try sockscope(["--hex-dump", fifo, "-l", "127.0.0.1", "0"], stdin: .null)
            try us.waitUntilAsleep()
            us.signal(SIGTERM)
            #expect(try us.waitForExit(timeout: 5) == 128 + SIGTERM)
            // How soon it ends: bench/signals.sh.
        }
    }

    /// --hex-dump into a FIFO whose reader stops reading: the dump backs up, and a signal still
    /// ends the tool.
    @Test func signalEndsItWhileTheHexDumpFIFOIsFull() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let fifo = scratch.file("dump")
            #expect(mkfifo(fifo, 0o600) == 0)
            writeFile(scratch.file("payload"), randomBytes(4 << 20, seed: 7))
            let (nc, port) = try ncListener(["-N"], stdin: .file(scratch.file("payload")))
            let us = try sockscope(["--hex-dump", fifo, "127.0.0.1", String(port)], stdin: .null)
            let reader = open(fifo, O_RDONLY | O_NONBLOCK)
            #expect(reader >= 0)
            defer { close(reader) }
            try us.wait(for: "a full hex-dump FIFO") { _ in pipeIsFull(reader) }
            us.signal(SIGTERM)
            #expect(try us.waitForExit(timeout: 5) == 128 + SIGTERM)
            // How soon it ends: bench/signals.sh.
            _ = nc
        }
    }
}
