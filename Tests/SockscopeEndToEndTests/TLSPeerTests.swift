import Glibc
import Testing
import TestSupport

/// The TLS peers a user meets: OpenSSL's own s_server and s_client, ncat --ssl and socat
/// OPENSSL, each on the far side of sockscope, dialing and listening.
enum TLSPeer: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case opensslServer, opensslClient, ncatServer, ncatClient, socatServer, socatClient

    var testDescription: String { rawValue }

    static let available = Child.runQuietly(["sh", "-c", "command -v openssl && command -v ncat && command -v socat && command -v ss"]) == 0
}

/// 64 MiB each way between sockscope and every peer, TLS 1.2 and 1.3, byte-exact. Where the peer
/// can carry both directions at once they do (ncat's client, socat); where it ends the whole
/// session at its own input's end or the first close_notify (s_server, s_client, ncat -l — each
/// documented behaviour of theirs), each direction is its own session.
@Suite(.serialized, .timeLimit(.minutes(4)), .enabled(if: TLSPeer.available, "skipped: needs openssl, ncat, socat and ss"))
struct TLSPeerTests {
    static let size = 64 << 20

    @Test(.serialized, arguments: TLSPeer.allCases, ["1.2", "1.3"])
    func sixtyFourMiBEachWay(peer: TLSPeer, version: String) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            let up = scratch.file("up.bin"), down = scratch.file("down.bin")
            try TLSTests.randomFile(up, bytes: Self.size)
            try TLSTests.randomFile(down, bytes: Self.size)
            let heard = scratch.file("heard.bin"), received = scratch.file("received.bin")
            let ours = ["--tls", "--tls-max", version]
            let dial = ["-v"] + ours + ["--tls-ca", cert.cert, "localhost"]
            let agreed = "TLS: TLSv\(version), "  // what -v says was agreed
            let serve = ours + ["--tls-cert", cert.cert, "--tls-key", cert.key]

