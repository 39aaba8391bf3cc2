import Glibc
import Testing
import TestSupport

/// Unix sockets: stream and datagram, file-system and abstract names.
@Suite(.timeLimit(.minutes(4)))
struct UnixSocketTests {
    @Test func streamListenerWithNcClient() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("s.sock")
            let us = try sockscope(["-l", "-v", "-U", path])
            try us.waitForStderrLine(containing: "Listening on \(path)")
            let nc = try Child(["nc", "-N", "-U", path])
            try us.waitForStderrLine(containing: "Connection received on \(path)")
            nc.write("over unix\n")
            nc.closeStdin()
            try us.waitForStdout(containing: "over unix")
            us.closeStdin()
            #expect(try us.waitForExit() == 0)
            #expect(!fileExists(path), "the listener removes its own socket file")
        }
    }

    @Test func streamDialToSocat() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("d.sock")
            let socat = try Child(["socat", "-d", "-d", "UNIX-LISTEN:\(path)", "-"])
            try socat.waitForStderrLine(containing: "listening on")
            let us = try sockscope(["-N", "-U", path])
            us.write("to socat\n")
            us.closeStdin()
            try socat.waitForStdout(containing: "to socat")
            socat.write("back\n")
            socat.closeStdin()
            try us.waitForStdout(containing: "back")
            #expect(try us.waitForExit() == 0)
        }
    }

    @Test func datagramBothWaysWithATemporaryClientSocket() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("g.sock")
            let server = try sockscope(["-l", "-v", "-u", "-U", path])
            try server.waitForStderrLine(containing: "Bound on \(path)")
            let client = try sockscope(["-u", "-U", path])
            client.write("dgram\n")
            try server.waitForStdout(containing: "dgram")
            server.write("reply\n")
            try client.waitForStdout(containing: "reply")
            let temporary = try #require(server.stderrText.split(separator: "\n")
                .first(where: { $0.hasPrefix("Connection received on /tmp/sockscope.") })?
                .split(separator: " ").last.map(String.init))
            #expect(fileExists(temporary))
            client.signal(SIGTERM)
            #expect(try client.waitForExit() == 128 + SIGTERM)
            #expect(!fileExists(temporary), "the client's temporary socket is removed on SIGTERM")
        }
    }

    @Test func abstractNames() async throws {
        try await offPool { () throws in
            let name = "@sockscope-test-\(getpid())-\(Int(now() * 1000) % 100000)"
            let us = try sockscope(["-l", "-v", "-U", name])
            try us.waitForStderrLine(containing: "Listening on \(name)")
            let client = try sockscope(["-N", "-U", name])
            client.write("abstract\n")
            client.closeStdin()
            try us.waitForStdout(containing: "abstract")
            #expect(try client.waitForExit() == 0)
        }
    }

    /// nc -lU unlinks whatever is at the path; sockscope refuses to touch a non-socket.
    @Test func neverRemovesAFileThatIsNotASocket() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("precious.txt")
            writeFile(path, Array("keep me\n".utf8))
            let listen = try Child.run([Paths.sockscope, "-l", "-U", path])
            #expect(listen.code == 1)
            #expect(listen.child.stderrText == "sockscope: \(path): exists and is not a socket; not removing it\n")
            let dial = try Child.run([Paths.sockscope, "-U", path])
            #expect(dial.code == 1)
            #expect(dial.child.stderrText == "sockscope: \(path): not a socket\n")
            #expect(readFile(path) == Array("keep me\n".utf8))
        }
    }

    @Test func replacesAStaleSocketButNotALiveOne() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("stale.sock")
            let first = try sockscope(["-l", "-v", "-U", path])
            try first.waitForStderrLine(containing: "Listening on")
            let busy = try Child.run([Paths.sockscope, "-l", "-U", path])
            #expect(busy.code == 1 && busy.child.stderrText == "sockscope: \(path): Address already in use\n")
            #expect(!first.hasExited, "checking for a live server must not connect to it")
            first.signal(SIGKILL)  // leaves its socket file behind, stale
            _ = try first.waitForExit()
            #expect(fileExists(path))
            let second = try sockscope(["-l", "-v", "-U", path])
            try second.waitForStderrLine(containing: "Listening on \(path)")
        }
    }

    /// A live server in another network namespace is not listed in our /proc/net/unix; its
    /// socket must not be taken for stale and removed.
    @Test(.enabled(if: Namespace.available, "skipped: needs root (network namespaces)"))
    func liveServerInAnotherNamespaceIsKept() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let path = scratch.file("elsewhere.sock")
            let namespace = try Namespace()
            let server = try Child(namespace.exec([Paths.sockscope, "-l", "-v", "-U", path]))
            try server.waitForStderrLine(containing: "Listening on \(path)")
            let busy = try Child.run([Paths.sockscope, "-l", "-U", path])
            #expect(busy.code == 1 && busy.child.stderrText == "sockscope: \(path): Address already in use\n")
            // The server still answers at its path.
            let client = try Child(["nc", "-N", "-U", path])
            client.write("still here\n")
            client.closeStdin()
            try server.waitForStdout(containing: "still here")
        }
    }
}
