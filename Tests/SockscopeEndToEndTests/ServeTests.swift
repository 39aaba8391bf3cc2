import Glibc
import Testing
import TestSupport

/// `sockscope serve NAME`: each practice peer does what its name says, tested with nc and
/// python on loopback; `sockscope serve` alone lists them, a line each.
@Suite(.timeLimit(.minutes(2)), .enabled(if: Paths.which("python3"), "skipped: needs python3"))
struct ServeTests {
    /// The peer on 127.0.0.1 port 0, and the port its readiness line names.
    static func serve(_ name: String, _ extra: [String] = []) throws -> (Child, UInt16) {
        let child = try sockscope(["serve", name, "-n"] + extra + ["127.0.0.1", "0"], stdin: .null)
        var port: UInt16?
        try child.wait(for: "the readiness line") { child in
            guard let line = child.stdoutText.split(separator: "\n").first, line.hasPrefix("Serving \(name) on 127.0.0.1 ") else { return false }
            port = line.split(separator: " ").dropFirst(4).first.flatMap { UInt16($0.dropLast()) }
            return port != nil
        }
        return (child, port ?? 0)
    }

    /// A python client: `code` runs with `c` connected to the peer and prints what the test checks.
    static func client(_ port: UInt16, _ code: String) throws -> Child {
        try Child(["python3", "-u", "-c", "import socket, sys, time\nc = socket.create_connection(('127.0.0.1', \(port)))\n" + code], stdin: .null)
    }

    static func stop(_ child: Child) {
        child.signal(SIGTERM)
        _ = try? child.waitForExit()
    }

