import Glibc
import Testing
import TestSupport

/// Bytes are sacred under load: many clients at once, fast and slow, into a file, a file opened
/// for append and a slow pipe. Every client's stream is checked byte for byte (TaggedStreams).
@Suite(.timeLimit(.minutes(3)))
struct LoadTests {
    static let clients = 20
    static let size = 5 << 20

    /// Writes each client's tagged payload to a file of its own; returns the payloads.
    static func payloads(_ scratch: Scratch, count: Int, size: Int) -> [[UInt8]] {
        (0..<count).map { client in
            let bytes = TaggedStreams.bytes(client: client, count: size)
            writeFile(scratch.file("in\(client)"), bytes)
            return bytes
        }
    }

    /// Waits for `count` -v lines saying a client's connection closed, then ends the server with
    /// SIGTERM (a -k server never ends by itself); every byte it read is on stdout by then.
    static func finish(_ server: Child, closedConnections count: Int) throws {
        try server.wait(for: "\(count) closed connections", timeout: 90) { child in
            child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection closed") }.count >= count
        }
        server.signal(SIGTERM)
        #expect(try server.waitForExit(timeout: 30) == 128 + SIGTERM)
    }

    @Test func twentyClientsFiveMiBEachOverTCP() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let sent = Self.payloads(scratch, count: Self.clients, size: Self.size)
            let out = scratch.file("out")
            let (server, port) = try sockscopeListener(["-k"], stdin: .null, stdout: .file(out))
            let senders = try (0..<Self.clients).map { client in
                try Child(["nc", "-N", "127.0.0.1", String(port)], stdin: .file(scratch.file("in\(client)")))
            }
            for sender in senders { #expect(try sender.waitForExit(timeout: 90) == 0) }
            try Self.finish(server, closedConnections: Self.clients)
            #expect(TaggedStreams.mismatches(readFile(out), sent: sent) == [])
            #expect(!server.stderrText.contains("reset"))
        }
    }

    /// The same over a Unix socket, into a file opened for append that already holds a line.
    @Test func twentyClientsFiveMiBEachOverUnixIntoAppend() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let sent = Self.payloads(scratch, count: Self.clients, size: Self.size)
            let out = scratch.file("out")
            let before = Array("already here\n".utf8)
            writeFile(out, before)
            let path = scratch.file("s.sock")
            let server = try sockscope(["-l", "-k", "-v", "-U", path], stdin: .null, stdout: .append(out))
            try server.waitForStderrLine(containing: "Listening on \(path)")
            let senders = try (0..<Self.clients).map { client in
                try Child(["nc", "-N", "-U", path], stdin: .file(scratch.file("in\(client)")))
            }
            for sender in senders { #expect(try sender.waitForExit(timeout: 90) == 0) }
            try Self.finish(server, closedConnections: Self.clients)
            let written = readFile(out)
            #expect(Array(written.prefix(before.count)) == before)
            #expect(TaggedStreams.mismatches(Array(written.dropFirst(before.count)), sent: sent) == [])
        }
    }

    /// `>> file` with one client: nc appends; so must we (the zero-copy path cannot serve O_APPEND).
    @Test(arguments: [false, true])
    func appendToAFileOneClient(dialing: Bool) async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let out = scratch.file("out")
            writeFile(out, Array("first line\n".utf8))
            let payload = randomBytes(3 << 20, seed: 77)
            writeFile(scratch.file("in"), payload)
            let us: Child
            let peer: Child
            if dialing {
                let (nc, port) = try ncListener(["-N"], stdin: .file(scratch.file("in")))
                peer = nc
                us = try sockscope(["127.0.0.1", String(port)], stdin: .null, stdout: .append(out))
            } else {
                let (listener, port) = try sockscopeListener([], stdin: .null, stdout: .append(out))
                us = listener
                peer = try Child(["nc", "-N", "127.0.0.1", String(port)], stdin: .file(scratch.file("in")))
            }
            #expect(try us.waitForExit(timeout: 30) == 0)
            #expect(try peer.waitForExit(timeout: 30) == 0)
            #expect(readFile(out) == Array("first line\n".utf8) + payload)
        }
    }

    /// Fast and slow clients at once, into a stdout that is read slowly: backpressure, never loss.
    @Test func fastAndSlowClientsIntoASlowReader() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let fast = 3, slow = 3
            let sent = (0..<(fast + slow)).map { client in
                TaggedStreams.bytes(client: client, count: client < fast ? 2 << 20 : 512 << 10)
            }
            for (client, bytes) in sent.enumerated() { writeFile(scratch.file("in\(client)"), bytes) }
            let out = scratch.file("out")
            // The reader takes 16 KiB, then rests a millisecond: about 16 MB/s at best.
            let reader = "import sys, time\nout = open(sys.argv[1], 'wb')\nwhile True:\n    b = sys.stdin.buffer.read1(16384)\n    if not b: break\n    out.write(b); time.sleep(0.001)\n"
            writeFile(scratch.file("reader.py"), Array(reader.utf8))
            let server = try Child(["sh", "-c", "\(Paths.sockscope) -l -k -v -n 127.0.0.1 0 < /dev/null | python3 \(scratch.file("reader.py")) \(out)"])
            let port = try server.waitForPort()
            var senders: [Child] = []
            for client in 0..<(fast + slow) {
                if client < fast {
                    senders.append(try Child(["nc", "-N", "127.0.0.1", String(port)], stdin: .file(scratch.file("in\(client)"))))
                } else {
                    // 4 KiB at a time with a pause: a trickle beside the fast ones.
                    senders.append(try Child(["python3", "-c", """
                        import socket, sys, time
                        data = open(sys.argv[1], 'rb').read()
                        s = socket.create_connection(('127.0.0.1', int(sys.argv[2])))
                        for i in range(0, len(data), 4096):
                            s.sendall(data[i:i + 4096]); time.sleep(0.002)
                        s.shutdown(socket.SHUT_WR)
                        while s.recv(65536): pass
                        """, scratch.file("in\(client)"), String(port)], stdin: .null))
                }
            }
            for sender in senders { #expect(try sender.waitForExit(timeout: 90) == 0) }
            try server.wait(for: "6 closed connections", timeout: 90) { child in
                child.stderrText.split(separator: "\n").filter { $0.hasPrefix("Connection closed") }.count >= fast + slow
            }
            // Ending the pipeline's sockscope ends the reader once it has drained the pipe.
            Child.runQuietly(["pkill", "-TERM", "-P", String(server.pid), "-x", "sockscope"])
            _ = try server.waitForExit(timeout: 60)
            #expect(TaggedStreams.mismatches(readFile(out), sent: sent) == [])
        }
    }
}
