import Glibc
import Testing
import TestSupport

/// -x: through SOCKS4, 4a, 5 and HTTP CONNECT proxies written for these tests (python, threads,
/// half-close passed on), to nc on loopback — byte-exact, chained, the name resolved where asked,
/// each refusal one line in the proxy's words, exit 1.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Paths.which("python3"), "skipped: needs python3"))
struct ProxyClientTests {
    /// A proxy of `mode`'s kind (socks5, socks5-auth, socks5-domain, socks5-refuse, socks4,
    /// socks4-refuse, http, http-auth, http-refuse, http-banner). It prints `CONNECT host port` for each
    /// request; the credentials it wants are ann / s:cret.
    static func proxy(_ mode: String, within: ([String]) -> [String] = { $0 }) throws -> (Child, UInt16) {
        let child = try Child(within(["python3", "-u", "-c", """
            import base64, socket, struct, sys, threading
            mode = sys.argv[1]
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(64)
            print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
            def recvn(c, n):
                b = b''
                while len(b) < n:
                    x = c.recv(n - len(b))
                    if not x: raise EOFError
                    b += x
                return b
            def until_nul(c):
                b = b''
                while True:
                    x = recvn(c, 1)
                    if x == b'\\0': return b
                    b += x
            def pipe(a, b):
                try:
                    while True:
                        d = a.recv(65536)
                        if not d: break
                        b.sendall(d)
                except OSError: pass
                try: b.shutdown(socket.SHUT_WR)
                except OSError: pass
            def relay(c, host, port):
                u = socket.create_connection((host, int(port)))
                t = threading.Thread(target=pipe, args=(u, c)); t.start()
                pipe(c, u); t.join(); u.close()
            def serve(c):
                try:
                    if mode.startswith('socks5'):
                        n = recvn(c, 2)[1]; methods = recvn(c, n)
                        if 'auth' in mode:
                            if 2 not in methods: c.sendall(b'\\x05\\xff'); return
                            c.sendall(b'\\x05\\x02'); recvn(c, 1)
                            user = recvn(c, recvn(c, 1)[0]).decode(); password = recvn(c, recvn(c, 1)[0]).decode()
                            if (user, password) != ('ann', 's:cret'): c.sendall(b'\\x01\\x01'); return
                            c.sendall(b'\\x01\\x00')
                        else: c.sendall(b'\\x05\\x00')
                        atyp = recvn(c, 4)[3]
                        if atyp == 1: host = socket.inet_ntoa(recvn(c, 4))
                        elif atyp == 4: host = socket.inet_ntop(socket.AF_INET6, recvn(c, 16))
                        else: host = recvn(c, recvn(c, 1)[0]).decode()
                        port = struct.unpack('>H', recvn(c, 2))[0]
                        print('CONNECT', host, port, flush=True)
                        if 'refuse' in mode: c.sendall(b'\\x05\\x05\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00'); return
                        bound = b'\\x03\\x05proxy\\x04\\x38' if 'domain' in mode else b'\\x01\\x7f\\x00\\x00\\x01\\x04\\x38'
                        c.sendall(b'\\x05\\x00\\x00' + bound)
                        relay(c, host, port)
                    elif mode.startswith('socks4'):
                        recvn(c, 2); port = struct.unpack('>H', recvn(c, 2))[0]; ip = recvn(c, 4); until_nul(c)
                        host = until_nul(c).decode() if ip[:3] == b'\\0\\0\\0' and ip[3] != 0 else socket.inet_ntoa(ip)
                        print('CONNECT', host, port, flush=True)
                        if 'refuse' in mode: c.sendall(b'\\x00\\x5b' + b'\\0' * 6); return
                        c.sendall(b'\\x00\\x5a' + b'\\0' * 6)
                        relay(c, host, port)
                    else:
                        head = b''
                        while b'\\r\\n\\r\\n' not in head:
                            x = c.recv(1)
                            if not x: return
                            head += x
                        lines = head.decode().split('\\r\\n')
                        host, port = lines[0].split()[1].rsplit(':', 1)
                        host = host.strip('[]')
                        print('CONNECT', host, port, flush=True)
                        if 'auth' in mode and 'Proxy-Authorization: Basic ' + base64.b64encode(b'ann:s:cret').decode() not in lines:
                            c.sendall(b'HTTP/1.1 407 Proxy Authentication Required\\r\\nProxy-Authenticate: Basic\\r\\n\\r\\n'); return
                        if 'refuse' in mode: c.sendall(b'HTTP/1.1 403 Forbidden by test\\r\\n\\r\\n'); return
                        c.sendall(b'HTTP/1.1 200 Connection established\\r\\n\\r\\n' + (b'banner\\n' if 'banner' in mode else b''))
                        relay(c, host, port)
                except (EOFError, OSError): pass
                finally: c.close()
            while True:
                c, _ = l.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """, mode]), stdin: .null)
        return (child, try child.waitForPort())
    }

    static func stop(_ children: Child...) {
        for child in children {
            child.signal(SIGTERM)
            _ = try? child.waitForExit()
        }
    }