    @Test func listsThePeersALineEach() async throws {
        let run = try await Child.finish([Paths.sockscope, "serve"])
        #expect(run.code == 0)
        let names = run.stdoutText.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names == ["echo", "discard", "daytime", "chargen", "random", "slow", "reset", "halfclose", "receive"])
        let bad = try await Child.finish([Paths.sockscope, "serve", "gopher", "0"])
        #expect(bad.code == 64 && bad.stderrText.contains("no peer named 'gopher'"), "\(bad.stderrText)")
    }

    @Test func echoDiscardAndDaytime() async throws {
        try await offPool { () throws in
            let (echo, echoPort) = try Self.serve("echo")
            let scratch = Scratch()
            let sent = scratch.file("sent"), back = scratch.file("back")
            try TLSTests.randomFile(sent, bytes: 4 << 20)
            let nc = try Child(["nc", "-N", "127.0.0.1", "\(echoPort)"], stdin: .file(sent), stdout: .file(back))
            #expect(try nc.waitForExit(timeout: 30) == 0)
            #expect(Child.runQuietly(["cmp", sent, back]) == 0)
            try echo.wait(for: "the client's line") { $0.stdoutText.contains("\(4 << 20) bytes in, \(4 << 20) out") }
            Self.stop(echo)

            let (discard, discardPort) = try Self.serve("discard")
            let quiet = try Child(["nc", "-N", "127.0.0.1", "\(discardPort)"], stdin: .file(sent))
            #expect(try quiet.waitForExit(timeout: 30) == 0)
            #expect(quiet.stdout.isEmpty)
            try discard.wait(for: "the client's line") { $0.stdoutText.contains("\(4 << 20) bytes in, 0 out") }
            Self.stop(discard)

            let (daytime, daytimePort) = try Self.serve("daytime")
            let asked = try Child(["nc", "127.0.0.1", "\(daytimePort)"], stdin: .null)
            #expect(try asked.waitForExit(timeout: 20) == 0)
            // `Monday, December 7, 2026 05:43:11 UTC`, then the server's close.
            let line = asked.stdoutText
            #expect(line.hasSuffix(" UTC\r\n") && line.split(separator: " ").count == 6 && line.contains(", 20"), "\(line)")
            Self.stop(daytime)
        }
    }

    @Test func chargenAndRandom() async throws {
        try await offPool { () throws in
            let (chargen, port) = try Self.serve("chargen")
            let reader = try Self.client(port, """
                data = b''
                while len(data) < 2 * 74 * 100:
                    data += c.recv(65536)
                lines = data.split(b'\\r\\n')[:100]
                print(all(len(l) == 72 for l in lines), lines[0][:3].decode(), lines[1][:3].decode())
                """)
            try reader.waitForStdout(containing: "\n", timeout: 20)
            #expect(reader.stdoutText == "True !\"# \"#$\n", "\(reader.stdoutText)")
            _ = try reader.waitForExit(timeout: 20)
            // The client gone, the peer says so and goes on serving.
            try chargen.wait(for: "the client's end", timeout: 20) { $0.stdoutText.contains("#1 127.0.0.1 ") && $0.stdoutText.contains(" out, ") }
            Self.stop(chargen)

            let (random, randomPort) = try Self.serve("random")
            let asker = try Self.client(randomPort, """
                f = c.makefile('rwb')
                got = []
                for i in range(5):
                    f.write(b'another, please\\n'); f.flush()
                    got.append(int(f.readline()))
                print(len(got), len(set(got)) > 1, all(0 <= n < 2**32 for n in got))
                """)
            try asker.waitForStdout(containing: "\n", timeout: 20)
            #expect(asker.stdoutText == "5 True True\n", "\(asker.stdoutText)")
            Self.stop(random)
        }
    }

    /// reset: the client's first read says ECONNRESET; halfclose: a line, then EOF while the
    /// client can still send, and the server reads it all until the client's FIN.
    @Test func resetAndHalfClose() async throws {
        try await offPool { () throws in
            let (reset, port) = try Self.serve("reset")
            // Whether the RST comes before the send (which then fails) or after (the read
            // fails), the client is told of the reset: no pause needed.
            let victim = try Self.client(port, """
                try:
                    c.sendall(b'hello'); c.recv(10); print('no reset')
                except ConnectionResetError:
                    print('reset')
                """)
            try victim.waitForStdout(containing: "\n", timeout: 20)
            #expect(victim.stdoutText == "reset\n")
            try reset.wait(for: "the line") { $0.stdoutText.contains("reset by us") }
            Self.stop(reset)

            let (half, halfPort) = try Self.serve("halfclose")
            let talker = try Self.client(halfPort, """
                f = c.makefile('rb')
                first = f.readline()
                rest = f.read()
                c.sendall(b'x' * 100000)
                c.shutdown(socket.SHUT_WR)
                print(first.startswith(b'halfclose:'), rest == b'')
                """)
            try talker.waitForStdout(containing: "\n", timeout: 20)
            #expect(talker.stdoutText == "True True\n", "\(talker.stdoutText)")
            try half.wait(for: "the line") { $0.stdoutText.contains("100000 bytes in, ") && $0.stdoutText.contains(", finished") }
            Self.stop(half)
        }
    }

    /// slow: it reads a little every 200 ms, so 3 MB take several of its rounds (a lower bound:
    /// a busy machine only makes it slower), and every byte is read.
    @Test func slowReadsSlowly() async throws {
        try await offPool { () throws in
            let (slow, port) = try Self.serve("slow")
            let scratch = Scratch()
            let sent = scratch.file("sent")
            try TLSTests.randomFile(sent, bytes: 3_000_000)
            let start = now()
            let nc = try Child(["nc", "-N", "127.0.0.1", "\(port)"], stdin: .file(sent))
            #expect(try nc.waitForExit(timeout: 60) == 0)
            try slow.wait(for: "the line", timeout: 30) { $0.stdoutText.contains("3000000 bytes in, 0 out") }
            #expect(now() - start >= 0.4)
            Self.stop(slow)
        }
    }

    /// --tls: any peer behind TLS (here echo, answered through sockscope's own TLS client).
    @Test func aPeerOverTLS() async throws {
        try await offPool { () throws in
            let (echo, port) = try Self.serve("echo", ["--tls"])
            defer { Self.stop(echo) }
            #expect(echo.stdoutText.contains("; over TLS, certificate SHA-256 ") && echo.stdoutText.contains("(temporary, self-signed, CN=sockscope)"))
            let client = try sockscope(["-N", "--tls", "--tls-no-verify", "127.0.0.1", "\(port)"])
            client.write("through TLS and back\n")
            client.closeStdin()
            #expect(try client.waitForExit(timeout: 20) == 0, "\(client.stderrText)")
            #expect(client.stdoutText == "through TLS and back\n")
        }
    }
}
