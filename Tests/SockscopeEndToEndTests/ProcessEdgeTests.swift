import Glibc
import Testing
import TestSupport

/// What the process is handed at its edges: numbers of any size that pass validation, standard
/// descriptors closed by the caller, SIGQUIT. Never a trap, never a byte in the wrong place.
@Suite(.timeLimit(.minutes(4)))
struct ProcessEdgeTests {
    /// A port that was just bound and released, so nothing listens on it.
    static func closedPort() throws -> UInt16 {
        let (listener, port) = try sockscopeListener([], stdin: .null)
        listener.signal(SIGTERM)
        _ = try listener.waitForExit()
        return port
    }

    static func noTrap(_ child: Child, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!child.stderrText.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(!child.stderrText.contains("crashed"), sourceLocation: sourceLocation)
    }

    /// -i 3000000 between scanned ports: more milliseconds than poll() takes; the wait goes on
    /// until a signal ends it.
    @Test func scanIntervalOfAMonth() async throws {
        try await offPool { () throws in
            let (a, b) = (try Self.closedPort(), try Self.closedPort())
            let scan = try sockscope(["-z", "-v", "-i", "3000000", "127.0.0.1", "\(a),\(b)"], stdin: .null)
            try scan.waitForStderrLine(containing: "port \(a) (tcp) failed")
            try scan.waitUntilAsleep()
            scan.signal(SIGTERM)
            #expect(try scan.waitForExit() == 128 + SIGTERM)
            #expect(!scan.stderrText.contains("port \(b)"))
            Self.noTrap(scan)
        }
    }

    @Test func udpScanWithAHugeTimeout() async throws {
        try await offPool { () throws in
            let closed = try Self.closedPort()
            let result = try Child.run([Paths.sockscope, "-z", "-u", "-v", "-w", "2200000", "127.0.0.1", String(closed)])
            #expect(result.code == 1)
            #expect(result.child.stderrText.contains("port \(closed) (udp) failed: Connection refused"))
            Self.noTrap(result.child)
        }
    }

    @Test(.enabled(if: getuid() == 0, "skipped: needs root (tracefs)"))
    func eventsIntervalOfAMonth() async throws {
        try await offPool { () throws in
            let events = try sockscope(["states", "--events", "--interval", "3000000"])
            try events.waitForStderrLine(containing: "Watching TCP")
            try events.waitUntilAsleep()
            events.signal(SIGTERM)
            #expect(try events.waitForExit() == 128 + SIGTERM)
            Self.noTrap(events)
        }
    }

    /// A peer that reads until end of stream and reports how many bytes came.
    static let counter = """
        import socket, sys
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
        print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
        c, _ = s.accept(); n = 0
        if len(sys.argv) > 1: c.sendall(sys.argv[1].encode())
        while True:
            b = c.recv(65536)
            if not b: break
            n += len(b)
        print('EOF after', n, 'bytes', flush=True)
        """

    /// `<&-`: standard input is closed, so input has ended — -N sends FIN at once.
    @Test func closedStdinEndsInputAndSendsFin() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer(Self.counter)
            let us = try Child(["sh", "-c", "exec \(Paths.sockscope) -N 127.0.0.1 \(port) <&-"], stdin: .null)
            try peer.waitForStdout(containing: "EOF after 0 bytes")
            #expect(try us.waitForExit() == 0)
        }
    }

    /// `<&- 2>&-` with -v: the signalfd would take 0 and the socket 2, so the connection
    /// messages would go into the TCP stream.
    @Test func closedStderrKeepsDiagnosticsOutOfTheStream() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer(Self.counter)
            let us = try Child(["sh", "-c", "exec \(Paths.sockscope) -v -N 127.0.0.1 \(port) <&- 2>&-"], stdin: .null)
            try peer.waitForStdout(containing: "EOF after 0 bytes")
            #expect(try us.waitForExit() == 0)
        }
    }

    /// `>&-`: what the peer sends cannot be delivered; it must not be echoed back into the stream.
    @Test func closedStdoutIsAFailingStdout() async throws {
        try await offPool { () throws in
            let code = """
                import socket, sys
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
                print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
                c, _ = s.accept(); c.sendall(b'hello'); c.shutdown(socket.SHUT_WR); n = 0
                while True:
                    b = c.recv(65536)
                    if not b: break
                    n += len(b)
                print('EOF after', n, 'bytes', flush=True)
                """
            let (peer, port) = try pythonPeer(code)
            let us = try Child(["sh", "-c", "exec \(Paths.sockscope) -N 127.0.0.1 \(port) < /dev/null >&-"], stdin: .null)
            #expect(try us.waitForExit() == 1)
            #expect(us.stderrText == "sockscope: write to standard output failed: Bad file descriptor\n")
            try peer.waitForStdout(containing: "EOF after 0 bytes")
        }
    }

    /// SIGQUIT: no "Program crashed" backtrace; the process dies by it, as nc does.
    @Test func sigquitKillsWithoutABacktrace() async throws {
        try await offPool { () throws in
            let (us, _) = try sockscopeListener([])
            us.signal(SIGQUIT)
            #expect(try us.waitForExit() == 128 + SIGQUIT)
            // How soon it ends: bench/signals.sh.
            #expect(!us.stderrText.contains("crashed") && !us.stderrText.contains("Backtrace"))
        }
    }

    /// A process that names itself with escape sequences (prctl PR_SET_NAME) cannot retitle or
    /// clear the terminal through `states`; JSON carries the name exactly.
    @Test func processNamesAreEscapedInTheTable() async throws {
        try await offPool { () throws in
            let (holder, port) = try pythonPeer("""
                import ctypes, socket, sys, time
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
                ctypes.CDLL(None).prctl(15, b'\\x1b]0;pwned\\x07\\x1b[2J', 0, 0, 0)
                print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
                time.sleep(30)
                """)
            defer { holder.signal(SIGKILL) }
            let table = try Child.run([Paths.sockscope, "states", "--port", String(port), "-p"])
            #expect(table.code == 0)
            #expect(!table.child.stdout.contains(0x1B) && !table.child.stdout.contains(0x07))
            #expect(table.child.stdoutText.contains("\\x1b]0;pwned\\x07\\x1b[2J[\(holder.pid)]"))
            let json = try Child.run([Paths.sockscope, "states", "--port", String(port), "-p", "--json"])
            #expect(json.child.stdoutText.contains("\\u001b]0;pwned\\u0007\\u001b[2J"))
        }
    }
}
