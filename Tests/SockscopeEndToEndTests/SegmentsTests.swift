import Foundation
import Glibc
import Testing
import TestSupport

/// `states --events --segments` and `--pcap`: the capture against tcpdump's, in a private
/// network namespace (root).
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available && Paths.which("tcpdump"), "skipped: needs root and tcpdump"))
struct SegmentsTests {
    /// tcpdump's reading of a pcap file, a line per frame, the timestamp left out (ours stamps a
    /// frame as it arrives, tcpdump as it leaves: a few microseconds apart).
    static func tcpdumpLines(_ file: String) throws -> [String] {
        let read = try Child.run(["tcpdump", "-r", file, "-nn", "-S"])
        return read.child.stdoutText.split(separator: "\n").map { line in
            String(line.drop { $0 != " " }.dropFirst())
        }
    }

    /// An nc session (open, a line each way, both half-close) seen by sockscope and by tcpdump in
    /// the same namespace: the same segments in the same order; relative numbers from 0 and 1;
    /// the window scaled by the sender's announced shift; the pcap file reads back the same.
    @Test func anNcSessionAsTcpdumpSeesIt() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let namespace = try Namespace()
            let listener = try Child(namespace.exec(["nc", "-N", "-l", "-v", "-n", "127.0.0.1", "0"]))
            let port = try listener.waitForPort()
            let theirs = scratch.file("tcpdump.pcap"), ours = scratch.file("ours.pcap")
            let tcpdump = try Child(namespace.exec(["tcpdump", "-Z", "root", "-i", "lo", "-nn", "-U", "--immediate-mode", "-w", theirs,
                                                    "tcp", "port", String(port)]), stdin: .null)
            try tcpdump.waitForStderrLine(containing: "listening on")
            let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--segments", "--json", "--tcp",
                                                   "--port", String(port), "--pcap", ours]), stdin: .null)
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            #expect(events.stdoutText.hasPrefix("{\"kind\":\"start\",\"sources\":[\"ebpf\",\"proc\",\"capture\"],\"unavailable\":{}}\n"))
            listener.write("pong\n")
            listener.closeStdin()
            let client = try Child(namespace.exec(["sh", "-c", "echo ping | nc -N 127.0.0.1 \(port)"]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            #expect(try listener.waitForExit() == 0)
            #expect(client.stdoutText == "pong\n" && listener.stdoutText == "ping\n")

            // Until the listener's last transition is out and both captures hold as many frames.
            var segments: [[String: Any]] = []
            var expected: [String] = []
            // Up to 30 s: beside the rest of the suite the namespace sieve can hold records for seconds.
            try events.wait(for: "every segment of the session", timeout: 30) { child in
                let objects = EventsTests.objects(child.stdoutText)
                segments = objects.filter { $0["kind"] as? String == "segment" }
                guard objects.contains(where: { EventsTests.pair($0) == "LAST_ACK>CLOSE" }) else { return false }
                expected = (try? Self.tcpdumpLines(theirs)) ?? []
                return segments.count == expected.count && segments.count >= 8
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            tcpdump.signal(SIGINT)
            _ = try tcpdump.waitForExit()

            // The same frames, in the same order, as tcpdump reads both files.
            #expect(try Self.tcpdumpLines(ours) == expected)
            // Each JSON segment says what tcpdump's line says.
            for (segment, line) in zip(segments, expected) {
                let flags = try #require(segment["flags"] as? String), length = try #require(segment["len"] as? Int)
                let local = try #require(segment["local"] as? String), remote = try #require(segment["remote"] as? String)
                let out = segment["direction"] as? String == "out"
                let (from, to) = out ? (local, remote) : (remote, local)
                #expect(line.hasPrefix("IP \(Self.dotted(from)) > \(Self.dotted(to)): Flags [\(flags)]"), "\(line)")
                #expect(line.hasSuffix(", length \(length)"), "\(line)")
                if let seq = segment["seq"] as? Int, flags.contains("S") || length > 0 { #expect(line.contains("seq \(seq)")) }
                #expect(segment["proto"] as? String == "tcp")
            }
            // The dialer's SYN is on the left, numbered from 0; its peer's first ACK says 1.
            #expect(segments.first?["flags"] as? String == "S" && segments.first?["direction"] as? String == "out")
            #expect((segments.first?["remote"] as? String)?.hasSuffix(":\(port)") == true)
            let numbers = segments.prefix(3).map { [$0["relSeq"] as? Int ?? -1, $0["relAck"] as? Int ?? -1] }
            #expect(numbers == [[0, 0], [0, 1], [1, 1]])
            // After the handshake, each window is the field shifted by its sender's wscale.
            let shifts = segments.prefix(2).map { ($0["options"] as? [String: Any])?["wscale"] as? Int ?? 0 }
            for segment in segments.dropFirst(2) {
                let shift = segment["direction"] as? String == "out" ? shifts[0] : shifts[1]
                #expect(segment["windowScaled"] as? Int == (segment["window"] as? Int ?? 0) << shift)
            }
            #expect(shifts.allSatisfy { $0 > 0 })
            #expect(segments.allSatisfy { ($0["markers"] as? [Any])?.isEmpty == true })
        }
    }

    /// A burst beside tcpdump: 2,000 connections as fast as they go, a line each way, about
    /// 20,000 frames in a second. Every frame tcpdump keeps is shown once or counted lost — with
    /// the default ring and with the smallest (1 MiB: SOCKSCOPE_CAPTURE_BUFFER_KB), where a
    /// reader beside the rest of the suite may well fall behind; and none is shown twice.
    @Test(arguments: [nil, "1024"])
    func aBurstIsShownOrCounted(bufferKB: String?) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let load = try EventsTests.loadGenerator(scratch)
            let namespace = try Namespace()
            let generator = try Child(namespace.exec([load, "2000", "1000000", "talk"]))
            let port = try generator.waitForPort()
            let theirs = scratch.file("tcpdump.pcap")
            let tcpdump = try Child(namespace.exec(["tcpdump", "-Z", "root", "-i", "lo", "-nn", "-U", "-w", theirs,
                                                    "tcp", "port", String(port)]), stdin: .null)
            try tcpdump.waitForStderrLine(containing: "listening on")
            let environment = bufferKB.map { ["env", "SOCKSCOPE_CAPTURE_BUFFER_KB=\($0)"] } ?? []
            let events = try Child(namespace.exec(environment + [Paths.sockscope, "states", "--events", "--segments", "--json",
                                                                 "--tcp", "--port", String(port)]), stdin: .null)
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            generator.write("go\n")
            try generator.waitForStdout(containing: "done 2000", timeout: 60)
            let tally = LineTally(["\"kind\":\"segment\""])
            func lost(_ child: Child) -> Int {
                EventsTests.objects(child.stdoutText.split(separator: "\n").filter { $0.contains("\"kind\":\"lost\"") }
                    .joined(separator: "\n")).compactMap { $0["frames"] as? Int }.reduce(0, +)
            }
            // Until every frame tcpdump has written is shown or counted (tcpdump read twice a second).
            var lastLook = 0.0
            try events.wait(for: "every frame shown or counted", timeout: 60) { child in
                let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                guard now - lastLook >= 0.5 else { return false }
                lastLook = now
                let reference = (try? Self.tcpdumpLines(theirs).count) ?? 0
                return reference > 0 && tally.update(child.stdout)[0] + lost(child) >= reference
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            tcpdump.signal(SIGINT)
            _ = try tcpdump.waitForExit()
            let reference = try Self.tcpdumpLines(theirs).count
            let kept = tally.update(events.stdout)[0], counted = lost(events)
            // tcpdump's own drops, should it have any, are frames only we may have kept.
            let tcpdumpDropped = tcpdump.stderrText.split(separator: "\n").first { $0.hasSuffix("packets dropped by kernel") }
                .flatMap { Int($0.split(separator: " ")[0]) } ?? 0
            #expect(reference >= 2000 * 8, "tcpdump kept \(reference)")
            #expect(kept + counted >= reference, "shown \(kept), counted lost \(counted), tcpdump \(reference)")
            #expect(kept <= reference + tcpdumpDropped, "shown \(kept), tcpdump \(reference) (dropped \(tcpdumpDropped))")
            #expect(events.stderrText.isEmpty || counted > 0, "\(events.stderrText)")
        }
    }

    /// `127.0.0.1:5000` as tcpdump writes it: `127.0.0.1.5000`.
    static func dotted(_ endpoint: String) -> String {
        guard let colon = endpoint.lastIndex(of: ":") else { return endpoint }
        return endpoint[..<colon] + "." + endpoint[endpoint.index(after: colon)...]
    }

    /// Without root: segments are said to be off and transitions go on; a pcap file asked for
    /// cannot be written, and that fails at once.
    @Test(.enabled(if: Paths.which("setpriv"), "skipped: needs setpriv"))
    func withoutRoot() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            chmod(scratch.path, 0o777)
            let nobody = Paths.asNobody + [Paths.sockscopeForAnyone, "states", "--events"]
            let stream = try Child.run(nobody + ["--segments", "--json", "--duration", "0.3"])
            #expect(stream.code == 0)
            #expect(stream.child.stdoutText.hasPrefix("{\"kind\":\"start\",\"sources\":[\"proc\"],\"unavailable\":{\"ebpf\":\"needs root\",\"tracefs\":\"needs root\","
                                                      + "\"capture\":\"segments need root (an AF_PACKET capture needs CAP_NET_RAW)\"}}\n"))
            #expect(stream.child.stderrText.contains("sockscope: segments are off: segments need root"))
            let file = scratch.file("x.pcap")
            let pcap = try Child.run(nobody + ["--pcap", file, "--duration", "0.3"])
            #expect(pcap.code == 1)
            #expect(pcap.child.stderrText == "sockscope: --pcap: segments need root (an AF_PACKET capture needs CAP_NET_RAW)\n")
            #expect(!fileExists(file))
        }
    }
}

