import Glibc
import Testing
import TestSupport

/// --json: what -v says of a session as JSON objects on standard error, one a line, for scripts —
/// a -k server's clients each accepted and closed with why; standard output still the bytes.
@Suite(.timeLimit(.minutes(2)))
struct JSONEventsTests {
    @Test func aServersClientsInJSON() async throws {
        try await offPool { () throws in
            let server = try sockscope(["-l", "-k", "--json", "127.0.0.1", "0"], stdin: .null)
            var port = 0
            try server.wait(for: "the listening event") { child in
                guard let line = child.stderrText.split(separator: "\n").first, line.hasPrefix("{\"kind\":\"listening\""),
                      let field = line.split(separator: ",").first(where: { $0.hasPrefix("\"port\":") }) else { return false }
                port = Int(field.dropFirst(7)) ?? 0
                return port > 0
            }
            for (index, extra) in [["-N"], ["-N"]].enumerated() {
                let client = try Child(["nc"] + extra + ["127.0.0.1", "\(port)"])
                client.write("client \(index)\n")
                client.closeStdin()
                #expect(try client.waitForExit() == 0)
            }
            try server.wait(for: "two closed events") { $0.stderrText.components(separatedBy: "\"kind\":\"closed\"").count == 3 }
            #expect(server.stdoutText == "client 0\nclient 1\n")
            let lines = server.stderrText.split(separator: "\n")
            #expect(lines.allSatisfy { $0.hasPrefix("{\"kind\":\"") && $0.hasSuffix("}") }, "\(server.stderrText)")
            let kinds = lines.compactMap { $0.split(separator: "\"")[safe: 3].map(String.init) }
            #expect(kinds == ["listening", "end-of-input", "accepted", "closed", "accepted", "closed"], "\(server.stderrText)")
            #expect(lines.filter { $0.contains("\"kind\":\"accepted\"") }.allSatisfy { $0.contains("\"address\":\"127.0.0.1\"") })
            #expect(lines.filter { $0.contains("\"kind\":\"closed\"") }.allSatisfy { $0.contains("\"reason\":\"finished\"") })
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }

    /// --json is for a session's events: a scan's results, and the screen's files, refuse it.
    @Test func usageErrors() async throws {
        try await offPool { () throws in
            for (arguments, message) in [
                (["--json", "-z", "127.0.0.1", "1"], "sockscope: --json: not with -z (a scan's results are nc's lines)"),
                (["--json", "--pcap", "x.pcap", "127.0.0.1", "1"], "sockscope: --json: not with --pcap or --ladder, which need the screen"),
            ] {
                let run = try Child.run([Paths.sockscope] + arguments)
                #expect(run.code == 64 && run.child.stderrText.hasPrefix(message), "\(run.child.stderrText)")
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
