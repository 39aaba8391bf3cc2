import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope probe HOST PORT`: against a listener every probe connects and the summary's
/// percentiles are the probes' own; a closed port is refused (an RST); in a namespace of its
/// own, a port whose SYNs nft drops is filtered — each told apart, exit 1 unless all connected.
@Suite(.timeLimit(.minutes(2)))
struct ProbeTests {
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func aListenerConnectsEveryTimeAndTheSummaryIsTheProbes() async throws {
        try await offPool { () throws in
            let (server, port) = try ncListener(["-k"], stdin: .null)
            defer { server.signal(SIGTERM) }
            let run = try Child.run([Paths.sockscope, "probe", "-n", "-c", "7", "-i", "0", "--json", "127.0.0.1", "\(port)"], timeout: 30)
            #expect(run.code == 0, "\(run.child.stderrText)")
            let objects = Self.objects(run.child.stdoutText)
            #expect(objects.first?["kind"] as? String == "resolved" && (objects.first?["addresses"] as? [String]) == ["127.0.0.1"])
            let probes = objects.filter { $0["kind"] as? String == "probe" }
            #expect(probes.count == 7 && probes.allSatisfy { $0["outcome"] as? String == "connected" })
            let samples = probes.compactMap { $0["ms"] as? Double }.sorted()
            let summary = try #require(objects.last)
            #expect(summary["kind"] as? String == "summary" && summary["connected"] as? Int == 7 && summary["loss_percent"] as? Double == 0)
            // Nearest rank: p50 of 7 is the 4th, p90 and p99 the 7th; min and max the ends.
            for (field, expected) in [("min_ms", samples[0]), ("p50_ms", samples[3]), ("p90_ms", samples[6]), ("p99_ms", samples[6]),
                                      ("max_ms", samples[6])] {
                #expect(abs((summary[field] as? Double ?? -1) - expected) < 0.0015, "\(field): \(summary) vs \(samples)")
            }
            // The text form says the same in a line a person reads.
            let text = try Child.run([Paths.sockscope, "probe", "-c", "2", "-i", "0", "127.0.0.1", "\(port)"], timeout: 30)
            #expect(text.code == 0)
            #expect(text.child.stdoutText.contains("2 probes, 2 connected, 0 refused, 0 filtered (0% loss)\nconnect: min "), "\(text.child.stdoutText)")
        }
    }

    @Test func aClosedPortIsRefused() async throws {
        try await offPool { () throws in
            let closed = try ProcessEdgeTests.closedPort()
            let run = try Child.run([Paths.sockscope, "probe", "-c", "3", "-i", "0", "127.0.0.1", "\(closed)"], timeout: 30)
            #expect(run.code == 1)
            #expect(run.child.stdoutText.split(separator: "\n").filter { $0.contains(": refused (RST) in ") }.count == 3, "\(run.child.stdoutText)")
            #expect(run.child.stdoutText.contains("3 probes, 0 connected, 3 refused, 0 filtered (100% loss)"))
        }
    }

    @Test(.enabled(if: Namespace.available && Paths.which("nft"), "skipped: needs root, ip and nft"))
    func aPortWhoseSynsAreDroppedIsFiltered() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            #expect(Child.runQuietly(namespace.exec(["nft", "add", "table", "inet", "probe"])) == 0)
            #expect(Child.runQuietly(namespace.exec(["nft", "add chain inet probe input { type filter hook input priority 0; }"])) == 0)
            #expect(Child.runQuietly(namespace.exec(["nft", "add", "rule", "inet", "probe", "input", "tcp", "dport", "7999", "drop"])) == 0)
            let run = try Child.run(namespace.exec([Paths.sockscope, "probe", "-c", "2", "-i", "0", "-w", "0.3", "127.0.0.1", "7999"]), timeout: 30)
            #expect(run.code == 1)
            #expect(run.child.stdoutText.split(separator: "\n").filter { $0.hasSuffix("no answer within 0.3 s (filtered)") }.count == 2,
                    "\(run.child.stdoutText)")
            #expect(run.child.stdoutText.contains("2 probes, 0 connected, 0 refused, 2 filtered (100% loss)"))
        }
    }

    /// A SYN lost once costs a second; the probe says so rather than leave a slow connect
    /// unexplained: SYNs nft drops until the rule goes, then the retransmitted one is answered.
    @Test(.enabled(if: Namespace.available && Paths.which("nft"), "skipped: needs root, ip and nft"))
    func aSynSentAgainIsCounted() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let listener = try Child(namespace.exec(["nc", "-l", "-k", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            defer { listener.signal(SIGTERM) }
            let port = "\(try listener.waitForPort())"
            #expect(Child.runQuietly(namespace.exec(["nft", "add", "table", "inet", "probe"])) == 0)
            #expect(Child.runQuietly(namespace.exec(["nft", "add chain inet probe input { type filter hook input priority 0; }"])) == 0)
            #expect(Child.runQuietly(namespace.exec(["nft", "add", "rule", "inet", "probe", "input", "tcp", "dport", port,
                                                     "tcp", "flags", "syn", "counter", "drop"])) == 0)
            let probe = try Child(namespace.exec([Paths.sockscope, "probe", "-c", "1", "-w", "10", "--json", "127.0.0.1", port]), stdin: .null)
            // The rule's counter says when the first SYN has been dropped; then the rule goes.
            let deadline = now() + 10
            while now() < deadline {
                let listed = try Child.run(namespace.exec(["nft", "list", "table", "inet", "probe"])).child.stdoutText
                if listed.contains("counter packets ") && !listed.contains("counter packets 0 ") { break }
                var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
                nanosleep(&pause, nil)
            }
            #expect(Child.runQuietly(namespace.exec(["nft", "flush", "table", "inet", "probe"])) == 0)
            #expect(try probe.waitForExit(timeout: 20) == 0, "\(probe.stdoutText)")
            let line = probe.stdoutText.split(separator: "\n").first { $0.contains("\"kind\":\"probe\"") } ?? ""
            #expect(line.contains("\"outcome\":\"connected\"") && !line.contains("\"syn_retransmits\":0"), "\(line)")
        }
    }

    @Test func badNumbersAreOneLine() async throws {
        for (arguments, message) in [(["-c", "0"], "-c: 1 to 100000 probes"), (["-w", "1e300"], "-w: 0.001 to 600 seconds"),
                                     (["-i", "nan"], "-i: 0 to 3600 seconds")] {
            let run = try await Child.finish([Paths.sockscope, "probe"] + arguments + ["127.0.0.1", "1"])
            #expect(run.code == 64 && run.stderrLines == ["sockscope: \(message)"], "\(run.stderrText)")
        }
    }
}
