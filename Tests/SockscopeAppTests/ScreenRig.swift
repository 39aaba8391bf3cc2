import Glibc
import TestSupport
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// The screen in-process: the engine with the screen as its face, drawing into a CellGrid, keys
/// pressed into it, a manual clock, no tracing — every OS input through `SystemIO`.
final class ScreenRig {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let clock = ManualClock(100)
    let grid = CellGrid(rows: 30, columns: 100)
    let engine: Engine
    let face: ScreenMode
    var set = PollSet<Engine.Slot>()
    private(set) var outcome: EngineOutcome?

    static func plan(listen: Bool = false, keep: Bool = false, endOfInput: SessionPlan.EndOfInput = .keepOpen,
                     timeout: Double? = nil, maxConnections: Int = 100) -> SessionPlan {
        SessionPlan(mode: listen ? .listen : .dial, target: .inet(host: "127.0.0.1", ports: [1]), datagram: false,
                    family: .any, keepListening: keep, numeric: true, verbose: false, endOfInput: endOfInput,
                    timeout: timeout, sourceAddress: nil, sourcePort: nil, crlf: false, readStdin: true,
                    interval: nil, hexDumpPath: nil, maxConnections: maxConnections)
    }

    /// `setUp` hands the engine its endpoint (a connection or a listener) before the face attaches.
    /// `trace`: the tracepoint as the test scripts it (none: off, as without root).
    init(_ plan: SessionPlan, trace: (any TransitionFeed)? = nil, setUp: (Engine) -> Void) throws {
        var io = SystemIO(stdin: -1, stdout: -1, stderr: -1, monotonic: { [clock] in clock.now }, wallClock: { 0 })
        io.startTracing = { _, _ throws(TransportError) in throw TransportError("off in tests") }
        io.makeScreen = { [grid] _ in grid }
        io.stopProcess = {}  // the test process itself must not stop
        engine = Engine(settings: EngineSettings(plan: plan, interactive: true), stdin: -1, stdout: -1, signalFD: -1,
                        clock: io.monotonic)
        setUp(engine)
        face = try ScreenMode(plan: plan, io: io, header: .init(mode: "test"), trace: trace)
        face.attach(to: engine)
    }

    /// Runs rounds of the loop, none of them waiting, until `done` holds (at most `rounds`).
    func run(until what: String, rounds: Int = 2000, _ done: () -> Bool) throws {
        for _ in 0..<rounds {
            if done() { return }
            guard outcome == nil else { break }
            outcome = try engine.step(&set, wait: false)
        }
        if done() { return }
        throw Failure(description: "\(what) did not happen; outcome \(String(describing: outcome)); screen:\n\(text)")
    }

    /// Runs a few rounds for things that should not happen.
    func settle(rounds: Int = 50) throws {
        for _ in 0..<rounds where outcome == nil { outcome = try engine.step(&set, wait: false) }
    }

    /// What the screen shows now.
    var text: String {
        face.draw(now: clock.now)
        return grid.text
    }

    func type(_ line: String) { grid.type(line) }
}

/// The far end of a connection, read and written by the test.
struct FarEnd {
    let fd: Int32

    /// Everything readable now; nil once the stream has ended (EOF) and nothing came.
    func read() -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 {
                bytes += buffer[0..<n]
                continue
            }
            return n == 0 && bytes.isEmpty ? nil : bytes
        }
    }

    func write(_ text: String) { _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
}

/// A connected stream socketpair: the engine's end and the test's.
func socketPair() -> (ours: Int32, theirs: FarEnd) {
    var pair: [Int32] = [-1, -1]
    socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &pair)
    return (pair[0], FarEnd(fd: pair[1]))
}
