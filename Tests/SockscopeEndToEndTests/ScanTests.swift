import Glibc
import Testing
import TestSupport

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