            switch peer {
            case .opensslServer:
                // -quiet: no banner on its output and no command keys in the data. Its input
                // stays open while ours goes up: s_server ends the session at its input's end.
                let server = try Child(["openssl", "s_server", "-quiet", "-naccept", "1", "-accept", "127.0.0.1:0",
                                        "-cert", cert.cert, "-key", cert.key], stdin: .pipe, stdout: .file(heard))
                let us = try sockscope(["-N"] + dial + ["\(try listeningPort(of: server))"], stdin: .file(up), stdout: .file("/dev/null"))
                #expect(try us.waitForExit(timeout: 60) == 0, "\(us.stderrText)")
                #expect(us.stderrText.contains(agreed), "\(us.stderrText)")
                #expect(try server.waitForExit(timeout: 30) == 0, "\(server.stderrText)")
                // Down: s_server -HTTP answers a request with the file's bytes as they are. (Fed
                // the file on its input instead, s_server writes before it has read our Finished,
                // then blocks reading for it on a busy machine — s_client hangs there the same way.)
                let request = scratch.file("request.txt")
                writeFile(request, Array("GET /down.bin HTTP/1.0\r\n\r\n".utf8))
                let source = try Child(["sh", "-c", "cd \"$1\" && exec openssl s_server -quiet -HTTP -naccept 1 -accept 127.0.0.1:0 "
                                        + "-cert \"$2\" -key \"$3\"", "sh", scratch.path, cert.cert, cert.key], stdin: .null,
                                       stdout: .file("/dev/null"))
                let reader = try sockscope(dial + ["\(try listeningPort(of: source))"], stdin: .file(request), stdout: .file(received))
                #expect(try reader.waitForExit(timeout: 60) == 0, "\(reader.stderrText)")
                #expect(reader.stderrText.contains(agreed), "\(reader.stderrText)")
                _ = try source.waitForExit(timeout: 30)
            case .opensslClient:
                // Ours up: -d, so our close_notify does not end s_client's sending; it sends its
                // own at its input's end (-no_ign_eof). Ours down: s_client -quiet reads until our close_notify.
                let (listener, port) = try sockscopeListener(["-d"] + serve, stdin: .null, stdout: .file(heard))
                let client = try Child(["openssl", "s_client", "-no_ign_eof", "-nocommands", "-connect", "127.0.0.1:\(port)"],
                                       stdin: .file(up), stdout: .file("/dev/null"))
                #expect(try listener.waitForExit(timeout: 60) == 0, "\(listener.stderrText)")
                #expect(listener.stderrText.contains(agreed), "\(listener.stderrText)")
                #expect(try client.waitForExit(timeout: 30) == 0, "\(client.stderrText)")
                let (source, port2) = try sockscopeListener(["-N"] + serve, stdin: .file(down), stdout: .file("/dev/null"))
                let reader = try Child(["openssl", "s_client", "-quiet", "-connect", "127.0.0.1:\(port2)"], stdin: .null,
                                       stdout: .file(received))
                #expect(try reader.waitForExit(timeout: 60) == 0, "\(reader.stderrText)")
                #expect(try source.waitForExit(timeout: 30) == 0, "\(source.stderrText)")
                #expect(source.stderrText.contains(agreed), "\(source.stderrText)")
            case .ncatServer:
                // ncat -l ends the session when its client's half ends: one direction at a time.
                let server = try Child(["ncat", "--ssl", "--ssl-cert", cert.cert, "--ssl-key", cert.key, "-l", "127.0.0.1", "0"],
                                       stdin: .pipe, stdout: .file(heard))
                let us = try sockscope(["-N"] + dial + ["\(try listeningPort(of: server))"], stdin: .file(up), stdout: .file("/dev/null"))
                #expect(try us.waitForExit(timeout: 60) == 0, "\(us.stderrText)")
                #expect(us.stderrText.contains(agreed), "\(us.stderrText)")
                #expect(try server.waitForExit(timeout: 30) == 0, "\(server.stderrText)")
                let source = try Child(["ncat", "--ssl", "--ssl-cert", cert.cert, "--ssl-key", cert.key, "-l", "127.0.0.1", "0"],
                                       stdin: .file(down), stdout: .file("/dev/null"))
                let reader = try sockscope(["-d"] + dial + ["\(try listeningPort(of: source))"], stdin: .null, stdout: .file(received))
                #expect(try reader.waitForExit(timeout: 60) == 0, "\(reader.stderrText)")
                #expect(reader.stderrText.contains(agreed), "\(reader.stderrText)")
                _ = try source.waitForExit(timeout: 30)
            case .ncatClient:
                let (listener, port) = try sockscopeListener(["-N"] + serve, stdin: .file(down), stdout: .file(heard))
                let client = try Child(["ncat", "--ssl", "127.0.0.1", "\(port)"], stdin: .file(up), stdout: .file(received))
                #expect(try client.waitForExit(timeout: 60) == 0, "\(client.stderrText)")
                #expect(try listener.waitForExit(timeout: 30) == 0, "\(listener.stderrText)")
                #expect(listener.stderrText.contains(agreed), "\(listener.stderrText)")
            case .socatServer:
                // -t 60: socat waits for the other direction's end instead of its default half second.
                let (server, port) = try socatListener("OPENSSL-LISTEN:0,bind=127.0.0.1,cert=\(cert.cert),key=\(cert.key),verify=0",
                                                       "-", options: ["-t", "60"], stdin: .file(down), stdout: .file(heard))
                let us = try sockscope(["-N"] + dial + ["\(port)"], stdin: .file(up), stdout: .file(received))
                #expect(try us.waitForExit(timeout: 60) == 0, "\(us.stderrText)")
                #expect(us.stderrText.contains(agreed), "\(us.stderrText)")
                #expect(try server.waitForExit(timeout: 30) == 0, "\(server.stderrText)")
            case .socatClient:
                let (listener, port) = try sockscopeListener(["-N"] + serve, stdin: .file(down), stdout: .file(heard))
                let client = try Child(["socat", "-t", "60", "-", "OPENSSL:127.0.0.1:\(port),verify=0"], stdin: .file(up),
                                       stdout: .file(received))
                #expect(try client.waitForExit(timeout: 60) == 0, "\(client.stderrText)")
                #expect(try listener.waitForExit(timeout: 30) == 0, "\(listener.stderrText)")
                #expect(listener.stderrText.contains(agreed), "\(listener.stderrText)")
            }
            #expect(Child.runQuietly(["cmp", up, heard]) == 0, "up: \(peer) TLS \(version)")
            #expect(Child.runQuietly(["cmp", down, received]) == 0, "down: \(peer) TLS \(version)")
        }
    }

    /// SNI as openssl s_server sees it: the host typed (or --tls-servername) is sent; an address
    /// typed is not (RFC 6066), and is checked against the certificate's addresses instead.
    @Test func theNameSentAsSNIIsWhatSServerSees() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let cert = try TLSTests.certificate(in: scratch)
            for (target, extra, seen) in [("localhost", [String](), "localhost"), ("127.0.0.1", ["--tls-servername", "localhost"], "localhost"),
                                          ("127.0.0.1", [], nil)] {
                // -servername: s_server says which name a client asked for (its second context's).
                let server = try Child(["openssl", "s_server", "-naccept", "1", "-accept", "127.0.0.1:0", "-cert", cert.cert, "-key", cert.key,
                                        "-servername", "localhost", "-cert2", cert.cert, "-key2", cert.key], stdin: .pipe)
                let us = try sockscope(["-v", "-d", "--tls", "--tls-ca", cert.cert] + extra + [target, "\(try listeningPort(of: server))"],
                                       stdin: .null)
                try us.waitForStderrLine(containing: "certificate verified")
                try server.waitForStdout(containing: "CIPHER is ")  // its handshake is done, the SNI said by then
                if let seen {
                    #expect(server.stdoutText.contains("Hostname in TLS extension: \"\(seen)\""), "\(server.stdoutText)")
                } else {
                    #expect(!server.stdoutText.contains("Hostname in TLS extension"), "\(server.stdoutText)")
                }
                server.closeStdin()  // s_server ends the session; we exit
                #expect(try us.waitForExit(timeout: 20) == 0, "\(us.stderrText)")
                _ = try server.waitForExit(timeout: 20)
            }
        }
    }
}
