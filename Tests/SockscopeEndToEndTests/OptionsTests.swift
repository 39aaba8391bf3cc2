import Glibc
import Testing
import TestSupport

/// -C, -i, -d, -s/-p, --hex-dump and the -v banners.
@Suite(.timeLimit(.minutes(4)))
struct OptionsTests {
    @Test func dashCSendsCRLF() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let us = try sockscope(["-C", "-N", "127.0.0.1", String(port)])
            us.write("GET / HTTP/1.0\n\n")
            us.closeStdin()
            #expect(try nc.waitForExit() == 0)
            #expect(nc.stdoutText == "GET / HTTP/1.0\r\n\r\n")
        }
    }

    @Test func dashIReleasesOneLinePerInterval() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(stdin: .null)
            let us = try sockscope(["-i", "0.3", "-N", "127.0.0.1", String(port)])
            let start = now()
            us.write("a\nb\nc\n")
            us.closeStdin()
            try nc.waitForStdout(containing: "a\nb\nc\n")
            // Three lines, two intervals between them at least.
            #expect(now() - start >= 0.55)
            #expect(try nc.waitForExit() == 0)
        }
    }

    @Test func dashDDoesNotReadStdin() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let us = try sockscope(["-d", "127.0.0.1", String(port)])
            us.write("must not be sent\n")
            // nc -N with empty input closes at once; we exit since we read no input.
            #expect(try us.waitForExit() == 0)
            #expect(try nc.waitForExit() == 0)
            #expect(nc.stdoutText.isEmpty)
        }
    }

    @Test func sourceAddressAndPort() async throws {
        try await offPool { () throws in
            let (nc, port) = try ncListener(["-N"], stdin: .null)
            let (probe, sourcePort) = try sockscopeListener([], stdin: .null)  // a free port to dial from
            probe.signal(SIGTERM)
            _ = try probe.waitForExit()
            let us = try sockscope(["-N", "-s", "127.0.0.2", "-p", String(sourcePort), "127.0.0.1", String(port)], stdin: .null)
            try nc.waitForStderrLine(containing: "Connection received on 127.0.0.2 \(sourcePort)")
            #expect(try us.waitForExit() == 0)
        }
    }

    @Test func hexDumpRecordsBothDirections() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let dump = scratch.file("dump.txt")
            let (nc, port) = try ncListener(["-N"])
            let us = try sockscope(["--hex-dump", dump, "-N", "127.0.0.1", String(port)])
            nc.write("pong\n")
            try us.waitForStdout(containing: "pong")
            us.write("ping\u{1b}\n")
            us.closeStdin()
            try nc.waitForStdout(containing: "ping")
            nc.closeStdin()
            #expect(try us.waitForExit() == 0)
            let text = String(decoding: readFile(dump), as: UTF8.self)
            #expect(text.contains("< 5 bytes received from 127.0.0.1:\(port)\n< 00000000  70 6f 6e 67 0a "))
            #expect(text.contains("> 6 bytes sent to 127.0.0.1:\(port)\n> 00000000  70 69 6e 67 1b 0a "))
            #expect(text.contains("|ping..|"))
        }
    }

    @Test func bannersUseNamesWithoutN() async throws {
        try await offPool { () throws in
            let us = try sockscope(["-l", "-v", "127.0.0.1", "0"])
            let line = try us.waitForStderrLine(containing: "Listening on")
            #expect(line.hasPrefix("Listening on localhost "))
            let port = try us.waitForPort()
            #expect(port != 0, "port 0 shows the port the kernel chose")
            let client = try sockscope(["-v", "-N", "localhost", String(port)], stdin: .null)
            try client.waitForStderrLine(containing: "Connection to localhost (")
            try us.waitForStderrLine(containing: "Connection received on localhost ")
            try client.waitForStderrLine(containing: "On end of input: shut down the write half (FIN)")
        }
    }

    /// Port 22 is `ssh` in /etc/services, so the line needs that port: a private namespace
    /// guarantees it is free (no sshd, no other test).
    @Test(.enabled(if: Namespace.available, "skipped: needs root (network namespaces)"))
    func serviceNamesInTheSuccessLine() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let listener = try Child(namespace.exec([Paths.sockscope, "-l", "-v", "-n", "127.0.0.1", "22"]), stdin: .null)
            try listener.waitForStderrLine(containing: "Listening on 127.0.0.1 22")
            let client = try Child(namespace.exec([Paths.sockscope, "-v", "-N", "127.0.0.1", "22"]), stdin: .null)
            try client.waitForStderrLine(containing: "Connection to 127.0.0.1 22 port [tcp/ssh] succeeded!")
        }
    }
}
