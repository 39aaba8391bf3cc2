import Glibc
import Testing
import TestSupport

/// --chat and --broker with five clients: each hears every other's line once, never its own;
/// --chat names the sender and announces arrivals.
@Suite(.timeLimit(.minutes(1)))
struct BrokerTests {
    @Test(arguments: ["--chat", "--broker"])
    func fiveClientsEachHearTheOthersOnce(mode: String) async throws {
        try await offPool { () throws in
            let (server, port) = try sockscopeListener([mode], stdin: .null)
            var clients: [Child] = []
            for _ in 0..<5 { clients.append(try Child(["nc", "127.0.0.1", "\(port)"])) }
            try server.wait(for: "five clients", timeout: 20) { $0.stderrText.components(separatedBy: "Connection received").count == 6 }
            for (index, client) in clients.enumerated() { client.write("line from client \(index)\n") }
            for (index, client) in clients.enumerated() {
                try client.wait(for: "the four others' lines", timeout: 20) { child in
                    (0..<5).filter { $0 != index }.allSatisfy { child.stdoutText.contains("line from client \($0)\n") }
                }
                let heard = client.stdoutText.split(separator: "\n")
                #expect(!heard.contains { $0.hasSuffix("line from client \(index)") }, "\(client.stdoutText)")
                for other in (0..<5) where other != index {
                    #expect(heard.filter { $0.hasSuffix("line from client \(other)") }.count == 1, "\(client.stdoutText)")
                }
                if mode == "--chat" {
                    #expect(heard.filter { $0.contains("line from client") }.allSatisfy { $0.hasPrefix("<user") }, "\(client.stdoutText)")
                }
            }
            // Each arrival is announced to those already there (4 + 3 + 2 + 1) with --chat, never with --broker.
            let announced = clients.reduce(0) { $0 + $1.stdoutText.components(separatedBy: "<announce> ").count - 1 }
            #expect(announced == (mode == "--chat" ? 10 : 0))
            for client in clients { client.closeStdin(); client.signal(SIGTERM) }
            for client in clients { _ = try client.waitForExit() }
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }
}
