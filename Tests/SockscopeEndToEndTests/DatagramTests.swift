import Glibc
import Testing
import TestSupport

/// UDP: `-u -l` answers its first peer as nc does; `-u -l -k` answers every peer heard from.
@Suite(.timeLimit(.minutes(4)))
struct DatagramTests {
    @Test func udpListenerAnswersItsFirstPeer() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-u"])
            #expect(us.stderrText.hasPrefix("Bound on 127.0.0.1 \(port)\n"))
            let nc = try Child(["nc", "-u", "127.0.0.1", String(port)])
            nc.write("ping\n")
            try us.waitForStdout(containing: "ping")
            try us.waitForStderrLine(containing: "Connection received on 127.0.0.1 ")
            us.write("pong\n")
            try nc.waitForStdout(containing: "pong")
        }
    }

    @Test func udpDialToAnEchoPeerBothWays() async throws {
        try await offPool { () throws in
            let (peer, port) = try pythonPeer("""
                import socket, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))
                print('Bound on 127.0.0.1', s.getsockname()[1], file=sys.stderr, flush=True)
                for _ in range(2):
                    data, addr = s.recvfrom(65536); s.sendto(b'echo:' + data, addr)
                """)
            let us = try sockscope(["-u", "-v", "127.0.0.1", String(port)])
            try us.waitForStderrLine(containing: "Connection to 127.0.0.1 \(port) port [udp/")
            us.write("hi\n")
            try us.waitForStdout(containing: "echo:hi\n")
            // A binary datagram comes back whole.
            us.write([0, 0xFF, 0x0A])
            try us.waitForStdout(count: 8 + 8)
            #expect(Array(us.stdout.suffix(8)) == Array("echo:".utf8) + [0, 0xFF, 0x0A])
            #expect(try peer.waitForExit() == 0)
        }
    }

    @Test func udpKeepListeningAnswersEveryPeer() async throws {
        try await offPool { () throws in
            let (us, port) = try sockscopeListener(["-u", "-k"])
            let peers = try (0..<3).map { _ in try Child(["nc", "-u", "127.0.0.1", String(port)]) }
            for (index, peer) in peers.enumerated() { peer.write("peer\(index)\n") }
            try us.wait(for: "three datagrams") { child in (0..<3).allSatisfy { child.stdoutText.contains("peer\($0)\n") } }
            us.write("to all\n")
            for peer in peers { try peer.waitForStdout(containing: "to all") }
        }
    }
}

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
