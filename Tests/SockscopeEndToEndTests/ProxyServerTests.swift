import Glibc
import Testing
import TestSupport

/// `sockscope proxy`: curl through each kind it serves (SOCKS5 with the name resolved here or by
/// the proxy, SOCKS4, SOCKS4a, HTTP CONNECT and a plain http:// request), 20 tunnels open at
/// once, 64 MiB byte-exact with the FIN passed both ways, each refusal one line in the
/// protocol's own terms, and a line (or a JSON object) per tunnel.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Paths.which("python3") && Paths.which("curl"), "skipped: needs python3 and curl"))
struct ProxyServerTests {
    /// The proxy on 127.0.0.1 port 0, and the port its readiness line names.
    static func proxy(_ extra: [String] = []) throws -> (Child, UInt16) {
        let child = try sockscope(["proxy", "-n"] + extra + ["127.0.0.1", "0"], stdin: .null)
        var port: UInt16?
        // `Proxy listening on 127.0.0.1 PORT: …`, or with --json `{"kind":"listening",…,"port":PORT,…}`.
        try child.wait(for: "the proxy's readiness line") { child in
            guard let line = child.stdoutText.split(separator: "\n").first else { return false }
            if line.hasPrefix("{") {
                port = line.split(separator: "\"port\":").dropFirst().first.flatMap { UInt16($0.prefix(while: \.isNumber)) }
            } else if line.hasPrefix("Proxy listening on 127.0.0.1 "), let word = line.split(separator: " ").dropFirst(4).first {
                port = UInt16(word.dropLast())
            }
            return port != nil
        }
        return (child, port ?? 0)
    }

    /// A web server on 127.0.0.1 serving `directory`, threads for many clients at once.
    static func webServer(_ directory: String) throws -> (Child, UInt16) {
        try pythonPeer("""
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            class Quiet(handler.func):
                def log_message(self, *a): pass
            server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=sys.argv[1]))
            print('Listening on 127.0.0.1', server.server_address[1], file=sys.stderr, flush=True)
            server.serve_forever()
            """, arguments: [directory])
    }

    /// An echo server: every byte back, and its FIN once the client's has come.
    static func echoServer() throws -> (Child, UInt16) {
        try pythonPeer("""
            import socket, sys, threading
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(64)
            print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
            def serve(c):
                while True:
                    d = c.recv(65536)
                    if not d: break
                    c.sendall(d)
                c.shutdown(socket.SHUT_WR); c.close()
            while True:
                c, _ = l.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """)
    }

    static func stop(_ children: Child...) {
        for child in children {
            child.signal(SIGTERM)
            _ = try? child.waitForExit()
        }
    }

    /// The tunnel lines the proxy has printed so far.
    static func tunnelLines(_ proxy: Child) -> [Substring] {
        proxy.stdoutText.split(separator: "\n").filter { $0.hasPrefix("#") }
    }

