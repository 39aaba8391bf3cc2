import Glibc
import Testing
import TestSupport

/// What the TLS tests need besides sockscope: openssl (certificates) and socat (a TLS server).
enum TLSPeers {
    static let available = Child.runQuietly(["sh", "-c", "command -v openssl && command -v socat"]) == 0
}

/// --tls, dialing: TLS over the connection against socat's TLS server, byte-exact both ways,
/// the server's certificate verified by default and every refusal one line with its reason.
@Suite(.timeLimit(.minutes(2)), .enabled(if: TLSPeers.available, "skipped: needs openssl and socat"))
struct TLSTests {
    /// A self-signed certificate for localhost and 127.0.0.1 (ECDSA P-256), made for the test.
    static func certificate(in scratch: Scratch, name: String = "localhost") throws -> (cert: String, key: String) {
        let cert = scratch.file("\(name)-cert.pem"), key = scratch.file("\(name)-key.pem")
        let made = try Child.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=\(name)",
                                  "-addext", "subjectAltName=DNS:\(name),IP:127.0.0.1"])
        guard made.code == 0 else { throw Child.Failure(description: "openssl req: \(made.child.stderrText)") }
        return (cert, key)
    }

    /// socat serving TLS on 127.0.0.1, port 0, with `other` as its far side (`oneWay`: socat -u,
    /// from the TLS connection to `other`; `back`: -U, the other way), run `within` a namespace.
    static func server(_ cert: (cert: String, key: String), _ other: String, oneWay: Bool = false, back: Bool = false,
                       within: ([String]) -> [String] = { $0 }) throws -> (Child, UInt16) {
        try socatListener("OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,cert=\(cert.cert),key=\(cert.key),verify=0", other,
                          options: oneWay ? ["-u"] : back ? ["-U"] : [], within: within)
    }

    static func randomFile(_ path: String, bytes: Int) throws {
        let head = try Child(["head", "-c", "\(bytes)", "/dev/urandom"], stdin: .null, stdout: .file(path))
        guard try head.waitForExit() == 0 else { throw Child.Failure(description: "head failed") }
    }

    /// 8 MiB each way through TLS, verified against the test's CA: every byte arrives, in order.
    @Test func bytesArriveExactlyBothWays() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let sent = scratch.file("sent.bin"), received = scratch.file("received.bin")
            try Self.randomFile(sent, bytes: 8 << 20)
            // Ours → the server's file.
            let (inbound, port) = try Self.server(cert, "CREATE:\(received)", oneWay: true)
            let up = try sockscope(["-N", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"], stdin: .file(sent))
            #expect(try up.waitForExit(timeout: 60) == 0, "\(up.stderrText)")
            #expect(try inbound.waitForExit(timeout: 20) == 0)
            #expect(Child.runQuietly(["cmp", sent, received]) == 0)
            // The server's file → our standard output (-d: nothing of ours to send).
            let back = scratch.file("back.bin")
            let (outbound, port2) = try Self.server(cert, "OPEN:\(sent)", back: true)
            let down = try sockscope(["-d", "--tls", "--tls-ca", cert.cert, "127.0.0.1", "\(port2)"], stdin: .null, stdout: .file(back))
            #expect(try down.waitForExit(timeout: 60) == 0, "\(down.stderrText)")
            _ = try outbound.waitForExit(timeout: 20)
            #expect(Child.runQuietly(["cmp", sent, back]) == 0)
        }
    }

    /// Verification on by default: a self-signed certificate, and a name or an address the
    /// certificate does not hold (both names said), are each refused in one line naming the
    /// reason and the certificate, exit 1, no byte
    /// sent; --tls-no-verify talks to the same server.
    @Test func verificationRefusesInOneLine() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let cases: [([String], String?)] = [
                (["--tls"], "sockscope: TLS: certificate verification failed: self-signed certificate (depth 0, /CN=localhost)"),
                (["--tls", "--tls-ca", cert.cert, "--tls-servername", "example.org"],
                 "sockscope: TLS: certificate verification failed: hostname mismatch: asked for example.org, the certificate names "
                 + "DNS:localhost, IP:127.0.0.1 (depth 0, /CN=localhost)"),
                (["--tls", "--tls-ca", cert.cert, "--tls-servername", "127.0.0.2"],
                 "sockscope: TLS: certificate verification failed: IP address mismatch: asked for 127.0.0.2, the certificate names "
                 + "DNS:localhost, IP:127.0.0.1 (depth 0, /CN=localhost)"),
                (["--tls", "--tls-no-verify"], nil),
            ]
            for (options, refusal) in cases {
                let (server, port) = try Self.server(cert, "-")
                let us = try sockscope(["-N"] + options + ["localhost", "\(port)"])
                us.write("secret\n")
                us.closeStdin()
                if let refusal {
                    #expect(try us.waitForExit(timeout: 20) == 1)
                    #expect(us.stderrText == refusal + "\n")
                    server.signal(SIGTERM)
                    _ = try server.waitForExit()
                    #expect(!server.stdoutText.contains("secret"))
                } else {
                    try server.waitForStdout(containing: "secret")
                    server.closeStdin()
                    #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
                }
            }
        }
    }

    /// -v still shows what a refused server sent: each certificate on a line (subject, issuer,
    /// names, validity, SHA-256 as openssl computes it), then the refusal.
    @Test func aRefusedCertificateIsShownUnderV() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let (server, port) = try Self.server(cert, "-")
            let us = try sockscope(["-v", "-d", "--tls", "localhost", "\(port)"], stdin: .null)
            #expect(try us.waitForExit(timeout: 20) == 1)
            let fingerprint = try TLSScreenTests.fingerprint(cert.cert)
            let lines = us.stderrText.split(separator: "\n").map(String.init)
            #expect(lines.suffix(2).first?.hasPrefix("TLS: certificate 0 as sent: /CN=localhost · issuer /CN=localhost · "
                                                      + "DNS:localhost, IP:127.0.0.1 · valid ") == true, "\(us.stderrText)")
            #expect(lines.suffix(2).first?.hasSuffix(" · SHA-256 \(fingerprint)") == true)
            #expect(lines.last == "sockscope: TLS: certificate verification failed: self-signed certificate (depth 0, /CN=localhost)")
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// A server that stops reading and goes away mid-stream: our sends fail as a plain socket's
    /// would and the session ends — the stage never spins on a socket that failed under it.
    @Test func aServerGoneMidStreamEndsTheSession() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let sent = scratch.file("sent.bin")
            try Self.randomFile(sent, bytes: 8 << 20)
            let (server, port) = try Self.server(cert, "SYSTEM:head -c 1000 >/dev/null")
            let us = try sockscope(["-N", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"], stdin: .file(sent))
            #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
            _ = try server.waitForExit(timeout: 20)
        }
    }

    /// A TLS server in python that sends a line and then ends as `mode` says: `truncate` (gone
    /// without close_notify), `reset` (gone with a RST: SO_LINGER 0), or `garbage` (not TLS at
    /// all: an HTTP reply).
    static func pythonServer(_ mode: String, _ cert: (cert: String, key: String)) throws -> (Child, UInt16) {
        try pythonPeer("""
            import os, socket, ssl, sys, time
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
            print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
            c, _ = l.accept()
            if '\(mode)' == 'reset':
                import struct
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain('\(cert.cert)', '\(cert.key)')
                s = ctx.wrap_socket(c, server_side=True)
                s.sendall(b'part of a reply\\n')
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                s.settimeout(20)
                s.recv(100)  # the client says it has read the line: then the RST, nothing lost
                os._exit(0)
            if '\(mode)' == 'garbage':
                c.sendall(b'HTTP/1.0 200 OK\\r\\n\\r\\nhello\\n'); c.close(); os._exit(0)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain('\(cert.cert)', '\(cert.key)')
            s = ctx.wrap_socket(c, server_side=True)
            s.sendall(b'part of a reply\\n')
            os._exit(0)
            """)
    }

    /// Three servers, each ending its side one way after a line — close_notify, a bare FIN
    /// (truncation), a reset — and a sockscope dialing each with `flag` (-v, --json): the runs,
    /// done, with the ending each met.
    static func threeEndings(_ flag: String, cert: (cert: String, key: String)) throws -> [(Child, String)] {
        var runs: [(Child, String)] = []
        let (server, port) = try Self.server(cert, "SYSTEM:echo hi", back: true)
        let polite = try sockscope([flag, "-d", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"], stdin: .null)
        #expect(try polite.waitForExit(timeout: 20) == 0)
        #expect(polite.stdoutText == "hi\n")
        runs.append((polite, "close_notify"))
        _ = try server.waitForExit(timeout: 20)
        let (cut, cutPort) = try Self.pythonServer("truncate", cert)
        let truncated = try sockscope([flag, "-d", "--tls", "--tls-ca", cert.cert, "localhost", "\(cutPort)"], stdin: .null)
        #expect(try truncated.waitForExit(timeout: 20) == 0)
        #expect(truncated.stdoutText == "part of a reply\n")
        runs.append((truncated, "truncated"))
        _ = try cut.waitForExit(timeout: 20)
        let (resetting, resetPort) = try Self.pythonServer("reset", cert)
        let reset = try sockscope([flag, "--tls", "--tls-ca", cert.cert, "localhost", "\(resetPort)"])
        try reset.waitForStdout(containing: "part of a reply\n")
        reset.write("read\n")
        #expect(try reset.waitForExit(timeout: 20) == 0)
        #expect(reset.stdoutText == "part of a reply\n")
        runs.append((reset, "reset"))
        _ = try resetting.waitForExit(timeout: 20)
        return runs
    }

    /// -v tells the handshake (version, cipher, what was verified) and how the peer ended: its
    /// close_notify, the connection's end without one (a truncation), or a reset — told apart.
    @Test func theHandshakeAndThePeersEndingAreTold() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let runs = try Self.threeEndings("-v", cert: try Self.certificate(in: scratch))
            let lines = runs[0].0.stderrText.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("TLS: TLSv1.3, TLS_") && $0.hasSuffix(", certificate verified for localhost") })
            #expect(lines.contains("TLS: the peer ended with close_notify"))
            #expect(runs[1].0.stderrText.contains("TLS: the connection ended without the peer's close_notify: what it sent may be cut short\n"))
            #expect(runs[2].0.stderrText.contains("TLS: the peer reset the connection (RST) without a close_notify: what it sent last may be lost\n"),
                    "\(runs[2].0.stderrText)")
        }
    }

    /// --json tells the same: the handshake's facts and how the peer ended, each as an object
    /// on a line of its own that a JSON parser reads — close_notify, truncated, reset.
    @Test func thePeersEndingInJSON() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let runs = try Self.threeEndings("--json", cert: try Self.certificate(in: scratch))
            for (index, (run, how)) in runs.enumerated() {
                // Every line parses; the kinds come in order; the ending is the one expected.
                let events = scratch.file("events-\(index).json")
                writeFile(events, Array(run.stderrText.utf8))
                let parsed = try Child.run(["python3", "-c", """
                    import json, sys
                    events = [json.loads(line) for line in sys.stdin.read().splitlines()]
                    print(' '.join(e['kind'] for e in events))
                    tls = next(e for e in events if e['kind'] == 'tls')
                    print(tls['version'], tls['verification'])
                    print(next(e['how'] for e in events if e['kind'] == 'tls-peer-ended'))
                    """], stdin: .file(events))
                #expect(parsed.child.stdoutText == "connected end-of-input tls tls-peer-ended closed\n"
                        + "TLSv1.3 certificate verified for localhost\n\(how)\n", "\(run.stderrText) \(parsed.child.stderrText)")
            }
        }
    }

    /// A dial (-d --tls and `options`) that a hostile `peer` must fail: exactly `line` on
    /// standard error, exit 1, none of the peer's bytes on standard output.
    static func expectRefused(_ options: [String], by peer: Child, saying line: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let us = try sockscope(["-d", "--tls"] + options, stdin: .null)
        #expect(try us.waitForExit(timeout: 20) == 1, sourceLocation: sourceLocation)
        #expect(us.stderrText == line + "\n", sourceLocation: sourceLocation)
        #expect(us.stdoutText.isEmpty, sourceLocation: sourceLocation)
        _ = try peer.waitForExit(timeout: 20)
    }

    /// A peer that does not speak TLS: one line, exit 1, none of its bytes on standard output.
    @Test func aPeerThatIsNotTLSIsOneLine() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let (peer, port) = try Self.pythonServer("garbage", cert)
            try Self.expectRefused(["--tls-ca", cert.cert, "localhost", "\(port)"], by: peer,
                                   saying: "sockscope: TLS: handshake failed: wrong version number")
        }
    }

    /// --keylog and SSLKEYLOGFILE: the session's TLS 1.3 secrets appended as NSS key-log lines
    /// (a label, the client random, the secret), in a file only its owner reads; a key log
    /// already there is added to, never emptied; a link planted in a shared directory is refused.
    @Test func theSecretsAreAppendedToTheKeyLog() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let keys = scratch.file("keys.log")
            for environment in [[:], ["SSLKEYLOGFILE": keys]] {
                let (server, port) = try Self.server(cert, "SYSTEM:echo hi", back: true)
                let options = environment.isEmpty ? ["--keylog", keys] : []
                let us = try sockscope(["-d", "--tls", "--tls-ca", cert.cert] + options + ["localhost", "\(port)"], stdin: .null,
                                       environment: environment)
                #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
                _ = try server.waitForExit(timeout: 20)
            }
            let lines = String(decoding: readFile(keys), as: UTF8.self).split(separator: "\n")
            let labels = ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                          "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"]
            #expect(lines.count == 2 * labels.count)
            for line in lines {
                let fields = line.split(separator: " ")
                #expect(fields.count == 3 && labels.contains(String(fields[0])) && fields[1].count == 64 && fields[2].count == 96,
                        "\(line)")
            }
            var info = stat()
            #expect(stat(keys, &info) == 0 && info.st_mode & 0o777 == 0o600)
        }
    }

    /// The key log is what Wireshark needs: tshark, handed the log, reads the HTTP request in a
    /// capture of the session (and cannot without it).
    @Test(.enabled(if: geteuid() == 0 && Child.runQuietly(["sh", "-c", "command -v tshark && command -v tcpdump"]) == 0,
                   "skipped: needs root, tcpdump and tshark"))
    func tsharkDecryptsWithTheKeyLog() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let keys = scratch.file("keys.log"), capture = scratch.file("session.pcap")
            let (server, port) = try Self.server(cert, "SYSTEM:head -c 18 >/dev/null; echo served")
            // -Z root: Debian's tcpdump would drop to its own user, which cannot write in the scratch
            // directory; --immediate-mode: every frame written as it comes, none held in a block.
            let tcpdump = try Child(["tcpdump", "-Z", "root", "--immediate-mode", "-i", "lo", "-U", "-n", "-w", capture, "tcp port \(port)"], stdin: .null)
            try tcpdump.wait(for: "tcpdump listening") { $0.stderrText.contains("listening on") }
            let us = try sockscope(["-N", "--tls", "--tls-ca", cert.cert, "--keylog", keys, "localhost", "\(port)"])
            us.write("GET / HTTP/1.0\r\n\r\n")
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
            #expect(us.stdoutText == "served\n")
            _ = try server.waitForExit(timeout: 20)
            tcpdump.signal(SIGINT)
            _ = try tcpdump.waitForExit(timeout: 20)
            let decoded = ["tshark", "-r", capture, "-d", "tcp.port==\(port),tls", "-Y", "http.request", "-T", "fields",
                           "-e", "http.request.method"]
            let withKeys = try Child.run(decoded + ["-o", "tls.keylog_file:\(keys)"], timeout: 60)
            #expect(withKeys.child.stdoutText == "GET\n", "\(withKeys.child.stderrText)")
            let without = try Child.run(decoded, timeout: 60)
            #expect(without.child.stdoutText.isEmpty)
        }
    }

    /// As root, a key log named in a world-writable sticky directory where another user planted
    /// a link: refused in one line before anything is dialed, the link's target never made.
    @Test(.enabled(if: geteuid() == 0, "skipped: needs root (a link owned by another user)"))
    func aPlantedKeyLogLinkIsRefused() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let shared = scratch.file("shared")
            mkdir(shared, 0o755)
            chmod(shared, 0o1777)
            let planted = shared + "/keys.log"
            #expect(symlink(scratch.file("victim"), planted) == 0)
            #expect(lchown(planted, 65534, 65534) == 0)
            let refused = try Child.run([Paths.sockscope, "-d", "--tls", "--keylog", planted, "127.0.0.1", "9"])
            #expect(refused.code == 1)
            #expect(refused.child.stderrText == "sockscope: --keylog \(planted): is a symbolic link that others could have put there; "
                    + "not followed (name the file itself)\n")
            #expect(!fileExists(scratch.file("victim")))
        }
    }

    /// -l --tls: a sockscope serving TLS to a sockscope dialing it, with the test's certificate,
    /// verified — 4 MiB each way, byte-exact, and -v names what was agreed on both sides.
    @Test func servingTLSToOurOwnClient() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let up = scratch.file("up.bin"), down = scratch.file("down.bin")
            try Self.randomFile(up, bytes: 4 << 20)
            try Self.randomFile(down, bytes: 4 << 20)
            let heard = scratch.file("heard.bin"), answered = scratch.file("answered.bin")
            let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-cert", cert.cert, "--tls-key", cert.key],
                                                       stdin: .file(down), stdout: .file(heard))
            let client = try sockscope(["-v", "-N", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"], stdin: .file(up),
                                       stdout: .file(answered))
            #expect(try client.waitForExit(timeout: 60) == 0, "\(client.stderrText)")
            #expect(try server.waitForExit(timeout: 60) == 0, "\(server.stderrText)")
            #expect(Child.runQuietly(["cmp", up, heard]) == 0 && Child.runQuietly(["cmp", down, answered]) == 0)
            #expect(client.stderrText.contains(", certificate verified for localhost\n"))
            #expect(server.stderrText.contains(", the client asked for localhost\n"))
        }
    }

    /// Half-close through TLS 1.2 and 1.3, either end first: the end whose input (ten bytes)
    /// ends at once sends its close_notify and FIN, and the other end's 64 MiB still arrive
    /// whole after them.
    @Test(.serialized, arguments: ["1.2", "1.3"], [true, false])
    func halfCloseCarries64MiBAfterACloseNotify(version: String, clientEndsFirst: Bool) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try Self.certificate(in: scratch)
            let big = scratch.file("big.bin"), ten = scratch.file("ten.bin")
            let heard = scratch.file("heard.bin"), received = scratch.file("received.bin")
            try Self.randomFile(big, bytes: 64 << 20)
            try Self.randomFile(ten, bytes: 10)
            let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-max", version, "--tls-cert", cert.cert, "--tls-key", cert.key],
                                                       stdin: .file(clientEndsFirst ? big : ten), stdout: .file(heard))
            let client = try sockscope(["-v", "-N", "--tls", "--tls-ca", cert.cert, "localhost", "\(port)"],
                                       stdin: .file(clientEndsFirst ? ten : big), stdout: .file(received))
            #expect(try client.waitForExit(timeout: 120) == 0, "\(client.stderrText)")
            #expect(try server.waitForExit(timeout: 120) == 0, "\(server.stderrText)")
            #expect(Child.runQuietly(["cmp", clientEndsFirst ? big : ten, received]) == 0)
            #expect(Child.runQuietly(["cmp", clientEndsFirst ? ten : big, heard]) == 0)
            #expect(client.stderrText.contains("TLS: TLSv\(version), "), "\(client.stderrText)")
        }
    }

    /// -l --tls without a certificate makes a temporary self-signed one and says its SHA-256
    /// fingerprint under -v — the one openssl s_client is shown.
    @Test func aTemporaryCertificateAndItsFingerprint() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-N", "--tls"], stdin: .null)
            let line = try server.waitForStderrLine(containing: "TLS: certificate SHA-256 ")
            #expect(line.hasSuffix(" (temporary, self-signed, CN=sockscope)"))
            let shown = try Child.run(["sh", "-c", "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"])
            let fingerprint = line.split(separator: " ")[3]
            #expect(shown.child.stdoutText == "sha256 Fingerprint=\(fingerprint)\n" || shown.child.stdoutText == "SHA256 Fingerprint=\(fingerprint)\n",
                    "\(shown.child.stdoutText) vs \(line)")
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// -l -k --tls: ten clients at once, each its own TLS session: every client's line reaches
    /// the server, and the server's line (typed once all are in) reaches every client.
    @Test func tenConcurrentTLSClients() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-k", "--tls"])
            var clients: [Child] = []
            for index in 0..<10 {
                let client = try sockscope(["--tls", "--tls-no-verify", "127.0.0.1", "\(port)"])
                client.write("client \(index)\n")
                clients.append(client)
            }
            try server.wait(for: "every client's line", timeout: 30) { server in
                (0..<10).allSatisfy { server.stdoutText.contains("client \($0)\n") }
            }
            server.write("hello everyone\n")
            for client in clients { try client.waitForStdout(containing: "hello everyone\n", timeout: 30) }
            #expect(clients.allSatisfy { $0.stdoutText == "hello everyone\n" })
            for client in clients { client.signal(SIGTERM) }
            for client in clients { _ = try client.waitForExit(timeout: 20) }
            server.signal(SIGTERM)
            _ = try server.waitForExit(timeout: 20)
        }
    }

    /// --tls-verify-client: a client with a certificate the server trusts gets through, and -v
    /// names it; one without is refused by the server in one line, exit 1, nothing delivered.
    @Test func mutualTLS() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let client = try Self.certificate(in: scratch, name: "client")
            let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-verify-client", "--tls-ca", client.cert])
            server.closeStdin()
            let us = try sockscope(["-N", "--tls", "--tls-no-verify", "--tls-cert", client.cert, "--tls-key", client.key,
                                    "127.0.0.1", "\(port)"])
            us.write("with a certificate\n")
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
            #expect(try server.waitForExit(timeout: 20) == 0, "\(server.stderrText)")
            #expect(server.stdoutText == "with a certificate\n")
            #expect(server.stderrText.contains("client certificate verified: /CN=client\n"))

            let (refusing, port2) = try sockscopeListener(["-N", "--tls", "--tls-verify-client", "--tls-ca", client.cert])
            refusing.closeStdin()
            let anonymous = try sockscope(["-N", "--tls", "--tls-no-verify", "127.0.0.1", "\(port2)"])
            anonymous.write("without\n")
            anonymous.closeStdin()
            #expect(try refusing.waitForExit(timeout: 20) == 1)
            #expect(refusing.stderrText.hasSuffix("sockscope: TLS: handshake failed: peer did not return a certificate\n"),
                    "\(refusing.stderrText)")
            #expect(refusing.stdoutText.isEmpty)
            _ = try anonymous.waitForExit(timeout: 20)
        }
    }

    /// ALPN agreed and told on both sides; --tls-max 1.2 holds the session to TLS 1.2.
    @Test func alpnAndVersions() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-alpn", "http/1.1,h2"])
            server.closeStdin()
            let us = try sockscope(["-v", "-N", "--tls", "--tls-no-verify", "--tls-alpn", "h2,http/1.1", "--tls-max", "1.2",
                                    "127.0.0.1", "\(port)"])
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
            #expect(try server.waitForExit(timeout: 20) == 0, "\(server.stderrText)")
            let ours = us.stderrText.split(separator: "\n").first { $0.hasPrefix("TLS: TLS") } ?? ""
            #expect(ours.hasPrefix("TLS: TLSv1.2, ") && ours.contains(", ALPN http/1.1, "), "\(ours)")
            #expect(server.stderrText.contains(", ALPN http/1.1, "), "\(server.stderrText)")
        }
    }

    /// A chain: a server certificate issued by the test's own authority. Trusted through
    /// --tls-ca (the authority), it is verified; against the system's store the issuer is
    /// unknown, said in one line with the certificate's depth and subject.
    @Test func aChainThroughTheTestsAuthority() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let ca = try Self.certificate(in: scratch, name: "Test CA")
            let key = scratch.file("leaf-key.pem"), request = scratch.file("leaf.csr"), leaf = scratch.file("leaf-cert.pem")
            let extensions = scratch.file("leaf.ext")
            writeFile(extensions, Array("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n".utf8))
            for step in [["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                          "-out", request, "-subj", "/CN=localhost"],
                         ["openssl", "x509", "-req", "-in", request, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
                          "-out", leaf, "-days", "2", "-extfile", extensions]] {
                let made = try Child.run(step)
                #expect(made.code == 0, "\(made.child.stderrText)")
            }
            let cases: [([String], Int32, String?)] = [
                (["--tls-ca", ca.cert], 0, nil),
                ([], 1, "sockscope: TLS: certificate verification failed: unable to get local issuer certificate (depth 0, /CN=localhost)\n"),
            ]
            for (options, code, line) in cases {
                let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-cert", leaf, "--tls-key", key])
                server.closeStdin()
                let us = try sockscope(["-N", "--tls"] + options + ["localhost", "\(port)"])
                us.closeStdin()
                #expect(try us.waitForExit(timeout: 20) == code, "\(us.stderrText)")
                if let line { #expect(us.stderrText == line) }
                server.signal(SIGTERM)
                _ = try server.waitForExit(timeout: 20)
            }
        }
    }

    /// A hostile server: a record header claiming 64 KiB (TLS allows 16 KiB and a little) with
    /// the bytes behind it — refused at the header, one line, exit 1, nothing buffered past the
    /// stage's bound, no byte on standard output.
    @Test func aRecordClaimingTooMuchIsRefused() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer("""
                import socket, sys, time
                l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
                print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
                c, _ = l.accept()
                c.recv(4096)
                try:
                    c.sendall(b'\\x16\\x03\\x03\\xff\\xff' + b'\\0' * 70000)
                    c.settimeout(20)
                    c.recv(1)  # open until the client gives up on it
                except OSError:
                    pass
                """)
            try Self.expectRefused(["--tls-no-verify", "127.0.0.1", "\(port)"], by: peer,
                                   saying: "sockscope: TLS: handshake failed: packet length too long")
        }
    }

    /// Peers that open a connection and never finish a handshake (a ClientHello flood's tail)
    /// hold no slot for long: a real client is served meanwhile, and each stalled one is closed
    /// when the handshake's limit (10 s without -w) passes.
    @Test func stalledHandshakesAreClosed() async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener(["-k", "--tls"])
            let stalled = try Child(["python3", "-u", "-c", """
                import socket, time
                held = [socket.create_connection(('127.0.0.1', \(port))) for _ in range(5)]
                for s in held: s.sendall(b'\\x16\\x03\\x01')
                print('stalled', flush=True)
                start = time.monotonic()
                for s in held:
                    s.settimeout(30)
                    assert s.recv(100) == b''
                print('closed after %.0f s' % (time.monotonic() - start), flush=True)
                """], stdin: .null)
            try stalled.waitForStdout(containing: "stalled")
            let client = try sockscope(["--tls", "--tls-no-verify", "127.0.0.1", "\(port)"])
            client.write("served meanwhile\n")
            try server.waitForStdout(containing: "served meanwhile\n")
            try stalled.waitForStdout(containing: "closed after", timeout: 30)
            #expect(try stalled.waitForExit(timeout: 10) == 0, "\(stalled.stderrText)")
            client.signal(SIGTERM)
            _ = try client.waitForExit()
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// A certificate out of its dates, trusted otherwise (it is its own authority): expired, and
    /// not yet valid — each named, with depth and subject, exit 1.
    @Test func datesOutOfRangeAreNamed() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let key = scratch.file("key.pem"), request = scratch.file("req.csr")
            let expired = scratch.file("expired.pem"), future = scratch.file("future.pem"), config = scratch.file("ca.cnf")
            writeFile(config, Array("""
                [ca]
                default_ca = test
                [test]
                database = \(scratch.file("index.txt"))
                new_certs_dir = \(scratch.path)
                serial = \(scratch.file("serial"))
                default_md = sha256
                policy = anything
                [anything]
                commonName = supplied

                """.utf8))
            writeFile(scratch.file("index.txt"), [])
            writeFile(scratch.file("serial"), Array("01\n".utf8))
            for step in [["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                          "-out", request, "-subj", "/CN=localhost"],
                         ["openssl", "x509", "-req", "-in", request, "-signkey", key, "-out", expired, "-days", "-1"],
                         ["openssl", "ca", "-batch", "-config", config, "-selfsign", "-keyfile", key, "-in", request, "-out", future,
                          "-startdate", "20991231000000Z", "-enddate", "21000101000000Z"]] {
                let made = try Child.run(step)
                #expect(made.code == 0, "\(step[1]): \(made.child.stderrText)")
            }
            for (cert, reason) in [(expired, "certificate has expired"), (future, "certificate is not yet valid")] {
                let (server, port) = try sockscopeListener(["-N", "--tls", "--tls-cert", cert, "--tls-key", key], stdin: .null)
                try Self.expectRefused(["--tls-ca", cert, "localhost", "\(port)"], by: server,
                                       saying: "sockscope: TLS: certificate verification failed: \(reason) (depth 0, /CN=localhost)")
            }
        }
    }

    /// What --tls cannot do yet, or never: one line, exit 64.
    @Test func tlsUsageErrors() async throws {
        try await offPool { () throws in
            let cases: [([String], String)] = [
                (["--tls", "-u", "127.0.0.1", "9"], "sockscope: --tls: not with -u (TLS runs over TCP; DTLS is not supported)"),
                (["--tls", "-l", "--tls-ca", "x.pem", "0"], "sockscope: --tls-ca with -l names the clients' authorities: use it with --tls-verify-client"),
                (["--tls", "-l", "--tls-no-verify", "0"], "sockscope: --tls-no-verify and --tls-servername are for dialing"),
                (["--tls", "--tls-verify-client", "127.0.0.1", "9"], "sockscope: --tls-verify-client is for -l (a server asking its clients for a certificate)"),
                (["--tls", "--tls-min", "1.1", "127.0.0.1", "9"], "sockscope: --tls-min: 1.2 or 1.3"),
                (["--tls", "--tls-min", "1.3", "--tls-max", "1.2", "127.0.0.1", "9"], "sockscope: --tls-min 1.3 is above --tls-max 1.2"),
                (["--tls", "--tls-alpn", "h2,,x", "127.0.0.1", "9"], "sockscope: --tls-alpn: names of 1 to 255 bytes, separated by commas, 254 bytes in all"),
                (["--tls", "--tls-key", "k.pem", "127.0.0.1", "9"], "sockscope: --tls-key needs --tls-cert"),
                (["--tls-ca", "x.pem", "127.0.0.1", "9"], "sockscope: the --tls-… options and --keylog need --tls"),
                (["--keylog", "k.log", "127.0.0.1", "9"], "sockscope: the --tls-… options and --keylog need --tls"),
                (["--ssl", "--tls-no-verify", "--ssl-trustfile", "x.pem", "127.0.0.1", "9"],
                 "sockscope: cannot use --tls-ca with --tls-no-verify"),
            ]
            for (arguments, line) in cases {
                let run = try Child.run([Paths.sockscope] + arguments)
                #expect(run.code == 64 && run.child.stderrText == line + "\n", "\(arguments)")
            }
        }
    }
}
