import Glibc
import Testing
import TestSupport
@testable import SockscopeCore
@testable import SockscopeTransport

/// TCP_INFO at each socket event, on a real loopback connection.
struct SocketEventTests {
    @Test func statesAtConnectShutdownEndAndClose() async throws {
        try await offPool { () throws in
            let pair = try LoopbackPair()
            let (listener, address) = (pair.listener, pair.address)
            // The loop owns the client socket and closes it: give it a duplicate.
            let client = dup(pair.client)
            var server: Int32 = -1
            let deadline = now() + 5
            while server < 0 && now() < deadline {
                var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 100)
                if let accepted = try Socket.accept(listener) { server = accepted.fd }
            }
            #expect(server >= 0)
            defer { close(server) }

            var stdin: [Int32] = [-1, -1], stdout: [Int32] = [-1, -1]
            pipe(&stdin); pipe(&stdout)
            defer { (stdin + stdout).filter { $0 >= 0 }.forEach { close($0) } }
            var plan = EngineTests.Rig().plan(.shutdownWrite)
            plan.target = .inet(host: "127.0.0.1", ports: [address.port])
            let loop = Engine(settings: EngineSettings(plan: plan), stdin: stdin[0], stdout: stdout[1], signalFD: -1,
                                clock: now, onEvent: { _ in })
            var seen: [String] = []
            loop.onSocketEvent = { event in seen.append("\(event.kind.rawValue):\(event.info.state?.name ?? "?")") }
            loop.addConnection(client, peer: address)
            close(stdin[1]); stdin[1] = -1        // input ends: -N sends FIN
            shutdown(server, Int32(SHUT_WR))       // the peer finishes too
            #expect(try loop.run() == .finished)
            // The peer closed first: ours sees its FIN (CLOSE_WAIT), then sends its own (LAST_ACK),
            // whose ACK comes back within the same system call on loopback (CLOSE).
            #expect(seen.count == 4, "\(seen)")
            #expect(seen.first == "connected:ESTABLISHED")
            #expect(seen.dropFirst().first == "endOfStream:CLOSE_WAIT")
            #expect(seen.dropFirst(2).first.map { $0 == "shutDown:LAST_ACK" || $0 == "shutDown:CLOSE" } == true, "\(seen)")
            #expect(seen.last == "closing:CLOSE")
            // The peer's socket handed its TIME_WAIT to a timewait socket and reports CLOSE itself.
            let info = try #require(TCPInfoReader.read(server))
            #expect(info.state == .close)
            #expect(info.mss > 0)
        }
    }
}