    @Test func curlThroughEachKindGetsTheFileWhole() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            writeFile(scratch.file("page.bin"), randomBytes(3 << 20, seed: 22))
            let (web, webPort) = try Self.webServer(scratch.path)
            let (proxy, port) = try Self.proxy()
            let kinds: [(options: [String], host: String, says: String)] = [
                (["--socks5", "127.0.0.1:\(port)"], "localhost", "→ 127.0.0.1:\(webPort) SOCKS5:"),
                (["--socks5-hostname", "127.0.0.1:\(port)"], "localhost", "→ localhost:\(webPort) SOCKS5:"),
                (["--socks4", "127.0.0.1:\(port)"], "127.0.0.1", "→ 127.0.0.1:\(webPort) SOCKS4:"),
                (["--socks4a", "127.0.0.1:\(port)"], "localhost", "→ localhost:\(webPort) SOCKS4a:"),
                (["-p", "-x", "http://127.0.0.1:\(port)"], "localhost", "→ localhost:\(webPort) HTTP CONNECT:"),
                (["-x", "http://127.0.0.1:\(port)"], "localhost", "→ localhost:\(webPort) HTTP (forwarded):"),
            ]
            for (index, kind) in kinds.enumerated() {
                let out = scratch.file("got\(index).bin")
                let (code, curl) = try Child.run(["curl", "-sS", "--max-time", "30", "-o", out] + kind.options
                                                 + ["http://\(kind.host):\(webPort)/page.bin"], timeout: 40)
                #expect(code == 0, "\(kind.options): \(curl.stderrText)")
                #expect(Child.runQuietly(["cmp", scratch.file("page.bin"), out]) == 0, "\(kind.options)")
                // Its line, once the tunnel has ended: the target as asked, what passed.
                try proxy.wait(for: "tunnel \(index + 1)'s line", timeout: 20) { Self.tunnelLines($0).count > index }
                let line = Self.tunnelLines(proxy)[index]
                #expect(line.hasPrefix("#\(index + 1) 127.0.0.1 ") && line.contains(kind.says) && line.hasSuffix(", finished"), "\(line)")
                let down = line.split(separator: ",").first { $0.hasSuffix(" down") }?.split(separator: " ").first.flatMap { Int($0) }
                #expect((down ?? 0) > 3 << 20, "\(line)")
            }
            Self.stop(proxy, web)
        }
    }

    /// Twenty clients (OpenBSD nc through SOCKS5) hold their tunnels open at once; each hears its
    /// own line echoed, its FIN goes through and the echo server's comes back: every nc ends.
    @Test func twentyTunnelsAtOnce() async throws {
        try await offPool { () throws in
            let (echo, echoPort) = try Self.echoServer()
            let (proxy, port) = try Self.proxy(["-v"])
            var clients: [Child] = []
            for _ in 0..<20 { clients.append(try Child(["nc", "-N", "-X", "5", "-x", "127.0.0.1:\(port)", "127.0.0.1", "\(echoPort)"])) }
            try proxy.wait(for: "20 tunnels open", timeout: 30) { $0.stdoutText.components(separatedBy: ": open after ").count == 21 }
            #expect(Self.tunnelLines(proxy).allSatisfy { $0.contains(": open after ") }, "\(proxy.stdoutText)")  // none ended yet
            for (index, client) in clients.enumerated() { client.write("tunnel \(index) says hi\n") }
            for (index, client) in clients.enumerated() {
                try client.waitForStdout(containing: "tunnel \(index) says hi\n", timeout: 20)
                client.closeStdin()
            }
            for client in clients {
                #expect(try client.waitForExit(timeout: 20) == 0)
                #expect(client.stdoutText.split(separator: "\n").count == 1, "\(client.stdoutText)")
            }
            try proxy.wait(for: "20 tunnel ends", timeout: 20) { $0.stdoutText.components(separatedBy: "bytes up").count == 21 }
            let ends = Self.tunnelLines(proxy).filter { $0.contains("bytes up") }
            // `tunnel 7 says hi\n` is 17 bytes, `tunnel 17 says hi\n` 18.
            #expect(ends.allSatisfy { $0.contains(" SOCKS5: 17 bytes up, 17 down, ") || $0.contains(" SOCKS5: 18 bytes up, 18 down, ") }, "\(ends)")
            #expect(ends.allSatisfy { $0.hasSuffix(", finished") })
            Self.stop(proxy, echo)
        }
    }

    /// 64 MiB up through the proxy with a password, byte-exact; then `printf abc` to a program
    /// counting its input, through the proxy: its answer comes back after our FIN went through.
    @Test func sixtyFourMiBAndTheFinBothWays() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let sent = scratch.file("sent.bin"), received = scratch.file("received.bin"), auth = scratch.file("users")
            try TLSTests.randomFile(sent, bytes: 64 << 20)
            writeFile(auth, Array("# who may\nbob:other\nann:s:cret\n".utf8))
            let (proxy, port) = try Self.proxy(["--auth-file", auth])
            #expect(proxy.stdoutText.contains("username and password (2 accepted; SOCKS4 refused)"), "\(proxy.stdoutText)")
            let (target, targetPort) = try ncListener(["-d"], stdout: .file(received))
            let us = try sockscope(["-N", "-x", "127.0.0.1:\(port)", "--proxy-auth", "ann:s:cret", "localhost", "\(targetPort)"],
                                   stdin: .file(sent))
            #expect(try us.waitForExit(timeout: 90) == 0, "\(us.stderrText)")
            #expect(try target.waitForExit(timeout: 30) == 0)
            #expect(Child.runQuietly(["cmp", sent, received]) == 0)
            try proxy.wait(for: "the tunnel's line") { !Self.tunnelLines($0).isEmpty }
            #expect(Self.tunnelLines(proxy)[0].contains(" SOCKS5: \(64 << 20) bytes up, 0 down, "), "\(proxy.stdoutText)")

            let (counter, counterPort) = try sockscopeListener(["-c", "wc -c"], stdin: .null)
            let count = try sockscope(["-N", "-x", "127.0.0.1:\(port)", "-X", "connect", "--proxy-auth", "bob:other",
                                       "127.0.0.1", "\(counterPort)"])
            count.write("abc")
            count.closeStdin()
            #expect(try count.waitForExit(timeout: 20) == 0, "\(count.stderrText)")
            #expect(count.stdoutText.trimmingCharacters(in: .whitespaces) == "3\n", "\(count.stdoutText)")
            #expect(try counter.waitForExit(timeout: 20) == 0)
            Self.stop(proxy)
        }
    }

    /// Refused: wrong credentials, SOCKS4 where a password is asked, a target that refuses (by
    /// address, and by a name the proxy resolves; a name that does not resolve would ask DNS, off
    /// this machine: ProxyRequestTests), a client --deny names — each one line, the client told in its
    /// protocol (our own -x says the proxy's reason), the proxy still serving.
    @Test func refusalsAreOneLineEachAndTheClientIsToldWhy() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let auth = scratch.file("users")
            writeFile(auth, Array("ann:s:cret\n".utf8))
            let (proxy, port) = try Self.proxy(["--auth-file", auth])
            let closed = try ProcessEdgeTests.closedPort()
            let cases: [(options: [String], host: String, client: String, proxySays: String)] = [
                (["--proxy-auth", "ann:wrong"], "127.0.0.1", "(SOCKS5) refused: username and password refused (status 1)",
                 "refused (SOCKS5): username and password refused (user ann)"),
                (["-X", "4a"], "localhost", "(SOCKS4a) refused: request rejected or failed (reply 91)",
                 "refused (SOCKS4a): SOCKS4a carries no password, and the proxy asks for one"),
                (["--proxy-auth", "ann:s:cret"], "127.0.0.1", "(SOCKS5) refused: connection refused (reply 5)",
                 "→ 127.0.0.1:\(closed) SOCKS5: Connection refused"),
                (["-X", "connect", "--proxy-auth", "ann:s:cret"], "localhost", "(HTTP CONNECT) refused: HTTP/1.1 502 Bad Gateway",
                 "→ localhost:\(closed) HTTP CONNECT: Connection refused"),
            ]
            for (index, item) in cases.enumerated() {
                let us = try sockscope(["-x", "127.0.0.1:\(port)"] + item.options + [item.host, "\(closed)"], stdin: .null)
                #expect(try us.waitForExit(timeout: 20) == 1)
                #expect(us.stderrText.contains(item.client), "\(us.stderrText)")
                #expect(us.stderrText.split(separator: "\n").count == 1, "\(us.stderrText)")
                try proxy.wait(for: "refusal \(index + 1)", timeout: 20) { Self.tunnelLines($0).count > index }
                #expect(Self.tunnelLines(proxy)[index].contains(item.proxySays), "\(Self.tunnelLines(proxy)[index])")
            }
            Self.stop(proxy)
            // --deny: the client is closed before it says a word, and that is a line too.
            let (denying, denyingPort) = try Self.proxy(["--deny", "127.0.0.0/8", "--json"])
            let (code, curl) = try Child.run(["curl", "-sS", "--max-time", "10", "--socks5", "127.0.0.1:\(denyingPort)", "http://127.0.0.1:\(closed)/"])
            #expect(code != 0, "\(curl.stdoutText)")
            try denying.wait(for: "the refusal", timeout: 20) { $0.stdoutText.contains("\"kind\":\"tunnel-refused\"") }
            #expect(denying.stdoutText.contains("\"reason\":\"not allowed (--allow, --deny)\""), "\(denying.stdoutText)")
            #expect(denying.stdoutText.hasPrefix("{\"kind\":\"listening\""), "\(denying.stdoutText)")
            Self.stop(denying)
        }
    }

    /// A client that connects and says nothing holds no place for ever: past -w (30 s by
    /// default) it is closed, and that is a line.
    @Test func aSilentClientIsClosedAfterTheLimit() async throws {
        try await offPool { () throws in
            let (proxy, port) = try Self.proxy(["-w", "1"])
            // nc's input ends at once (it sends nothing, and without -N no FIN): it leaves when
            // the proxy closes the connection.
            let silent = try Child(["nc", "127.0.0.1", "\(port)"])
            silent.closeStdin()
            #expect(try silent.waitForExit(timeout: 20) == 0)
            try proxy.wait(for: "the refusal", timeout: 20) { !Self.tunnelLines($0).isEmpty }
            #expect(Self.tunnelLines(proxy)[0].hasSuffix("refused (unknown protocol): no request within 1 s"), "\(proxy.stdoutText)")
            Self.stop(proxy)
        }
    }

    /// SIGTERM ends the proxy at once; a tunnel still open is told as interrupted, with what
    /// passed; --json says it as an object.
    @Test func aSignalEndsItTellingOpenTunnels() async throws {
        try await offPool { () throws in
            let (echo, echoPort) = try Self.echoServer()
            let (proxy, port) = try Self.proxy(["--json"])
            let client = try Child(["nc", "-X", "5", "-x", "127.0.0.1:\(port)", "127.0.0.1", "\(echoPort)"])
            client.write("ping\n")
            try client.waitForStdout(containing: "ping\n")
            proxy.signal(SIGTERM)
            #expect(try proxy.waitForExit(timeout: 5) == 128 + SIGTERM)
            let line = proxy.stdoutText.split(separator: "\n").first { $0.contains("\"kind\":\"tunnel\"") } ?? ""
            #expect(line.contains("\"up\":5,\"down\":5,") && line.contains("\"end\":\"interrupted\""), "\(proxy.stdoutText)")
            #expect(line.contains("\"protocol\":\"socks5\",\"target\":\"127.0.0.1\",\"target_port\":\(echoPort)"), "\(line)")
            Self.stop(client, echo)
        }
    }
}
