import Glibc
import Testing
import TestSupport

/// `sockscope send FILE` into `sockscope serve receive DIR` (issue 24): byte-exact, proved by
/// SHA-256 at both ends; every bad name refused; never an overwrite without --overwrite, never a
/// planted link followed; a file cut short removed or kept as NAME.part; the sender's verdict
/// against receivers that refuse or lie; progress only on standard error.
@Suite(.timeLimit(.minutes(2)), .enabled(if: Paths.which("python3") && Paths.which("sha256sum"), "skipped: needs python3 and sha256sum"))
struct FileSendTests {
    /// `serve receive` into `directory` on 127.0.0.1 port 0, and its port.
    static func receiver(_ directory: String, _ extra: [String] = []) throws -> (Child, UInt16) {
        try ServeTests.serve("receive", extra + [directory])
    }

    static func sha256(_ path: String) throws -> String {
        let (code, child) = try Child.run(["sha256sum", path])
        guard code == 0 else { throw Child.Failure(description: "sha256sum failed") }
        return String(child.stdoutText.prefix(64))
    }

    static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return bytes }
            bytes += chunk[..<n]
        }
    }

    /// A python receiver of our own making: `code` runs once `server` listens.
    static func fakeReceiver(_ code: String) throws -> (Child, UInt16) {
        try pythonPeer("""
            import socket, sys
            server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(1)
            print('Listening on 127.0.0.1', server.getsockname()[1], file=sys.stderr, flush=True)
            """ + "\n" + code)
    }

    static func entries(_ path: String) -> [String] {
        guard let stream = opendir(path) else { return ["(cannot open)"] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func write(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// A raw client in python: sends `request` (bytes literal), then prints every line answered.
    static func ask(_ port: UInt16, _ request: String, then: String = "c.shutdown(socket.SHUT_WR)") throws -> String {
        let client = try ServeTests.client(port, """
            c.sendall(\(request))
            \(then)
            data = b''
            while True:
                got = c.recv(65536)
                if not got: break
                data += got
            sys.stdout.write(data.decode('utf-8', 'replace'))
            """)
        _ = try client.waitForExit(timeout: 20)
        return client.stdoutText
    }

    @Test func aFileArrivesByteExactWithItsDigestComparedAtBothEnds() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("report one.bin")
            mkdir(directory, 0o755)
            try TLSTests.randomFile(source, bytes: 3 << 20 + 17)
            let digest = try Self.sha256(source)
            let (receiver, port) = try Self.receiver(directory)
            let send = try sockscope(["send", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try send.waitForExit(timeout: 30) == 0, "\(send.stderrText)")
            #expect(send.stdoutText.hasPrefix("sent report one.bin: \(3 << 20 + 17) bytes in ")
                    && send.stdoutText.hasSuffix(" s, SHA-256 \(digest), the receiver's the same\n"), "\(send.stdoutText)")
            #expect(send.stderrText.isEmpty, "no progress without a terminal: \(send.stderrText)")
            #expect(Self.contents(source) == Self.contents(directory + "/report one.bin"))
            #expect(!fileExists(directory + "/report one.bin.part"))
            try receiver.wait(for: "the receiver's line") { $0.stdoutText.contains("received report one.bin, \(3 << 20 + 17) bytes, SHA-256 \(digest)") }

            // --as, and --json: the name it goes under, and the result as an object.
            let renamed = try sockscope(["send", "--as", "copy.bin", "--json", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try renamed.waitForExit(timeout: 30) == 0, "\(renamed.stderrText)")
            #expect(renamed.stdoutText.contains("\"name\":\"copy.bin\"") && renamed.stdoutText.contains("\"sha256\":\"\(digest)\"")
                    && renamed.stdoutText.contains("\"verified\":true"), "\(renamed.stdoutText)")
            #expect(try Self.sha256(directory + "/copy.bin") == digest)

            // An empty file is a file too.
            let empty = scratch.file("empty")
            Self.write(empty, "")
            let none = try sockscope(["send", empty, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try none.waitForExit(timeout: 30) == 0, "\(none.stderrText)")
            #expect(Self.contents(directory + "/empty") == [])
            ServeTests.stop(receiver)
        }
    }

    @Test func everyBadNameAndRequestIsRefusedAndNothingIsWritten() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox")
            mkdir(directory, 0o755)
            let (receiver, port) = try Self.receiver(directory)
            let badNames = ["b'SEND 1 ../up\\nx'", "b'SEND 1 /etc/passwd\\nx'", "b'SEND 1 a/b\\nx'", "b'SEND 1 .\\nx'", "b'SEND 1 ..\\nx'",
                            "b'SEND 1 a\\x00b\\nx'", "b'SEND 1 a\\x1b[31mb\\nx'", "b'SEND 1 tab\\there\\nx'", "b'SEND 1 del\\x7f\\nx'",
                            "b'SEND 1 c1\\xc2\\x9b\\nx'", "b'SEND 1 \\xff\\xfe\\nx'", "b'SEND 1 ' + b'n' * 251 + b'\\nx'", "b'SEND 1 \\nx'"]
            for request in badNames {
                #expect(try Self.ask(port, request) == "NO bad name\n", "\(request)")
            }
            let badRequests = ["b'GET / HTTP/1.0\\r\\n\\r\\n'", "b'SEND -1 x\\n'", "b'SEND +1 x\\n'", "b'SEND 1000000000000000000 x\\n'",
                               "b'SEND  1 x\\n'", "b'SEND 1x\\n'", "b'send 1 x\\n'", "b'SEND ' + b'9' * 2000"]
            for request in badRequests {
                #expect(try Self.ask(port, request) == "NO bad request\n", "\(request)")
            }
            // A name that no disk holds: refused before a byte is written.
            #expect(try Self.ask(port, "b'SEND 999999999999999999 huge\\n'") == "NO no space\n")
            #expect(Self.entries(directory).isEmpty, "\(Self.entries(directory))")
            // A name as telnet and nc -C end it (\r\n) is still the name.
            #expect(try Self.ask(port, "b'SEND 2 crlf\\r\\nok'") == "OK\nSHA256 \(try Self.sha256Of("ok"))\n")
            #expect(Self.contents(directory + "/crlf") == Array("ok".utf8))
            try receiver.wait(for: "a refusal's line, escaped") { $0.stdoutText.contains("refused the request: bad name ('SEND 1 a\\x1b[31mb')") }
            ServeTests.stop(receiver)
        }
    }

    static func sha256Of(_ text: String) throws -> String {
        let (code, child) = try Child.run(["sh", "-c", "printf %s '\(text)' | sha256sum"])
        guard code == 0 else { throw Child.Failure(description: "sha256sum failed") }
        return String(child.stdoutText.prefix(64))
    }

    @Test func nothingIsOverwrittenWithoutOverwriteAndNoLinkIsFollowed() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("notes.txt"), outside = scratch.file("outside")
            mkdir(directory, 0o755)
            Self.write(source, "new content\n")
            Self.write(directory + "/notes.txt", "old content\n")
            Self.write(outside, "precious\n")
            symlink(outside, directory + "/linked")
            symlink(outside, directory + "/planted.part")
            mkdir(directory + "/adir", 0o755)
            let (receiver, port) = try Self.receiver(directory)
            let refused = try sockscope(["send", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try refused.waitForExit(timeout: 20) == 1)
            #expect(refused.stderrText == "sockscope: send: the receiver refused notes.txt: exists\n", "\(refused.stderrText)")
            #expect(Self.contents(directory + "/notes.txt") == Array("old content\n".utf8))
            // A link at the name is something there; a planted NAME.part is never written through.
            for name in ["linked", "planted", "adir"] {
                let run = try sockscope(["send", "--as", name, source, "127.0.0.1", "\(port)"], stdin: .null)
                #expect(try run.waitForExit(timeout: 20) == 1 && run.stderrText.hasSuffix(": exists\n"), "\(name): \(run.stderrText)")
            }
            #expect(Self.contents(outside) == Array("precious\n".utf8))
            ServeTests.stop(receiver)

            let (replacing, replacingPort) = try Self.receiver(directory, ["--overwrite"])
            for name in ["notes.txt", "linked", "planted"] {
                let run = try sockscope(["send", "--as", name, source, "127.0.0.1", "\(replacingPort)"], stdin: .null)
                #expect(try run.waitForExit(timeout: 20) == 0, "\(name): \(run.stderrText)")
                #expect(Self.contents(directory + "/" + name) == Array("new content\n".utf8))
            }
            var info = stat()
            #expect(lstat(directory + "/linked", &info) == 0 && info.st_mode & S_IFMT == S_IFREG, "the link itself is replaced")
            #expect(Self.contents(outside) == Array("precious\n".utf8), "never the file it pointed at")
            #expect(!fileExists(directory + "/planted.part"), "the planted link went, not what it named")
            // Never a directory, even with --overwrite.
            let dir = try sockscope(["send", "--as", "adir", source, "127.0.0.1", "\(replacingPort)"], stdin: .null)
            #expect(try dir.waitForExit(timeout: 20) == 1 && dir.stderrText.hasSuffix("refused adir: exists\n"), "\(dir.stderrText)")
            ServeTests.stop(replacing)
        }
    }

    @Test func aFileCutShortIsRemovedOrKeptAsPartAndSaidWhich() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox")
            mkdir(directory, 0o755)
            let (receiver, port) = try Self.receiver(directory)
            #expect(try Self.ask(port, "b'SEND 1000 cut\\n' + b'x' * 10") == "OK\nERR ended (the sender's FIN) after 10 of 1000 bytes; cut.part removed\n")
            #expect(Self.entries(directory).isEmpty, "\(Self.entries(directory))")
            // A second client asking for a name still arriving is told it is busy.
            let holder = try Child(["python3", "-u", "-c", """
                import socket, sys
                c = socket.create_connection(('127.0.0.1', \(port)))
                c.sendall(b'SEND 100 held\\nabc')
                print(c.recv(100).decode(), end='', flush=True)
                sys.stdin.readline()
                """], stdin: .pipe)
            try holder.waitForStdout(containing: "OK\n", timeout: 20)
            let second = try Self.ask(port, "b'SEND 5 held\\nhello'")
            #expect(second == "NO busy\n", "\(second)")
            holder.closeStdin()
            _ = try holder.waitForExit(timeout: 20)
            try receiver.wait(for: "the held transfer's end") { $0.stdoutText.contains("held: ended (") }
            ServeTests.stop(receiver)

            let (keeping, keepingPort) = try Self.receiver(directory, ["--keep-partial"])
            #expect(try Self.ask(keepingPort, "b'SEND 1000 cut\\n' + b'y' * 10") == "OK\nERR ended (the sender's FIN) after 10 of 1000 bytes; kept as cut.part\n")
            #expect(Self.contents(directory + "/cut.part") == Array(repeating: UInt8(ascii: "y"), count: 10))
            #expect(!fileExists(directory + "/cut"))
            // What is kept is not replaced by the next attempt without --overwrite.
            #expect(try Self.ask(keepingPort, "b'SEND 3 cut\\nabc'") == "NO exists\n")
            try keeping.wait(for: "the line that says it was kept") { $0.stdoutText.contains("cut: ended (the sender's FIN) after 10 of 1000 bytes; kept as cut.part") }
            ServeTests.stop(keeping)
        }
    }

    /// A disk that fills while a file arrives: the sender is told (ERR), the part removed. The
    /// receiver writes into a 1 MiB tmpfs of a mount namespace of its own; two transfers of
    /// 700,000 bytes are each accepted (free space checked when asked), the second cannot fit.
    @Test(.enabled(if: getuid() == 0 && Paths.which("unshare"), "skipped: needs root for a mount namespace"))
    func aDiskThatFillsMidwayIsToldAndThePartRemoved() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("small")
            mkdir(directory, 0o755)
            let receiver = try Child(["unshare", "-m", "sh", "-c",
                                      "mount -t tmpfs -o size=1m none '\(directory)' && exec \(Paths.sockscope) serve receive -n '\(directory)' 127.0.0.1 0"],
                                     stdin: .null)
            defer { ServeTests.stop(receiver) }
            var port: UInt16 = 0
            try receiver.wait(for: "the readiness line") { child in
                guard let line = child.stdoutText.split(separator: "\n").first, line.hasPrefix("Serving receive on 127.0.0.1 ") else { return false }
                port = line.split(separator: " ").dropFirst(4).first.flatMap { UInt16($0.dropLast()) } ?? 0
                return port != 0
            }
            let both = try Child(["python3", "-u", "-c", """
                import socket
                def ask(name):
                    c = socket.create_connection(('127.0.0.1', \(port)))
                    c.sendall(b'SEND 700000 ' + name + b'\\n')
                    assert c.recv(100) == b'OK\\n'
                    return c
                def finish(c):
                    try:
                        c.sendall(b'z' * 700000); c.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    data = b''
                    while True:
                        got = c.recv(65536)
                        if not got: break
                        data += got
                    print(data.decode(), end='', flush=True)
                a, b = ask(b'a'), ask(b'b')
                finish(a); finish(b)
                """], stdin: .null)
            #expect(try both.waitForExit(timeout: 30) == 0, "\(both.stderrText)")
            let lines = both.stdoutText.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("SHA256 ")
                    && lines[1] == "ERR write failed: No space left on device; b.part removed", "\(both.stdoutText)")
            try receiver.wait(for: "the receiver's line") { $0.stdoutText.contains("b: write failed: No space left on device; b.part removed") }
        }
    }

    /// The sender's verdict comes from the digests: a receiver that refuses, fails or answers
    /// another digest makes it exit 1, saying so.
    @Test func theSenderTrustsOnlyAMatchingDigest() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let source = scratch.file("data")
            Self.write(source, "twelve bytes")
            for (answer, said) in [("b'SHA256 ' + b'0' * 64 + b'\\n'", "arrived changed: SHA-256 \(String(repeating: "0", count: 64)) there"),
                                   ("b'ERR disk on fire\\n'", "the receiver failed after 12 of 12 bytes: disk on fire"),
                                   ("b''", "the receiver closed without an answer")] {
                let (peer, port) = try Self.fakeReceiver("""
                    conn, _ = server.accept()
                    f = conn.makefile('rb')
                    f.readline(); conn.sendall(b'OK\\n'); f.read(12); conn.sendall(\(answer)); conn.close()
                    """)
                let send = try sockscope(["send", source, "127.0.0.1", "\(port)"], stdin: .null)
                #expect(try send.waitForExit(timeout: 20) == 1)
                #expect(send.stderrText.contains(said) && send.stdout.isEmpty, "\(send.stderrText)")
                _ = try? peer.waitForExit(timeout: 10)
            }
            let (refusing, port) = try Self.fakeReceiver("conn, _ = server.accept(); conn.recv(100); conn.sendall(b'NO no space\\n'); conn.close()")
            let send = try sockscope(["send", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try send.waitForExit(timeout: 20) == 1)
            #expect(send.stderrText == "sockscope: send: the receiver refused data: no space\n", "\(send.stderrText)")
            _ = try? refusing.waitForExit(timeout: 10)
        }
    }

    @Test func badFilesAndNamesAreRefusedBeforeDialing() async throws {
        let scratch = Scratch()
        mkfifo(scratch.file("fifo"), 0o644)
        // Port 9: nothing is dialed, so nothing need listen.
        let fifo = try await Child.finish([Paths.sockscope, "send", scratch.file("fifo"), "127.0.0.1", "9"])
        #expect(fifo.code == 1 && fifo.stderrText.contains("not a regular file"), "\(fifo.stderrText)")
        let missing = try await Child.finish([Paths.sockscope, "send", scratch.file("nope"), "127.0.0.1", "9"])
        #expect(missing.code == 1 && missing.stderrText.contains("No such file or directory"), "\(missing.stderrText)")
        Self.write(scratch.file("f"), "x")
        let named = try await Child.finish([Paths.sockscope, "send", "--as", "../f", scratch.file("f"), "127.0.0.1", "9"])
        #expect(named.code == 1 && named.stderrText.contains("'../f' is not a plain file name"), "\(named.stderrText)")
        let port = try await Child.finish([Paths.sockscope, "send", scratch.file("f"), "127.0.0.1", "70000"])
        #expect(port.code == 64, "\(port.stderrText)")
    }

    /// --tls at both ends: the transfer inside TLS, the receiver's certificate verified; a plain
    /// sender or an unverified certificate fails with its reason, and the receiver says so.
    @Test(.enabled(if: Paths.which("openssl"), "skipped: needs openssl"))
    func aTransferInsideTLS() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("secret.bin")
            mkdir(directory, 0o755)
            try TLSTests.randomFile(source, bytes: 2 << 20)
            let cert = try TLSTests.certificate(in: scratch)
            let (receiver, port) = try Self.receiver(directory, ["--tls", "--tls-cert", cert.cert, "--tls-key", cert.key])
            defer { ServeTests.stop(receiver) }
            let send = try sockscope(["send", "--tls", "--tls-ca", cert.cert, source, "localhost", "\(port)"], stdin: .null)
            #expect(try send.waitForExit(timeout: 30) == 0, "\(send.stderrText)")
            #expect(send.stdoutText.contains("SHA-256 \(try Self.sha256(source)), the receiver's the same"), "\(send.stdoutText)")
            #expect(Self.contents(source) == Self.contents(directory + "/secret.bin"))
            let unverified = try sockscope(["send", "--tls", "--as", "other", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try unverified.waitForExit(timeout: 30) == 1)
            #expect(unverified.stderrText.hasPrefix("sockscope: send: TLS: certificate verification failed"), "\(unverified.stderrText)")
            let plain = try sockscope(["send", "--as", "other", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try plain.waitForExit(timeout: 30) == 1 && plain.stderrText.hasPrefix("sockscope: send: "), "\(plain.stderrText)")
            #expect(!fileExists(directory + "/other") && !fileExists(directory + "/other.part"))
            try receiver.wait(for: "the refused handshakes said") { $0.stdoutText.split(separator: "\n").filter { $0.contains("TLS") }.count >= 2 }
        }
    }

    /// -x: the file through proxies (SOCKS5, HTTP CONNECT; TLS inside the tunnel), each proxy
    /// line saying what it carried; a bad proxy option is a usage error.
    @Test func aTransferThroughAProxy() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("via.bin")
            mkdir(directory, 0o755)
            try TLSTests.randomFile(source, bytes: 1 << 20)
            let (receiver, port) = try Self.receiver(directory, ["--tls"])
            defer { ServeTests.stop(receiver) }
            let (proxy, proxyPort) = try ProxyServerTests.proxy()
            defer { proxy.signal(SIGTERM) }
            for (name, extra) in [("socks.bin", ["-X", "5"]), ("connect.bin", ["-X", "connect"])] {
                let send = try sockscope(["send", "-x", "127.0.0.1:\(proxyPort)"] + extra
                                         + ["--tls", "--tls-no-verify", "--as", name, source, "127.0.0.1", "\(port)"], stdin: .null)
                #expect(try send.waitForExit(timeout: 30) == 0, "\(name): \(send.stderrText)")
                #expect(Self.contents(directory + "/" + name) == Self.contents(source))
            }
            try proxy.wait(for: "both tunnels' lines") { child in
                child.stdoutText.contains("SOCKS5: ") && child.stdoutText.contains("HTTP CONNECT: ")
                    && child.stdoutText.split(separator: "\n").filter { $0.hasSuffix(", finished") }.count == 2
            }
            let bad = try Child.run([Paths.sockscope, "send", "-x", "127.0.0.1:1", "-X", "7", source, "127.0.0.1", "\(port)"])
            #expect(bad.code == 64 && bad.child.stderrText.contains("-X: 4, 4a, 5 or connect"), "\(bad.child.stderrText)")
        }
    }

    /// In a terminal the receiver is the screen: each client listed with its file and how it
    /// ended; the request and the digest in the conversation, the file's content counted, not shown.
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
    func theReceiversScreenNamesEachFileAndKeepsItsContentOut() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("letter.txt")
            mkdir(directory, 0o755)
            Self.write(source, String(repeating: "private words of the letter\n", count: 2000))
            let tmux = try Tmux("\(Paths.sockscope) serve receive \(directory) 127.0.0.1 0", columns: 120, rows: 32)
            let port = try tmux.listenerPort()
            let send = try sockscope(["send", source, "127.0.0.1", port], stdin: .null)
            #expect(try send.waitForExit(timeout: 30) == 0, "\(send.stderrText)")
            let screen = try tmux.wait(for: "the client's line in the list") { $0.contains("(client 1 of receive: letter.txt, received whole)") }
            #expect(screen.contains("← SEND 56000 letter.txt") && screen.contains("→ SHA256 "), "\(screen)")
            #expect(!screen.contains("private words"), "\(screen)")
            #expect(screen.contains("in 54.7 KiB"), "\(screen)")
        }
    }

    /// Progress is drawn on a terminal's standard error, redrawn in place, and never reaches
    /// standard output; without a terminal, only --progress draws it (a line at a time).
    @Test(.enabled(if: Paths.which("tmux"), "skipped: needs tmux"))
    func progressOnlyOnStandardErrorAndOnlyWhenAsked() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let directory = scratch.file("inbox"), source = scratch.file("big"), result = scratch.file("result")
            mkdir(directory, 0o755)
            try TLSTests.randomFile(source, bytes: 8 << 20)
            let (receiver, port) = try Self.receiver(directory)
            let tmux = try Tmux("\(Paths.sockscope) send \(source) 127.0.0.1 \(port) > \(result)")
            let screen = try tmux.wait(for: "the finished progress line") { $0.contains("EXIT=") }
            #expect(screen.contains("8.0 MiB of 8.0 MiB (100%)"), "\(screen)")
            #expect(screen.contains("EXIT=0"), "\(screen)")
            let written = String(decoding: Self.contents(result) ?? [], as: UTF8.self)
            #expect(written.hasPrefix("sent big: 8388608 bytes") && !written.contains("%") && written.split(separator: "\n").count == 1, "\(written)")

            let piped = try sockscope(["send", "--progress", "--as", "big2", source, "127.0.0.1", "\(port)"], stdin: .null)
            #expect(try piped.waitForExit(timeout: 30) == 0)
            let last = piped.stderrText.split(separator: "\n").last ?? ""
            #expect(last.hasPrefix("8.0 MiB of 8.0 MiB (100%), ") && last.contains("/s, in ") && piped.stderrText.hasSuffix("\n"),
                    "\(piped.stderrText)")
            #expect(!piped.stderrText.contains("\r") && !piped.stdoutText.contains("%"), "\(piped.stderrText)")
            ServeTests.stop(receiver)
        }
    }
}
