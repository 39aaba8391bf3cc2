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
