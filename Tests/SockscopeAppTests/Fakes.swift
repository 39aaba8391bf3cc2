import Glibc
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport

/// The kernel's sources as a test scripts them: what `SystemIO` hands the modes instead of the
/// tracepoint, the socket tables and a lesson's lab, so that every mode runs in-process without root.

/// Transitions handed out as the test queues them. Its descriptor (a pipe) is readable while
/// something is queued, as a ring buffer's is.
final class FakeFeed: TransitionFeed {
    let origin: TraceSource.Origin
    let reportsResets = false
    let bpfUnavailable: String? = nil
    var queued = TraceBatch()
    /// What the exact lookup answers (a timewait socket's state), by connection.
    var sockets: [ConnectionKey: TCPState] = [:]
    private(set) var reads = 0
    private(set) var stopped = false
    private var pipeEnds: [Int32] = [-1, -1]

    init(origin: TraceSource.Origin = .bpf) {
        self.origin = origin
        if pipe(&pipeEnds) == 0 {
            for fd in pipeEnds { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
        }
    }

    deinit { for fd in pipeEnds where fd >= 0 { close(fd) } }

    var fusionPatience: Double { origin == .bpf ? TransitionFusion.ebpfPatience : TransitionFusion.tracefsPatience }
    var descriptors: [Int32] { [pipeEnds[0]] }

    /// Queues records (and a count of lost ones) for the next read.
    func queue(_ events: [TraceEvent], lost: Int = 0) {
        queued.events += events
        queued.lost += lost
        var byte: UInt8 = 1
        _ = write(pipeEnds[1], &byte, 1)
    }

    func read(now: Double, pages: Int) -> TraceBatch {
        reads += 1
        var drain = [UInt8](repeating: 0, count: 64)
        while Glibc.read(pipeEnds[0], &drain, drain.count) > 0 {}
        defer { queued = TraceBatch() }
        return queued
    }

    func leftover() -> (unread: Int, unplaced: Int) { (0, 0) }
    func state(of key: ConnectionKey) -> TCPState? { sockets[key] }
    func stop() { stopped = true }
}

/// Socket tables with the rows the test puts there.
final class FakeTable: SocketTable {
    var entries: [SocketEntry] = []
    private(set) var reads = 0
    /// Called before each reading (on the mode's thread): the test's script of the tables.
    var onRead: () -> Void = {}

    init(_ entries: [SocketEntry] = []) { self.entries = entries }

    func read(_ protocols: [SocketProtocol], info: ((SocketEntry, TCPInfo) -> Void)?) -> [SocketEntry] {
        reads += 1
        onRead()
        return entries.filter { protocols.contains($0.proto) }
    }
}

/// Records for a test's script: `TraceEvent`s of one socket, stamped on the monotonic clock.
struct Traced {
    static func event(_ from: TCPState, _ to: TCPState, at time: Double, socket: UInt64,
                      local: SocketEndpoint, remote: SocketEndpoint) -> TraceEvent {
        var event = TraceEvent(time: time, socket: socket, local: local, remote: remote, ipv6: false, from: from, to: to)
        event.source = .ebpf
        return event
    }

    static func monotonic() -> Double { SystemIO.clockSeconds(CLOCK_MONOTONIC) }
}

/// A file the test reads back: a mode's standard output or error (a pipe would fill and block).
final class CapturedOutput {
    let path: String
    let fd: Int32

    init() {
        var template = Array("/tmp/sockscope-test.outXXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)  // read through the descriptor; nothing left behind
    }

    deinit { close(fd) }

    var text: String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var offset: off_t = 0
        while true {
            let n = pread(fd, &buffer, buffer.count, offset)
            guard n > 0 else { break }
            bytes += buffer[0..<n]
            offset += off_t(n)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    var lines: [String] { text.split(separator: "\n").map(String.init) }
}

extension SystemIO {
    /// A mode's world for a test: output into files, no signals blocked in the test process,
    /// the kernel's sources as given (none: off, as without root).
    static func forTest(stdout: CapturedOutput, stderr: CapturedOutput, feed: FakeFeed? = nil,
                        table: FakeTable = FakeTable()) -> SystemIO {
        var io = SystemIO(stdin: -1, stdout: stdout.fd, stderr: stderr.fd,
                          monotonic: { SystemIO.clockSeconds(CLOCK_MONOTONIC) }, wallClock: { SystemIO.clockSeconds(CLOCK_REALTIME) })
        io.signalDescriptor = { _ in -1 }
        io.startTracing = { _, _ throws(TransportError) in
            guard let feed else { throw TransportError("needs root") }
            return feed
        }
        io.startCapture = { _, _ throws(TransportError) in throw TransportError("needs root") }
        io.openSocketTable = { _ in table }
        io.procRoot = "/nonexistent"
        return io
    }
}

extension JSONValue {
    /// An object's string field.
    func text(_ name: String) -> String? {
        guard case .object(let fields) = self, case .string(let value)? = fields.first(where: { $0.0 == name })?.1 else { return nil }
        return value
    }
}
