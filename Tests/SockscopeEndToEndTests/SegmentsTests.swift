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
            var pairs: [String] = []
            do {
                try events.wait(for: "every segment of the session", timeout: 30) { child in
                    let objects = EventsTests.objects(child.stdoutText)
                    segments = objects.filter { $0["kind"] as? String == "segment" }
                    pairs = objects.filter { $0["kind"] as? String == "transition" }.map(EventsTests.pair)
                    guard pairs.contains("LAST_ACK>CLOSE") else { return false }
                    expected = (try? Self.tcpdumpLines(theirs)) ?? []
                    return segments.count == expected.count && segments.count >= 8
                }
            } catch {
                // Which part never came (the message's output is cut short): the transitions seen,
                // the segments shown against tcpdump's.
                throw Child.Failure(description: "\(error) — transitions \(pairs), segments \(segments.count), "
                                    + "tcpdump \((try? Self.tcpdumpLines(theirs).count) ?? -1)")
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
