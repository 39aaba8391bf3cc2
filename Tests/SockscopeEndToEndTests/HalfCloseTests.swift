import Glibc
import Testing
import TestSupport

/// The end-of-input rules (man page, DATA TRANSFER): nc's default keeps the connection open,
/// -N sends FIN, -q quits, -w times out, and every received byte reaches stdout before exit.
@Suite(.timeLimit(.minutes(4)))
struct HalfCloseTests {
    /// Reads until EOF, then answers with the byte count and closes: it only answers if we FIN.
    static let answerAfterEOF = """
        import socket, sys
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
        print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
        c, _ = s.accept(); n = 0
        while True:
            b = c.recv(65536)
            if not b: break
            n += len(b)
        c.sendall(b'got %d bytes\\n' % n); c.close()
        """

    @Test func dashNSendsFinAndStillReadsTheAnswer() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer(Self.answerAfterEOF)
            let us = try sockscope(["-N", "127.0.0.1", String(port)])
            us.write("12345")
            us.closeStdin()
            #expect(try us.waitForExit() == 0)
            #expect(us.stdoutText == "got 5 bytes\n")
            #expect(try peer.waitForExit() == 0)
        }
    }

    /// Without -N the connection stays open after end of input: the peer can still talk to us,
    /// and we exit when it closes (nc's default).
    @Test func withoutNTheConnectionStaysOpen() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener()
            let us = try sockscope(["127.0.0.1", String(port)], stdin: .null)
            try nc.waitForStderrLine(containing: "Connection received")
            nc.write("still here\n")
            try us.waitForStdout(containing: "still here")
            #expect(!us.hasExited)
            nc.closeStdin()
            nc.signal(SIGTERM)  // nc itself never closes without -N
            #expect(try us.waitForExit() == 0)
        }
    }

    /// The listener ends when its client has finished, with every received byte on stdout.
    @Test func listenerFlushesEverythingWhenTheClientFinishes() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener()
            let payload = randomBytes(3 << 20, seed: 9)
            let nc = try Child(["nc", "-N", "127.0.0.1", String(port)])
            nc.write(payload)
            nc.closeStdin()
            #expect(try us.waitForExit(timeout: 30) == 0)
            #expect(us.stdout == payload)
            #expect(try nc.waitForExit() == 0)
        }
    }

    /// Reads until EOF, then keeps its side open.
    static let holdAfterEOF = """
        import socket, sys, time
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
        print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
        c, _ = s.accept(); data = b''
        while True:
            b = c.recv(65536)
            if not b: break
            data += b
        sys.stdout.buffer.write(data); sys.stdout.flush()
        time.sleep(30)
        """

    @Test func dashQQuitsAfterEndOfInput() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer(Self.holdAfterEOF)
            let us = try sockscope(["-q", "1", "127.0.0.1", String(port)])
            us.write("bye\n")
            let start = now()
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 10) == 0)
            let elapsed = now() - start
            #expect(elapsed >= 0.9 && elapsed < 5, "quit after \(elapsed) s")
            // -q implies -N: the peer saw our FIN (its read loop ended and it printed the data).
            try peer.waitForStdout(containing: "bye")
            peer.signal(SIGTERM)
        }
    }

    /// Answers a request in six parts, 0.4 s apart, then holds the connection open in silence.
    static let slowReply = """
        import socket, sys, time
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
        print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
        c, _ = s.accept(); c.recv(100)
        for i in range(6):
            time.sleep(0.4); c.sendall(b'part%d\\n' % i)
        print('sent', flush=True)
        time.sleep(30)
        """

    /// -q counts quiet time (Debian's nc reads a reply that keeps flowing): every part arrives,
    /// and the quit comes about SECS seconds after the last one.
    @Test func dashQCountsQuietTime() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer(Self.slowReply)
            let us = try sockscope(["-q", "1", "127.0.0.1", String(port)])
            us.write("request\n")
            us.closeStdin()
            try peer.waitForStdout(containing: "sent")
            let lastPart = now()
            #expect(try us.waitForExit(timeout: 10) == 0)
            #expect(us.stdoutText == (0..<6).map { "part\($0)\n" }.joined())
            let quiet = now() - lastPart
            #expect(quiet >= 0.8 && quiet < 3, "quit \(quiet) s after the last part")
            peer.signal(SIGTERM)
        }
    }

    /// `echo req | sockscope -q 0`: the whole reply is read, up to the peer's FIN.
    @Test func dashQZeroReadsTheWholeReply() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer("""
                import socket, sys, time
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
                print('Listening on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
                c, _ = s.accept(); c.recv(100)
                for i in range(3):
                    time.sleep(0.2); c.sendall(b'part%d\\n' % i)
                c.close()
                """)
            let us = try sockscope(["-q", "0", "127.0.0.1", String(port)])
            us.write("request\n")
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 10) == 0)
            #expect(us.stdoutText == "part0\npart1\npart2\n")
            #expect(try peer.waitForExit() == 0)
        }
    }

    @Test func dashWIdleTimeout() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener()
            let us = try sockscope(["-w", "1", "127.0.0.1", String(port)])  // stdin stays open
            try nc.waitForStderrLine(containing: "Connection received")
            let start = now()
            #expect(try us.waitForExit(timeout: 10) == 0)
            #expect(now() - start < 5)
        }
    }

    @Test func dashWConnectTimeoutOnAFullBacklog() async throws {
        try await offPool { () throws in
            // A listener with backlog 0 that never accepts: once its queue is full, further SYNs
            // are dropped and a connect stays in SYN_SENT until -w gives up.
            let (holder, port) = try pythonPeer("""
                import select, socket, sys, time
                s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
                p = s.getsockname()[1]
                # One completed connection fills a backlog-0 accept queue; wait until it is in.
                c = socket.socket(); c.setblocking(False); c.connect_ex(('127.0.0.1', p))
                if not select.select([], [c], [], 5)[1]: sys.exit('first connection did not complete')
                print('Listening on 127.0.0.1', p, file=sys.stderr, flush=True)
                time.sleep(30)
                """)
            let us = try sockscope(["-w", "1", "127.0.0.1", String(port)], stdin: .null)
            #expect(try us.waitForExit(timeout: 10) == 1)
            #expect(us.stderrText == "sockscope: connect to 127.0.0.1 port \(port) (tcp) timed out: Operation now in progress\n")
            holder.signal(SIGTERM)
        }
    }

    @Test func sigtermExitsBySignal() async throws {
        try await offPool { () throws in
            let (us, _) = try sockscopeListener()
            us.signal(SIGTERM)
            #expect(try us.waitForExit() == 128 + SIGTERM)
        }
    }
}
