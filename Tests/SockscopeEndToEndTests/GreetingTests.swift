import Glibc
import Testing
import TestSupport

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
