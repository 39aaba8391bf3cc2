import Glibc
import Testing
import TestSupport
@testable import SockscopeCore
@testable import SockscopeTransport

/// The engine in-process (pipe mode): a socketpair is the connection, pipes are stdin and stdout, and a
/// manual clock drives the deadlines.
struct EngineTests {
    final class Rig {
        var stdin: [Int32] = [-1, -1]
        var stdout: [Int32] = [-1, -1]
        var pair: [Int32] = [-1, -1]  // [0] is the loop's peer socket, [1] the far end

        init(datagram: Bool = false) {
            pipe(&stdin)
            pipe(&stdout)
            let type = Int32((datagram ? SOCK_DGRAM : SOCK_STREAM).rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
            socketpair(AF_UNIX, type, 0, &pair)
        }

        deinit { (stdin + stdout + pair).filter { $0 >= 0 }.forEach { close($0) } }

        func plan(_ endOfInput: SessionPlan.EndOfInput, datagram: Bool = false, listening: Bool = false) -> SessionPlan {
            SessionPlan(mode: listening ? .listen : .dial, target: .unix(path: "x"), datagram: datagram,
                        family: .any, keepListening: false, numeric: true, verbose: false,
                        endOfInput: endOfInput, timeout: nil, sourceAddress: nil, sourcePort: nil,
                        crlf: false, readStdin: true, interval: nil, hexDumpPath: nil, maxConnections: 1)
        }

        func loop(_ plan: SessionPlan, clock: @escaping () -> Double = { 0 }) -> Engine {
            let loop = Engine(settings: EngineSettings(plan: plan, bufferSize: 1 << 16), stdin: stdin[0],
                                stdout: stdout[1], signalFD: -1, clock: clock, onEvent: { _ in })
            loop.addConnection(pair[0], peer: nil)
            pair[0] = -1  // the loop owns it now
            return loop
        }

        func send(_ fd: Int32, _ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }

        func readAll(_ fd: Int32) -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// -N: input ends → FIN to the peer, while the peer's later answer still reaches stdout.
    @Test func shutdownWriteThenKeepReading() async throws {
        try await offPool { () throws in
            let rig = Rig()
            let loop = rig.loop(rig.plan(.shutdownWrite))
            rig.send(rig.stdin[1], "question")
            close(rig.stdin[1]); rig.stdin[1] = -1
            rig.send(rig.pair[1], "answer")
            shutdown(rig.pair[1], Int32(SHUT_WR))
            #expect(try loop.run() == .finished)
            close(rig.stdout[1]); rig.stdout[1] = -1
            #expect(rig.readAll(rig.stdout[0]) == "answer")
            #expect(rig.readAll(rig.pair[1]) == "question")  // then EOF: our FIN arrived
        }
    }

    /// nc's default: end of input sends nothing; the far end can still write, and a dialer ends
    /// when the peer closes.
    @Test func keepOpenSendsNoFin() async throws {
        try await offPool { () throws in
            let rig = Rig()
            let loop = rig.loop(rig.plan(.keepOpen))
            close(rig.stdin[1]); rig.stdin[1] = -1
            rig.send(rig.pair[1], "late")
            close(rig.pair[1]); rig.pair[1] = -1
            #expect(try loop.run() == .finished)
            close(rig.stdout[1]); rig.stdout[1] = -1
            #expect(rig.readAll(rig.stdout[0]) == "late")
        }
    }

    @Test func keepOpenReallyKeepsTheWriteHalfOpen() async throws {
        try await offPool { () throws in
            let rig = Rig()
            let clockValue = ManualClock()
            let plan = { var p = rig.plan(.keepOpen); p.timeout = 1; return p }()
            let loop = rig.loop(plan, clock: { clockValue.advance(0.3) })
            close(rig.stdin[1]); rig.stdin[1] = -1
            // The idle timeout (manual clock) ends the loop; no FIN was sent before it.
            #expect(try loop.run() == .idleTimeout)
            var byte: UInt8 = 0
            #expect(recv(rig.pair[1], &byte, 1, Int32(MSG_DONTWAIT)) == -1 && errno == EAGAIN)
        }
    }

    /// An empty datagram is data of length zero, not end of stream.
    @Test func emptyDatagramIsNotEndOfStream() async throws {
        try await offPool { () throws in
            let rig = Rig(datagram: true)
            let clockValue = ManualClock()
            let plan = { var p = rig.plan(.keepOpen, datagram: true); p.timeout = 1; return p }()
            let loop = rig.loop(plan, clock: { clockValue.advance(0.1) })
            _ = send(rig.pair[1], "", 0, 0)
            rig.send(rig.pair[1], "after-empty")
            #expect(try loop.run() == .idleTimeout)
            close(rig.stdout[1]); rig.stdout[1] = -1
            #expect(rig.readAll(rig.stdout[0]) == "after-empty")
        }
    }

    /// -k under a flood of connections: a connected peer is still served. The listener always
    /// has another client waiting, so draining it to the end before serving connections would
    /// hold every connected peer (and its bytes) for as long as the flood lasts.
    @Test func aConnectionFloodDoesNotStarveConnectedPeers() async throws {
        try await offPool { () throws in
            let rig = Rig()
            let listener = try LoopbackPair()  // its pending client makes the listener readable
            var plan = rig.plan(.keepOpen, listening: true)
            plan.keepListening = true
            plan.maxConnections = 100
            let loop = rig.loop(plan)
            loop.setListener(dup(listener.listener))
            let flood = 300
            var attempts = 0
            loop.accepter = { _ throws(SystemError) in
                guard attempts < flood else { return nil }
                attempts += 1
                var pair: [Int32] = [-1, -1]
                socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &pair)
                close(pair[1])  // a client that connects and leaves at once
                return (pair[0], SocketAddress())
            }
            rig.send(rig.pair[1], "hello")
            var set = PollSet<Engine.Slot>()
            var bytes = [UInt8](repeating: 0, count: 16)
            var got = 0
            for _ in 0..<3 where got == 0 {  // received in one round, written out at the next at the latest
                _ = try loop.step(&set, wait: false)
                var ready = pollfd(fd: rig.stdout[0], events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, 0) == 1 { got = bytes.withUnsafeMutableBytes { read(rig.stdout[0], $0.baseAddress, $0.count) } }
            }
            #expect(got > 0 && String(decoding: bytes[0..<got], as: UTF8.self) == "hello")
            #expect(attempts < flood, "\(attempts) waiting clients were accepted before the connected peer was served")
        }
    }

    /// -q SECS: the countdown starts when input is over, measured on the loop's clock.
    @Test func quitAfterEndOfInput() async throws {
        try await offPool { () throws in
            let rig = Rig()
            let clockValue = ManualClock()
            let loop = rig.loop(rig.plan(.quit(after: 2)), clock: { clockValue.advance(0.25) })
            close(rig.stdin[1]); rig.stdin[1] = -1
            #expect(try loop.run() == .quitAfterEOF)
            #expect(clockValue.now >= 2)
        }
    }
}
