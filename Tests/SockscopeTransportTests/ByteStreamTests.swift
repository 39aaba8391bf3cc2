import Glibc
import Testing
import TestSupport
@testable import SockscopeCore
@testable import SockscopeTransport

/// The engine moves a connection's bytes only through its stream (issue 21's seam): a stage set
/// with `makeStream` sees every byte both ways, ends the sending, and what it holds decoded is
/// read without waiting on the descriptor.
struct ByteStreamTests {
    /// A stage for the test: flips the case of letters both ways, and hands received bytes out
    /// one at a time from a buffer of its own, as a TLS stage hands out a record's plaintext.
    final class CaseFlipStage: ByteStream {
        let plain: PlainStream
        var held: [UInt8] = []
        private(set) var finished = false

        init(fd: Int32) { plain = PlainStream(fd: fd) }

        static func flip(_ byte: UInt8) -> UInt8 { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A ? byte ^ 0x20 : byte }

        func send(_ bytes: UnsafeRawPointer, count: Int) -> Int {
            let flipped = UnsafeRawBufferPointer(start: bytes, count: count).map(Self.flip)
            return flipped.withUnsafeBytes { plain.send($0.baseAddress!, count: count) }
        }

        func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
            if held.isEmpty {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { plain.receive(into: $0.baseAddress!, count: $0.count) }
                guard n > 0 else { return n }
                held = chunk[0..<n].map(Self.flip)
            }
            guard count > 0 else { return 0 }
            buffer.storeBytes(of: held.removeFirst(), as: UInt8.self)
            return 1
        }

        func finishSending() {
            finished = true
            plain.finishSending()
        }

        func events(reading: Bool, writing: Bool) -> Int32 { plain.events(reading: reading, writing: writing) }
        var buffered: Int { held.count }
        var splicable: Bool { false }
        func advance() -> Bool { true }
        var failure: String? { nil }
    }

    static func plan(idle: Double) -> SessionPlan {
        SessionPlan(mode: .dial, target: .unix(path: "x"), datagram: false, family: .any, keepListening: false, numeric: true,
                    verbose: false, endOfInput: .shutdownWrite, timeout: idle, sourceAddress: nil, sourcePort: nil, crlf: false,
                    readStdin: true, interval: nil, hexDumpPath: nil, maxConnections: 1)
    }

    /// Both directions through the stage, its end of sending the FIN the peer reads; the bytes it
    /// holds after one read arrive without another byte on the socket (else the loop would sit
    /// in poll() until -w's idle limit and end the connection).
    @Test func everyByteGoesThroughTheStage() async throws {
        try await offPool { () throws in
            let rig = EngineTests.Rig()
            let loop = Engine(settings: EngineSettings(plan: Self.plan(idle: 10), bufferSize: 1 << 16), stdin: rig.stdin[0],
                              stdout: rig.stdout[1], signalFD: -1, clock: { SignalWait.monotonic() }, onEvent: { _ in })
            var stage: CaseFlipStage?
            loop.makeStream = { fd in
                let made = CaseFlipStage(fd: fd)
                stage = made
                return made
            }
            loop.addConnection(rig.pair[0], peer: nil)
            rig.pair[0] = -1
            _ = fcntl(rig.stdout[0], F_SETFL, O_NONBLOCK)
            rig.send(rig.pair[1], "Answer, 42!")  // the peer stays open: only the stage's buffer holds the rest
            var set = PollSet<Engine.Slot>()
            var received = ""
            var outcome: EngineOutcome?
            var buffer = [UInt8](repeating: 0, count: 64)
            var sawBuffered = false
            // Rounds that do not wait: the socket has nothing more after the first read, so only
            // the stage's buffer can feed them — and the loop must not wait on the descriptor.
            for _ in 0..<100 where received.count < 11 && outcome == nil {
                outcome = try loop.step(&set, wait: false)
                if let stage, stage.buffered > 0 {
                    sawBuffered = true
                    #expect(loop.pollTimeout(now: SignalWait.monotonic(), face: nil) == 0)
                }
                let n = buffer.withUnsafeMutableBytes { read(rig.stdout[0], $0.baseAddress, $0.count) }
                if n > 0 { received += String(decoding: buffer[0..<n], as: UTF8.self) }
            }
            #expect(received == "aNSWER, 42!" && outcome == nil && sawBuffered)
            rig.send(rig.stdin[1], "Question")
            close(rig.stdin[1]); rig.stdin[1] = -1
            shutdown(rig.pair[1], Int32(SHUT_WR))
            while outcome == nil { outcome = try loop.step(&set, wait: true) }
            #expect(outcome == .finished)
            #expect(rig.readAll(rig.pair[1]) == "qUESTION")  // then EOF: the stage's end of sending
            #expect(stage?.finished == true)
        }
    }

    /// A stage that takes every byte at once and lets them out one a round (as TLS holds
    /// records when the socket is full): its end of sending waits until they are out.
    final class SlowOutStage: ByteStream {
        let plain: PlainStream
        var held: [UInt8] = []
        var closing = false, finSent = false
        init(fd: Int32) { plain = PlainStream(fd: fd) }
        func send(_ bytes: UnsafeRawPointer, count: Int) -> Int {
            held += UnsafeRawBufferPointer(start: bytes, count: count)
            return count
        }
        func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int { plain.receive(into: buffer, count: count) }
        func finishSending() { closing = true }
        func events(reading: Bool, writing: Bool) -> Int32 { plain.events(reading: reading, writing: writing || !held.isEmpty) }
        var buffered: Int { 0 }
        var splicable: Bool { false }
        var failure: String? { nil }
        var owes: Bool { !held.isEmpty }
        func advance() -> Bool {
            if let first = held.first {
                var byte = first
                if plain.send(&byte, count: 1) == 1 { held.removeFirst() }
            }
            if closing && held.isEmpty && !finSent {
                finSent = true
                plain.finishSending()
            }
            return true
        }
    }

    /// The peer has finished and our input has ended (-N): by the rules the connection is over
    /// at once — but not before the stage has let out what it holds, or those bytes would be
    /// lost (found as 128 KiB missing from 64 MiB through TLS, one run in six).
    @Test func aConnectionWaitsForWhatItsStageOwes() async throws {
        try await offPool { () throws in
            let rig = EngineTests.Rig()
            let loop = Engine(settings: EngineSettings(plan: Self.plan(idle: 10), bufferSize: 1 << 16), stdin: rig.stdin[0],
                              stdout: rig.stdout[1], signalFD: -1, clock: { SignalWait.monotonic() }, onEvent: { _ in })
            loop.makeStream = { SlowOutStage(fd: $0) }
            loop.addConnection(rig.pair[0], peer: nil)
            rig.pair[0] = -1
            shutdown(rig.pair[1], Int32(SHUT_WR))  // the peer has nothing to say
            rig.send(rig.stdin[1], "every byte of this line")
            close(rig.stdin[1]); rig.stdin[1] = -1
            #expect(try loop.run() == .finished)
            #expect(rig.readAll(rig.pair[1]) == "every byte of this line")  // then EOF
        }
    }
}
