import Glibc
import Testing
import TestSupport

/// ncat's --send-only and --recv-only: only one direction of the session.
@Suite(.timeLimit(.minutes(1)))
struct OneWayTests {
    /// --send-only: what the server says is dropped; once our input has gone the connection
    /// closes, though the server would talk on.
    @Test func sendOnly() async throws {
        try await offPool { () throws in
            let (server, port) = try ncListener()
            server.write("server says\n")
            let us = try sockscope(["--send-only", "127.0.0.1", "\(port)"])
            us.write("hi\n")
            try server.waitForStdout(containing: "hi\n")
            us.closeStdin()
            #expect(try us.waitForExit(timeout: 20) == 0)
            #expect(us.stdoutText.isEmpty)
            #expect(try server.waitForExit(timeout: 20) == 0)  // our close ended nc -l
        }
    }

    /// --recv-only: standard input is not read; the server's words arrive.
    @Test func recvOnly() async throws {
        try await offPool { () throws in
            let (server, port) = try ncListener()
            let us = try sockscope(["--recv-only", "127.0.0.1", "\(port)"])
            us.write("never sent\n")
            server.write("server says\n")
            try us.waitForStdout(containing: "server says\n")
            server.closeStdin()
            server.signal(SIGTERM)
            _ = try server.waitForExit()
            #expect(try us.waitForExit(timeout: 20) == 0)
            #expect(!server.stdoutText.contains("never sent"))
        }
    }
}
