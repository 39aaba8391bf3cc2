import Glibc
import Testing
import TestSupport

/// Hostile TLS peers mid-session: a fatal alert in the middle of the stream, and a flood of
/// ClientHellos that leave at once — one line and exit 1, or the connection closed, never a trap,
/// nothing left open.
@Suite(.timeLimit(.minutes(2)), .enabled(if: TLSPeers.available, "skipped: needs openssl and socat"))
struct TLSHostileTests {
    /// A proxy between us and a TLS server that flips one bit of the next chunk we send once the
    /// test says `tamper` on its standard input: the server's OpenSSL finds the record's MAC
    /// wrong and answers with a fatal alert, mid-stream.
    static func tamperingProxy(to port: UInt16) throws -> (Child, UInt16) {
        let proxy = try Child(["python3", "-u", "-c", """
            import select, socket, sys
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
            print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
            c, _ = l.accept()
            s = socket.create_connection(('127.0.0.1', \(port)))
            armed = False
            while True:
                ready, _, _ = select.select([c, s, sys.stdin], [], [], 30)
                if not ready: break
                if sys.stdin in ready:
                    sys.stdin.readline(); armed = True; print('armed', flush=True)
                if c in ready:
                    data = c.recv(65536)
                    if not data: break
                    if armed:
                        data = data[:-1] + bytes([data[-1] ^ 1]); armed = False; print('tampered', flush=True)
                    s.sendall(data)
                if s in ready:
                    data = s.recv(65536)
                    if not data: break
                    c.sendall(data)
            """], stdin: .pipe)
        return (proxy, try proxy.waitForPort())
    }

    @Test func aFatalAlertMidStreamIsOneLine() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "-")
            let (proxy, proxyPort) = try Self.tamperingProxy(to: port)
            let us = try sockscope(["--tls", "--tls-ca", cert.cert, "--tls-servername", "localhost", "127.0.0.1", "\(proxyPort)"])
            us.write("one\n")
            try server.waitForStdout(containing: "one\n")
            proxy.write("tamper\n")
            try proxy.waitForStdout(containing: "armed")
            us.write("two\n")
            #expect(try us.waitForExit(timeout: 20) == 1)
            #expect(us.stderrText == "sockscope: TLS: sslv3 alert bad record mac\n", "\(us.stderrText)")
            #expect(!server.stdoutText.contains("two"))
            _ = try server.waitForExit(timeout: 20)
            proxy.closeStdin()
            _ = try proxy.waitForExit(timeout: 40)
        }
    }

    /// 300 clients each send a real ClientHello and leave at once (half of them with a reset):
    /// the server answers what it can, closes each, keeps no descriptor of theirs, and serves
    /// the next real client.
    @Test func aClientHelloFloodLeavesNothingOpen() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-k", "--tls"])
            // Its sockets: the listener, and any connection still open (its other descriptors,
            // a copy of standard output made for writing it, are not the flood's).
            func sockets() -> Int {
                (try? Child.run(["sh", "-c", "ls -l /proc/\(server.pid)/fd | grep -c socket:"]).child.stdoutText)
                    .flatMap { Int($0.split(separator: "\n").first ?? "") } ?? -1
            }
            #expect(sockets() == 1)
            let flood = try Child(["python3", "-u", "-c", """
                import socket, ssl, struct
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = ctx.wrap_bio(incoming, outgoing)
                try: tls.do_handshake()
                except ssl.SSLWantReadError: pass
                hello = outgoing.read()
                for index in range(300):
                    s = socket.create_connection(('127.0.0.1', \(port)))
                    s.sendall(hello)
                    if index % 2: s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                    s.close()
                print('flooded', flush=True)
                """], stdin: .null)
            try flood.waitForStdout(containing: "flooded", timeout: 60)
            #expect(try flood.waitForExit() == 0, "\(flood.stderrText)")
            let client = try sockscope(["--tls", "--tls-no-verify", "127.0.0.1", "\(port)"])
            client.write("still served\n")
            try server.waitForStdout(containing: "still served\n", timeout: 20)
            client.signal(SIGTERM)
            _ = try client.waitForExit()
            // The listener alone again; on failure, what is open.
            do {
                try server.wait(for: "the flood's connections closed", timeout: 30) { _ in sockets() == 1 }
            } catch {
                let open = try? Child.run(["sh", "-c", "ls -l /proc/\(server.pid)/fd; ss -tanp | grep pid=\(server.pid),"])
                Issue.record("\(error) — sockets \(sockets()): \(open?.child.stdoutText ?? "")")
            }
            #expect(!server.hasExited)
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }
}