/// Causes from the segments seen: an abort (SO_LINGER 0) is "reset sent" on the aborting
/// socket's line and "reset received" on its peer's. The abort waits until both ends show in
/// the stream: the tracepoint's sieve does not yet place a socket that dies before any table
/// reading without a destroy notice naming it (a refused connect, for one) — a known gap.
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available, "skipped: needs root"))
struct SegmentCauseTests {
    /// With the capture (the RST segment seen), and without it: eBPF reports the kernel's own
    /// tcp_send_reset and tcp_receive_reset, so `states --events` alone explains the ending too.
    @Test(arguments: [true, false])
    func resetsAreAttributedOnBothEnds(segments: Bool) async throws {
        try await offPool { () throws in
            // The kernel's own word on resets, in a tracing instance of this test's: which socket
            // sent one (tcp_send_reset) and which received it (tcp_receive_reset).
            // A run killed before its cleanup left its instance: remove those of dead test processes.
            let instances = "/sys/kernel/tracing/instances"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? [] where name.hasPrefix("sockscope-test-rst-") {
                guard let pid = name.split(separator: "-").dropFirst(3).first.flatMap({ pid_t($0) }), kill(pid, 0) != 0, errno == ESRCH else { continue }
                for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instances)/\(name)/events/tcp/\(event)/enable", Array("0".utf8)) }
                rmdir("\(instances)/\(name)")
            }
            let instance = "\(instances)/sockscope-test-rst-\(getpid())-\(Int.random(in: 0..<1_000_000))"
            try #require(mkdir(instance, 0o755) == 0, "tracefs instance: \(String(cString: strerror(errno)))")
            defer { rmdir(instance) }
            for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instance)/events/tcp/\(event)/enable", Array("1".utf8)) }
            defer { for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instance)/events/tcp/\(event)/enable", Array("0".utf8)) } }
            let namespace = try Namespace()
            let server = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, sys, time
                l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
                print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
                s, _ = l.accept()
                try:
                    s.recv(10)
                except ConnectionResetError:
                    print('reset', flush=True)
                """]), stdin: .null)
            let port = try server.waitForPort()
            let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--tcp", "--port", String(port)]
                                                  + (segments ? ["--segments"] : [])), stdin: .null)
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            // Without the capture, the RSTs come from eBPF: the start line names it.
            #expect(segments || events.stdoutText.hasPrefix("{\"kind\":\"start\",\"sources\":[\"ebpf\""))
            let client = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, struct, sys
                c = socket.create_connection(('127.0.0.1', \(port)))
                print('connected', flush=True)
                sys.stdin.readline()
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                c.close()
                """]))
            // Both ends placed in this namespace (the sieve releases a socket's records once it
            // knows), then the abort.
            try client.waitForStdout(containing: "connected")
            try events.wait(for: "both ends established", timeout: 30) { child in
                let text = child.stdoutText
                return text.contains("\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\"")
                    && text.contains("\"from\":\"SYN_RECV\",\"to\":\"ESTABLISHED\"")
            }
            client.write("abort\n")
            #expect(try client.waitForExit() == 0)
            #expect(try server.waitForExit() == 0)
            #expect(server.stdoutText == "reset\n")
            var endings: [[String: Any]] = []
            try events.wait(for: "both ends' endings", timeout: 30) { child in
                endings = EventsTests.objects(child.stdoutText).filter {
                    $0["kind"] as? String == "transition" && EventsTests.pair($0) == "ESTABLISHED>CLOSE"
                }
                return endings.count >= 2
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let abort = try #require(endings.first { $0["remote"] as? String == "127.0.0.1:\(port)" })
            let aborted = try #require(endings.first { $0["local"] as? String == "127.0.0.1:\(port)" })
            #expect(abort["cause"] as? String == "reset sent")
            #expect((abort["explanation"] as? String)?.contains("the dialer's socket sent a RST") == true)
            #expect(abort["role"] as? String == "the dialer's socket" && aborted["role"] as? String == "the listener's connection")
            #expect(aborted["cause"] as? String == "reset received")
            // The kernel's reason (eBPF's tcp_send_reset): an abort by SO_LINGER 0 is TCP_STATE, on
            // both ends' endings (the peer is in this namespace too).
            #expect(abort["resetReason"] as? String == "TCP_STATE" && aborted["resetReason"] as? String == "TCP_STATE")
            #expect((abort["explanation"] as? String)?.contains("close() with SO_LINGER set to 0") == true)
            #expect((aborted["explanation"] as? String)?.contains("a RST from the peer arrived") == true)
            // The RST itself is in the stream (with the capture), from the end that sent it.
            let resets = EventsTests.objects(events.stdoutText).filter { ($0["flags"] as? String)?.contains("R") == true }
            #expect(resets.count == (segments ? 1 : 0))
            if segments {
                #expect(resets.first?["direction"] as? String == "out" && resets.first?["local"] as? String == abort["local"] as? String)
            }
            // The kernel agrees: the aborting socket sent it, the server's connection received it.
            let trace = String(decoding: readFile("\(instance)/trace"), as: UTF8.self).split(separator: "\n")
            let dialer = try #require(abort["local"] as? String), listening = "127.0.0.1:\(port)"
            #expect(trace.contains { $0.contains("tcp_send_reset:") && $0.contains("src=\(dialer) dest=\(listening)") }, "\(trace)")
            #expect(trace.contains { $0.contains("tcp_receive_reset:") && $0.contains("sport=\(port) ") })
            #expect(!trace.contains { $0.contains("tcp_send_reset:") && $0.contains("src=\(listening) dest=\(dialer)") })
        }
    }
}
