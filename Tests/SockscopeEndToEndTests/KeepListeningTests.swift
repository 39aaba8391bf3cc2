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

/// The README's example: `echo hi | sockscope -l -k -N 8080` greets every client — those that
/// come one after another once input has ended, and several at once.
@Suite(.timeLimit(.minutes(4)))
struct GreetingTests {
    @Test func everyClientIsGreetedWithTheWholeInput() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-k", "-N"])
            us.write("hi\nthere\n")
            us.closeStdin()
            for _ in 0..<3 {
                let client = try Child(["nc", "127.0.0.1", String(port)], stdin: .null)
                #expect(try client.waitForExit() == 0)
                #expect(client.stdoutText == "hi\nthere\n")
            }
            let together = try (0..<4).map { _ in try Child(["nc", "127.0.0.1", String(port)], stdin: .null) }
            for client in together {
                #expect(try client.waitForExit() == 0)
                #expect(client.stdoutText == "hi\nthere\n")
            }
            #expect(!us.hasExited)
        }
    }

    /// While input is still open, a client that joins late hears what is said from then on (a
    /// -k chat does not replay its history).
    @Test func whileInputIsOpenLateClientsHearWhatFollows() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-k"])
            let first = try Child(["nc", "127.0.0.1", String(port)])
            try us.waitForStderrLine(containing: "Connection received")
            us.write("before\n")
            try first.waitForStdout(containing: "before\n")
            let late = try Child(["nc", "127.0.0.1", String(port)])
            try us.wait(for: "the second client") { child in
                child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection received") }.count == 2
            }
            us.write("after\n")
            try late.waitForStdout(containing: "after\n")
            #expect(late.stdoutText == "after\n")
        }
    }
}

/// -z: ports as N, N-M or lists; exit 0 if any is open; -v in nc's words.
@Suite(.timeLimit(.minutes(4)))
struct ScanTests {
    @Test func openAndClosedPorts() async throws {
        try await offPool { () throws in
            let (nc, open) = try ncListener(stdin: .null)
            let closed = try closedPort()
            let result = try Child.run([Paths.sockscope, "-z", "-v", "-n", "127.0.0.1", "\(closed),\(open)"])
            #expect(result.code == 0)
            #expect(result.child.stderrText == """
                sockscope: connect to 127.0.0.1 port \(closed) (tcp) failed: Connection refused
                Connection to 127.0.0.1 \(open) port [tcp/*] succeeded!

                """)
            nc.signal(SIGTERM)
        }
    }

    @Test func allClosedExitsOneQuietlyWithoutV() async throws {
        try await offPool { () throws in
            let closed = try closedPort()
            let result = try Child.run([Paths.sockscope, "-z", "127.0.0.1", "\(closed)-\(closed)"])
            #expect(result.code == 1)
            #expect(result.child.stderrText.isEmpty && result.child.stdoutText.isEmpty)
        }
    }

    @Test func udpScanSeesThePortUnreachable() async throws {
        try await offPool { () throws in
            let closed = try closedPort()
            let result = try Child.run([Paths.sockscope, "-z", "-u", "-v", "127.0.0.1", String(closed)])
            #expect(result.code == 1)
            #expect(result.child.stderrText.contains("port \(closed) (udp) failed: Connection refused"))
        }
    }

    /// A port that was just bound and released, so nothing listens on it.
    func closedPort() throws -> UInt16 {
        let (listener, port) = try sockscopeListener([], stdin: .null)
        listener.signal(SIGTERM)
        _ = try listener.waitForExit()
        return port
    }
}
