import Testing
import TestSupport

/// Bytes pass unchanged in both directions, against real nc and socat peers.
@Suite(.timeLimit(.minutes(4)))
struct TransferTests {
    @Test func dialsNcAndBothDirectionsArrive() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"])
            let us = try sockscope(["-N", "127.0.0.1", String(port)])
            try expectConversation(us, nc)
        }
    }

    @Test func listensForNcAndReportsTheClient() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-N"])
            let nc = try Child(["nc", "-N", "127.0.0.1", String(port)])
            try us.waitForStderrLine(containing: "Connection received on 127.0.0.1 ")
            nc.write("hello\n")
            us.write("welcome\n")
            try us.waitForStdout(containing: "hello")
            try nc.waitForStdout(containing: "welcome")
            nc.closeStdin()
            us.closeStdin()
            #expect(try us.waitForExit() == 0)
            #expect(try nc.waitForExit() == 0)
        }
    }

    /// 64 MiB of random bytes each way at once, compared byte for byte: the listener's stdin is a
    /// file and its stdout a file (splice through a private pipe), the peer is nc.
    @Test func sixtyFourMiBEachWayWithNc() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let (a, b) = makePayloads(scratch, size: 64 << 20, seeds: (1, 2))
            let (us, port) = try sockscopeListener(["-N"], stdin: .file(scratch.file("a")), stdout: .file(scratch.file("b.out")))
            let nc = try Child(["sh", "-c", "cat \(scratch.file("b")) | nc -N 127.0.0.1 \(port) > \(scratch.file("a.out"))"], stdin: .null)
            #expect(try us.waitForExit(timeout: 60) == 0)
            #expect(try nc.waitForExit(timeout: 60) == 0)
            #expect(readFile(scratch.file("a.out")) == a)
            #expect(readFile(scratch.file("b.out")) == b)
        }
    }

    /// The same with socat on the other end, sockscope dialing, and stdout a pipe (splice into it).
    @Test func sixtyFourMiBEachWayWithSocat() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let (a, b) = makePayloads(scratch, size: 64 << 20, seeds: (3, 4))
            let (socat, port) = try socatListener("TCP-LISTEN:0,bind=127.0.0.1",
                                                  "SYSTEM:'cat \(scratch.file("b")) & cat > \(scratch.file("a.out")); wait'",
                                                  stdin: .null)
            let us = try Child(["sh", "-c", "cat \(scratch.file("a")) | \(Paths.sockscope) -N 127.0.0.1 \(port) | cat > \(scratch.file("b.out"))"], stdin: .null)
            #expect(try us.waitForExit(timeout: 60) == 0)
            #expect(try socat.waitForExit(timeout: 60) == 0)
            #expect(readFile(scratch.file("a.out")) == a)
            #expect(readFile(scratch.file("b.out")) == b)
        }
    }

    @Test func binaryNulsAndPartialLinesPassUnchanged() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let us = try sockscope(["-N", "127.0.0.1", String(port)])
            let bytes: [UInt8] = [0, 1, 2, 0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0xFE, 0x0D, 0x0A, 0x00, 0x41]
            us.write(bytes)
            us.closeStdin()
            #expect(try nc.waitForExit() == 0)
            #expect(nc.stdout == bytes)
            #expect(try us.waitForExit() == 0)
        }
    }

    @Test func ipv6WithSocat() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-6"], host: "::1")
            let socat = try Child(["socat", "-", "TCP6:[::1]:\(port),shut-down"])
            try us.waitForStderrLine(containing: "Connection received on ::1 ")
            socat.write("over v6\n")
            socat.closeStdin()
            try us.waitForStdout(containing: "over v6")
            us.closeStdin()
            #expect(try us.waitForExit() == 0)
            #expect(try socat.waitForExit() == 0)
        }
    }
}
