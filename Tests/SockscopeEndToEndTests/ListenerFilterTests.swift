import Glibc
import Testing
import TestSupport

/// --allow and --deny on a -k listener, with clients from several loopback addresses: the ones
/// refused are closed at once and told under -v; the others served.
@Suite(.timeLimit(.minutes(1)))
struct ListenerFilterTests {
    @Test func aDeniedPrefixAndAnAllowList() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let denied = scratch.file("denied.txt")
            writeFile(denied, Array("# clients we do not serve\n127.0.0.4/31\n".utf8))
            let (server, port) = try sockscopeListener(["-k", "--allow", "127.0.0.0/8", "--deny-file", denied], host: "127.0.0.2",
                                                       stdin: .null)
            for (source, served) in [("127.0.0.3", true), ("127.0.0.4", false), ("127.0.0.5", false), ("127.0.0.6", true)] {
                let client = try Child(["nc", "-N", "-s", source, "127.0.0.2", "\(port)"])
                client.write("from \(source)\n")
                client.closeStdin()
                #expect(try client.waitForExit(timeout: 20) == 0)
                if served {
                    try server.waitForStdout(containing: "from \(source)\n")
                } else {
                    try server.waitForStderrLine(containing: "Connection from \(source) ")
                }
            }
            #expect(!server.stdoutText.contains("127.0.0.4") && !server.stdoutText.contains("127.0.0.5"))
            #expect(server.stderrText.contains("refused: not allowed (--allow, --deny)"))
            server.signal(SIGTERM)
            _ = try server.waitForExit()
        }
    }
}
