import Glibc
import Testing
import TestSupport

/// -k serves clients concurrently: every client is heard, stdin reaches every client.
@Suite(.timeLimit(.minutes(4)))
struct KeepListeningTests {
    @Test func twentyConcurrentClientsAllHeardAndAllReached() async throws {
        try await offPool { try twentyClients() }
    }

    func twentyClients() throws {
        let (us, port) = try sockscopeListener(["-k"])
        let clients = try (0..<20).map { _ in try Child(["nc", "127.0.0.1", String(port)]) }
        try us.wait(for: "20 connections") { child in
            child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection received on") }.count == 20
        }
        // All twenty are connected at the same time: each one's line arrives while all stay open.
        for (index, client) in clients.enumerated() { client.write("client \(index)\n") }
        try us.wait(for: "20 lines") { child in (0..<20).allSatisfy { child.stdoutText.contains("client \($0)\n") } }
        us.write("broadcast\n")
        for client in clients { try client.waitForStdout(containing: "broadcast") }
        #expect(!us.hasExited)
    }

    @Test func clientsComeAndGoTheServerStays() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-k"])
            for round in 0..<3 {
                let client = try Child(["nc", "-N", "127.0.0.1", String(port)])
                client.write("round \(round)\n")
                client.closeStdin()
                try us.waitForStdout(containing: "round \(round)\n")
                try us.waitForStderrLine(containing: "Connection closed: 127.0.0.1 ")
                _ = try client.waitForExit()
            }
            #expect(!us.hasExited)
        }
    }

    @Test func maxConnsClosesTheExtraConnectionAtOnce() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-k", "--max-conns", "2"])
            let held = try (0..<2).map { _ in try Child(["nc", "127.0.0.1", String(port)], stdin: .null) }
            try us.wait(for: "2 connections") { child in
                child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection received on") }.count == 2
            }
            // With its input at EOF, nc exits as soon as we close the connection.
            let extra = try Child(["nc", "127.0.0.1", String(port)], stdin: .null)
            try us.waitForStderrLine(containing: "closed: --max-conns 2 reached")
            #expect(try extra.waitForExit() == 0)
            #expect(held.allSatisfy { !$0.hasExited })
        }
    }

    @Test func dashNUnderKShutsDownEveryClientAfterInputEnds() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-k", "-N"])
            let clients = try (0..<3).map { _ in try Child(["nc", "127.0.0.1", String(port)], stdin: .null) }
            try us.wait(for: "3 connections") { child in
                child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection received on") }.count == 3
            }
            us.write("last words\n")
            us.closeStdin()
            for client in clients {
                #expect(try client.waitForExit() == 0)
                #expect(client.stdoutText == "last words\n")
            }
        }
    }
}