    /// 64 MiB up through each kind (with and without authentication), byte-exact, the FIN passed
    /// on; the target's name goes to the proxy (remote DNS), except to SOCKS4 (an address).
    @Test(.serialized, arguments: [("socks5", ["-X", "5"], "localhost"), ("socks5-auth", ["--proxy-auth", "ann:s:cret"], "localhost"),
                      ("socks4", ["-X", "4"], "127.0.0.1"), ("socks4", ["-X", "4a"], "localhost"),
                      ("http-auth", ["-X", "connect", "--proxy-auth", "ann:s:cret"], "localhost")])
    func sixtyFourMiBThrough(mode: String, options: [String], asked: String) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let sent = scratch.file("sent.bin"), received = scratch.file("received.bin")
            try TLSTests.randomFile(sent, bytes: 64 << 20)
            let (proxy, proxyPort) = try Self.proxy(mode)
            let (target, port) = try ncListener(["-d"], stdout: .file(received))
            let us = try sockscope(["-v", "-N", "-x", "127.0.0.1:\(proxyPort)"] + options + ["localhost", "\(port)"], stdin: .file(sent))
            #expect(try us.waitForExit(timeout: 90) == 0, "\(us.stderrText)")
            #expect(try target.waitForExit(timeout: 30) == 0)
            #expect(Child.runQuietly(["cmp", sent, received]) == 0)
            try proxy.waitForStdout(containing: "CONNECT \(asked) \(port)\n")  // the proxy's line, collected
            #expect(proxy.stdoutText == "CONNECT \(asked) \(port)\n", "\(proxy.stdoutText)")
            #expect(us.stderrText.contains("proxy 127.0.0.1:\(proxyPort) ("), "\(us.stderrText)")
            Self.stop(proxy)
        }
    }

    /// A chain of two: the first proxy is asked for the second, the second for the target; the
    /// second's reply names its bound address by a domain name (accepted); -v tells each hop.
    @Test func aChainOfTwo() async throws {
        try await offPool { () throws in
            let (first, firstPort) = try Self.proxy("socks5")
            let (second, secondPort) = try Self.proxy("socks5-domain")
            let (target, port) = try ncListener()
            let us = try sockscope(["-v", "-x", "127.0.0.1:\(firstPort)", "-x", "127.0.0.1:\(secondPort)", "localhost", "\(port)"])
            us.write("through two\n")
            try target.waitForStdout(containing: "through two\n")
            target.write("and back\n")
            try us.waitForStdout(containing: "and back\n")
            try first.waitForStdout(containing: "CONNECT 127.0.0.1 \(secondPort)\n")  // the proxy's line, collected
            #expect(first.stdoutText == "CONNECT 127.0.0.1 \(secondPort)\n")
            try second.waitForStdout(containing: "CONNECT localhost \(port)\n")  // the proxy's line, collected
            #expect(second.stdoutText == "CONNECT localhost \(port)\n")
            #expect(us.stderrText.contains("proxy 127.0.0.1:\(secondPort) (SOCKS5): greeting (methods: no authentication) → "
                                           + "method: no authentication → request CONNECT localhost:\(port) → succeeded, bound proxy:1080 ("),
                    "\(us.stderrText)")
            us.signal(SIGTERM)
            _ = try us.waitForExit()
            Self.stop(target)
            // --json: each negotiation as an object of its own.
            let (again, againPort) = try ncListener()
            let json = try sockscope(["--json", "-d", "-x", "127.0.0.1:\(firstPort)", "localhost", "\(againPort)"], stdin: .null)
            let line = try json.waitForStderrLine(containing: "\"kind\":\"proxy\"")
            #expect(line.contains("\"proxy\":\"127.0.0.1:\(firstPort)\",\"type\":\"SOCKS5\",\"negotiation\":\"greeting"), "\(line)")
            json.signal(SIGTERM)
            _ = try json.waitForExit()
            Self.stop(first, second, again)
        }
    }

    /// --proxy-dns local: the name is resolved here and the proxy gets the address. Credentials
    /// from SOCKSCOPE_PROXY_AUTH and from --proxy-auth-file. Bytes an HTTP proxy sent after its
    /// answer's header are the tunnel's first.
    @Test func namesCredentialsAndFirstBytes() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let auth = scratch.file("auth")
            writeFile(auth, Array("ann:s:cret\n".utf8))
            for (mode, options, environment) in [("socks5", ["--proxy-dns", "local"], [String: String]()),
                                                 ("socks5-auth", [], ["SOCKSCOPE_PROXY_AUTH": "ann:s:cret"]),
                                                 ("http-auth", ["-X", "connect", "--proxy-auth-file", auth], [:]),
                                                 ("http-banner", ["--proxy-type", "http"], [:])] {
                let (proxy, proxyPort) = try Self.proxy(mode)
                let (target, port) = try ncListener()
                let us = try sockscope(["-x", "127.0.0.1:\(proxyPort)"] + options + ["localhost", "\(port)"], environment: environment)
                us.write("hello\n")
                try target.waitForStdout(containing: "hello\n")
                if mode == "http-banner" { try us.waitForStdout(containing: "banner\n") }
                let asked = "CONNECT \(mode == "socks5" ? "127.0.0.1" : "localhost") \(port)\n"
                try proxy.waitForStdout(containing: asked)
                #expect(proxy.stdoutText == asked, "\(mode)")
                us.signal(SIGTERM)
                _ = try us.waitForExit()
                Self.stop(proxy, target)
            }
        }
    }

    /// Each refusal is one line naming the proxy and its reason, exit 1, nothing sent on.
    @Test func refusalsInTheProxysWords() async throws {
        try await offPool { () throws in
            for (mode, options, reason) in [
                ("socks5-refuse", [String](), "(SOCKS5) refused: connection refused (reply 5)"),
                ("socks5-auth", [], "(SOCKS5) refused: no acceptable authentication method (it may want a username and password: --proxy-auth)"),
                ("socks5-auth", ["--proxy-auth", "ann:wrong"], "(SOCKS5) refused: username and password refused (status 1)"),
                ("socks4-refuse", ["-X", "4a"], "(SOCKS4a) refused: request rejected or failed (reply 91)"),
                ("http-refuse", ["-X", "connect"], "(HTTP CONNECT) refused: HTTP/1.1 403 Forbidden by test"),
                ("http-auth", ["-X", "connect"],
                 "(HTTP CONNECT) refused: HTTP/1.1 407 Proxy Authentication Required: it wants a username and password (--proxy-auth)"),
            ] {
                let (proxy, proxyPort) = try Self.proxy(mode)
                let us = try sockscope(["-x", "127.0.0.1:\(proxyPort)"] + options + ["localhost", "9"])
                us.write("secret\n")
                #expect(try us.waitForExit(timeout: 20) == 1, "\(mode)")
                #expect(us.stderrText == "sockscope: proxy 127.0.0.1:\(proxyPort) \(reason)\n", "\(us.stderrText)")
                Self.stop(proxy)
            }
        }
    }

    /// --proxy-dns local with a name that does not resolve here (-n: no DNS at all, nothing
    /// leaves this machine): one line, exit 1, and the proxy never hears of it — the name is not
    /// sent to it instead.
    @Test func aNameThatDoesNotResolveHereIsNotSentToTheProxy() async throws {
        try await offPool { () throws in
            let (proxy, proxyPort) = try Self.proxy("socks5")
            let us = try sockscope(["-n", "--proxy-dns", "local", "-x", "127.0.0.1:\(proxyPort)", "db.internal", "80"], stdin: .null)
            #expect(try us.waitForExit(timeout: 20) == 1)
            #expect(us.stderrText.hasPrefix("sockscope: getaddrinfo for host \"db.internal\" port 80: "), "\(us.stderrText)")
            #expect(us.stderrText.split(separator: "\n").count == 1)
            Self.stop(proxy)
            #expect(proxy.stdoutText.isEmpty, "\(proxy.stdoutText)")
        }
    }

    /// TLS through a proxy: the handshake is with the target — its name sent as SNI and its
    /// certificate verified — not with the proxy.
    @Test(.enabled(if: TLSPeers.available, "skipped: needs openssl and socat"))
    func tlsThroughAProxy() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "SYSTEM:echo served", back: true)
            let (proxy, proxyPort) = try Self.proxy("socks5")
            let us = try sockscope(["-v", "-d", "-x", "127.0.0.1:\(proxyPort)", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"],
                                   stdin: .null)
            #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
            #expect(us.stdoutText == "served\n")
            #expect(us.stderrText.contains("certificate verified for localhost"), "\(us.stderrText)")
            try proxy.waitForStdout(containing: "CONNECT localhost \(port)\n")  // the proxy's line, collected
            #expect(proxy.stdoutText == "CONNECT localhost \(port)\n")
            _ = try server.waitForExit(timeout: 20)
            Self.stop(proxy)
        }
    }

    @Test func usageErrors() async throws {
        try await offPool { () throws in
            for (arguments, message) in [
                (["-l", "-x", "127.0.0.1", "1234"], "sockscope: -x: a proxy is for dialing, not with -l"),
                (["-X", "6", "-x", "127.0.0.1", "h", "1"], "sockscope: -X: 4, 4a, 5 or connect (--proxy-type socks4, socks5 or http), not 6"),
                (["-x", "127.0.0.1:99999", "h", "1"], "sockscope: -x 127.0.0.1:99999: port number invalid: 99999"),
                (["--proxy-auth", "ann", "-x", "127.0.0.1", "h", "1"], "sockscope: --proxy-auth: not USER:PASS"),
                (["-X", "5", "h", "1"], "sockscope: -X, --proxy-type, --proxy-auth and --proxy-dns need a proxy: -x HOST[:PORT]"),
            ] {
                let run = try Child.run([Paths.sockscope] + arguments)
                #expect(run.code == 64 && run.child.stderrText.hasPrefix(message), "\(arguments): \(run.child.stderrText)")
            }
        }
    }
}
