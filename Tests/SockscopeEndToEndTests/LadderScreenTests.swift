import Foundation
import Glibc
import Testing
import TestSupport

/// The ladder in a real terminal, as root in a private namespace: a dialed nc session drawn
/// segment by segment with both ends' states, and the files --pcap and --ladder leave behind.
@Suite(.timeLimit(.minutes(4)),
       .enabled(if: Namespace.available && Paths.which("tmux") && Paths.which("tcpdump") && Paths.which("python3"),
                "skipped: needs root, tmux, tcpdump and python3"))
struct LadderScreenTests {
    @Test func aDialedSessionOnTheLadder() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let peer = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]))
            let port = try peer.waitForPort()
            let pcap = scratch.file("session.pcap"), svg = scratch.file("session.svg")
            // 80×24: the ladder shows when asked (F9), in place of the conversation and the table.
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "--pcap", pcap, "--ladder", svg, "127.0.0.1", String(port)])
                .joined(separator: " "), columns: 80, rows: 24)
            try tmux.wait(forText: "F9Ladder")
            tmux.send("F9")
            let handshake = try tmux.wait(for: "the handshake on the ladder") {
                $0.contains("─S SYN seq 0") && $0.contains("SYN ACK seq 0 ack 1") && $0.contains("ESTABLISHED")
            }
            // Time runs forwards: our SYN_SENT (stamped when connect() was called) is drawn above
            // the handshake's ESTABLISHED (stamped by the kernel), never under it.
            let synSent = try #require(handshake.range(of: "SYN_SENT"), "\(handshake)")
            let established = try #require(handshake.range(of: "ESTABLISHED"))
            #expect(synSent.lowerBound < established.lowerBound, "\(handshake)")
            tmux.line("hello")
            try peer.waitForStdout(containing: "hello")
            tmux.line("/shutdown")
            peer.closeStdin()  // nc answers our FIN with its own
            let screen = try tmux.wait(for: "the close on the ladder") {
                $0.contains("TIME_WAIT") && $0.contains("LAST_ACK") && $0.contains("FIN_WAIT1") && $0.contains("shutdown()")
            }
            let rows = screen.split(separator: "\n")
            // Our FIN goes right (we are on the left); the peer's comes back.
            #expect(rows.contains { $0.contains("─F. FIN ACK seq 7 ack 1") && $0.contains("▶") })
            #expect(rows.contains { $0.contains("◀") && $0.contains("F. FIN ACK seq 1 ack 8") })
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")

            // The pcap reads back with tcpdump: the session's eight frames; the SVG has one arrow each.
            let read = try Child.run(["tcpdump", "-r", pcap, "-nn"])
            let frames = read.child.stdoutText.split(separator: "\n")
            #expect(frames.count == 8, "\(read.child.stdoutText)")
            #expect(frames.first?.contains("Flags [S]") == true)
            let count = try Child.run(["python3", "-c", """
                import sys, xml.etree.ElementTree as ET
                root = ET.parse(sys.argv[1]).getroot()
                print(sum(1 for e in root.iter('{http://www.w3.org/2000/svg}line') if e.get('class') == 'segment'))
                """, svg])
            #expect(count.child.stdoutText == "\(frames.count)\n", "\(count.child.stderrText)")
            // The SVG writes our column's states (left of our rail, anchored at their end) top to
            // bottom in time order: SYN_SENT, then ESTABLISHED.
            let states = try Child.run(["python3", "-c", """
                import sys, xml.etree.ElementTree as ET
                root = ET.parse(sys.argv[1]).getroot()
                texts = [e for e in root.iter('{http://www.w3.org/2000/svg}text') if e.get('text-anchor') == 'end']
                print(' '.join(e.text for e in sorted(texts, key=lambda e: float(e.get('y')))))
                """, svg])
            let ours = states.child.stdoutText.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(Array(ours.prefix(2)) == ["SYN_SENT", "ESTABLISHED"], "\(states.child.stdoutText) \(states.child.stderrText)")
        }
    }

    /// /reset: our dialer's line says it sent the RST, the peer's that it received ours; the
    /// ladder shows the RST leaving our column.
    @Test func aResetIsAttributedOnBothEnds() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let peer = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]))
            let port = try peer.waitForPort()
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "127.0.0.1", String(port)]).joined(separator: " "), columns: 160, rows: 50)
            try tmux.wait(forText: "── Ladder")  // 50 rows: the ladder is there from the start
            try tmux.wait(for: "the handshake") { $0.contains("─S SYN seq 0") }
            tmux.line("/reset")
            try tmux.wait(for: "both ends' endings, the RST leaving our column, the close() that sent it") { screen in
                screen.contains("our dialer sent a RST") && screen.contains("a RST from our socket arrived")
                    && screen.split(separator: "\n").contains { $0.contains("─R. RST ACK seq 1 ack 1") && $0.contains("▶") }
                    && screen.contains("close(), SO_LINGER 0")
            }
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
        }
    }

    /// A SYN_SENT held by nft (SYN-ACKs dropped in the input hook of the namespace): the screen
    /// is open from the first instant, the table shows our dialer in SYN_SENT with its SYN
    /// retransmissions counted, the ladder the SYNs sent again; -w ends it as timed out, exit 1.
    @Test func aHeldSynSentIsLive() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            for rule in [["add", "table", "inet", "hold"],
                         ["add", "chain", "inet", "hold", "input", "{ type filter hook input priority 0 ; }"],
                         ["add", "rule", "inet", "hold", "input", "tcp flags & (syn|ack) == (syn|ack) drop"]] {
                #expect(Child.runQuietly(namespace.exec(["nft"] + rule)) == 0)
            }
            let peer = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]))
            let port = try peer.waitForPort()
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "-w", "4", "127.0.0.1", String(port)]).joined(separator: " "),
                                columns: 120, rows: 40)
            let held = try tmux.wait(for: "SYN_SENT with retransmissions") { screen in
                guard let row = screen.split(separator: "\n").first(where: { $0.hasPrefix("▶") && $0.contains(" SYN_SENT ") }) else { return false }
                return row.contains("rtx 2") && screen.contains("⟲ retransmission S SYN seq 0")
            }
            #expect(held.contains("connecting to 127.0.0.1:\(port)"))
            // The log has our dialer's CLOSE → SYN_SENT at once (first-hand), once.
            #expect(held.components(separatedBy: "CLOSE → SYN_SENT").count == 2, "\(held)")
            #expect(held.contains("connect()"))
            try tmux.wait(forText: "failed: timed out")
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=1")
        }
    }

    /// A refused dial says so in the screen, with the RST on the ladder; exit 1.
    @Test func aRefusedDialSaysSo() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            // A port that was just free: bound by nothing now.
            let probe = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]))
            let port = try probe.waitForPort()
            probe.signal(SIGTERM)
            _ = try probe.waitForExit()
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "127.0.0.1", String(port)]).joined(separator: " "), columns: 120, rows: 40)
            try tmux.wait(for: "the refusal") {
                $0.contains("failed: connection refused") && $0.contains("R. RST ACK seq 0 ack 1") && $0.contains("ECONNREFUSED")
            }
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=1")
        }
    }

    /// `watch --pcap`: the frames its filter passes, in a file tcpdump reads: an nc session's
    /// eight, and nothing of a session on another port.
    @Test func watchWritesAPcap() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let listener = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            let other = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let otherPort = try other.waitForPort()
            let pcap = scratch.file("watch.pcap")
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "watch", "--port", String(port), "--pcap", pcap]).joined(separator: " "),
                                columns: 120, rows: 40)
            try tmux.wait(forText: "cmd>")
            for target in [port, otherPort] {
                let client = try Child(namespace.exec(["sh", "-c", "echo hi | nc -N 127.0.0.1 \(target)"]), stdin: .null)
                #expect(try client.waitForExit() == 0)
            }
            #expect(try listener.waitForExit() == 0)
            try tmux.wait(forText: "LAST_ACK → CLOSE")
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            let read = try Child.run(["tcpdump", "-r", pcap, "-nn"])
            let frames = read.child.stdoutText.split(separator: "\n")
            #expect(frames.count == 8, "\(read.child.stdoutText)")
            #expect(frames.allSatisfy { $0.contains(".\(port)") } && !frames.contains { $0.contains(".\(otherPort)") })
        }
    }

    /// --tls on the ladder: every TLS record named beside the segment that carried it — the
    /// handshake's messages, TLS 1.3's encrypted ones included, and the peer's close_notify —
    /// on the screen and in the SVG.
    @Test(.enabled(if: TLSPeers.available, "skipped: needs openssl and socat"))
    func tlsRecordsBesideTheirSegments() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "-", within: namespace.exec)
            let svg = scratch.file("tls.svg")
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "--ladder", svg, "--tls", "--tls-max", "1.3", "--tls-ca", cert.cert,
                                                "localhost", String(port)]).joined(separator: " "), columns: 220, rows: 60)
            try tmux.wait(for: "the handshake's records") {
                $0.contains("─TLS ClientHello ") && $0.contains("Finished (encrypted) ") && $0.contains("TLS ServerHello ")
            }
            server.write("hello\n")
            server.closeStdin()  // socat sends its close_notify, then FIN
            let screen = try tmux.wait(for: "the peer's close_notify") { $0.contains("TLS close_notify (encrypted) ") }
            #expect(screen.split(separator: "\n").contains { $0.contains("◀") && $0.contains("TLS ApplicationData ") })
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            _ = try server.waitForExit()
            let drawn = try String(contentsOfFile: svg, encoding: .utf8)
            for record in [">TLS ClientHello ", "EncryptedExtensions (encrypted) ", "Finished (encrypted) ", ">TLS close_notify (encrypted) "] {
                #expect(drawn.contains(record), "\(record) in \(drawn)")
            }
        }
    }

    /// --pcap with --tls: pcapng with the session's secrets in it, written before the frames
    /// they decrypt — tshark shows the HTTP request with nothing else handed to it, in one pass.
    @Test(.enabled(if: TLSPeers.available && Paths.which("tshark"), "skipped: needs openssl, socat and tshark"))
    func aTLSCaptureDecryptsOnItsOwn() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "SYSTEM:head -c 16 >/dev/null; echo served", within: namespace.exec)
            let pcap = scratch.file("session.pcapng")
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "--pcap", pcap, "--pcap-payload", "65535", "--tls", "--tls-ca", cert.cert,
                                                "localhost", String(port)]).joined(separator: " "), columns: 160, rows: 50)
            try tmux.wait(forText: "TLS: TLSv1.3")
            tmux.line("GET / HTTP/1.0")
            tmux.line("")
            try tmux.wait(forText: "← served")
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            _ = try server.waitForExit()
            let bytes = readFile(pcap)
            #expect(bytes.prefix(4) == [0x0A, 0x0D, 0x0D, 0x0A])
            let decoded = try Child.run(["tshark", "-r", pcap, "-d", "tcp.port==\(port),tls", "-Y", "http.request", "-T", "fields",
                                         "-e", "http.request.method", "-e", "http.request.version"], timeout: 60)
            #expect(decoded.child.stdoutText == "GET\tHTTP/1.0\n", "\(decoded.child.stderrText)")
            // tcpdump reads it too.
            let read = try Child.run(["tcpdump", "-r", pcap, "-nn"])
            #expect(read.code == 0 && read.child.stdoutText.contains("Flags [S]"), "\(read.child.stderrText)")
        }
    }

    /// TLS through a SOCKS5 proxy on the ladder: the proxy's messages named first, and the TLS
    /// records placed after them — the ClientHello where the negotiation's 19 bytes end.
    @Test(.enabled(if: TLSPeers.available, "skipped: needs openssl and socat"))
    func aProxysNegotiationThenTLSOnTheLadder() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let cert = try TLSTests.certificate(in: scratch)
            let (server, port) = try TLSTests.server(cert, "-", within: namespace.exec)
            let (proxy, proxyPort) = try ProxyClientTests.proxy("socks5", within: namespace.exec)
            let svg = scratch.file("proxy.svg")
            let tmux = try Tmux(namespace.exec([Paths.sockscope, "--ladder", svg, "-x", "127.0.0.1:\(proxyPort)", "--tls", "--tls-ca",
                                                cert.cert, "localhost", String(port)]).joined(separator: " "), columns: 220, rows: 60)
            let screen = try tmux.wait(for: "the negotiation and the handshake") {
                $0.contains("─SOCKS5 greeting 3 ") && $0.contains("SOCKS5 reply: succeeded 10") && $0.contains("Finished (encrypted)")
            }
            let rows = screen.split(separator: "\n")
            #expect(rows.contains { $0.contains("─SOCKS5 request CONNECT localhost:\(port) 16 P. PSH ACK seq 4 ") }, "\(screen)")
            #expect(rows.contains { $0.contains("─TLS ClientHello ") && $0.contains(" seq 20 ") }, "\(screen)")
            // The leg to the proxy's row in the table says which target it carries.
            let route = "#1 via 127.0.0.1:\(proxyPort) (SOCKS5) to localhost:\(port)"
            try tmux.wait(for: "the table's row naming the target") { $0.split(separator: "\n").contains { $0.contains("ESTABLISHED") && $0.contains(route) } }
            tmux.line("/quit")
            try tmux.wait(forText: "EXIT=0")
            let drawn = try String(contentsOfFile: svg, encoding: .utf8)
            #expect(drawn.contains(">SOCKS5 greeting 3</text>") && drawn.contains(">TLS ClientHello "))
            server.signal(SIGTERM)
            _ = try server.waitForExit()
            proxy.signal(SIGTERM)
            _ = try proxy.waitForExit()
        }
    }
}
