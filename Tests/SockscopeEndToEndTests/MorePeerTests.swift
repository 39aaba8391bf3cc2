import Glibc
import Testing
import TestSupport

/// socat and nc as the other end of datagram and IPv6 sessions, in both directions.
@Suite(.timeLimit(.minutes(4)))
struct MorePeerTests {
    @Test func socatUDPClientToOurListener() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-u"])
            let socat = try Child(["socat", "-", "UDP:127.0.0.1:\(port)"])
            socat.write("via socat\n")
            try us.waitForStdout(containing: "via socat")
            us.write("answer\n")
            try socat.waitForStdout(containing: "answer")
        }
    }

    @Test func unixDatagramWithSocatAsTheClient() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let server = scratch.file("srv.sock"), client = scratch.file("cli.sock")
            let us = try sockscope(["-l", "-v", "-u", "-U", server])
            try us.waitForStderrLine(containing: "Bound on \(server)")
            let socat = try Child(["socat", "-", "UNIX-SENDTO:\(server),bind=\(client)"])
            socat.write("dgram via socat\n")
            try us.waitForStdout(containing: "dgram via socat")
            try us.waitForStderrLine(containing: "Connection received on \(client)")
            us.write("back to socat\n")
            try socat.waitForStdout(containing: "back to socat")
        }
    }

    @Test func unixDatagramClientToNcServer() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let server = scratch.file("nc.sock")
            let nc = try Child(["nc", "-l", "-u", "-U", server])
            try nc.wait(for: "nc's socket file") { _ in fileExists(server) }
            let us = try sockscope(["-u", "-U", "-s", scratch.file("own.sock"), server])
            us.write("to nc\n")
            try nc.waitForStdout(containing: "to nc")
            nc.write("from nc\n")
            try us.waitForStdout(containing: "from nc")
        }
    }

    @Test func ipv6DialToNc() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N", "-6"], host: "::1")
            let us = try sockscope(["-6", "-N", "::1", String(port)])
            try expectConversation(us, nc)
        }
    }
}
