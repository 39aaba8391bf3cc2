import Testing
@testable import SockscopeCore

/// The kernel filter run by a small classic-BPF interpreter over the captured fixture frames:
/// it keeps exactly the frames with a listed port, each cut to the snap length.
struct CaptureFilterTests {
    /// What the kernel would return for a frame: the bytes to keep (0: dropped).
    static func run(_ program: [CaptureFilter.Instruction], on frame: [UInt8]) -> UInt32 {
        var a: UInt32 = 0, x: UInt32 = 0, pc = 0
        func byte(_ i: Int) -> UInt32? { i >= 0 && i < frame.count ? UInt32(frame[i]) : nil }
        func half(_ i: Int) -> UInt32? { byte(i).flatMap { hi in byte(i + 1).map { hi << 8 | $0 } } }
        while pc < program.count {
            let op = program[pc]
            switch op.code {
            case 0x28: guard let v = half(Int(op.k)) else { return 0 }; a = v
            case 0x30: guard let v = byte(Int(op.k)) else { return 0 }; a = v
            case 0x48: guard let v = half(Int(x) + Int(op.k)) else { return 0 }; a = v
            case 0xB1: guard let v = byte(Int(op.k)) else { return 0 }; x = (v & 0xF) * 4
            case 0x15: pc += Int(a == op.k ? op.jumpTrue : op.jumpFalse)
            case 0x45: pc += Int(a & op.k != 0 ? op.jumpTrue : op.jumpFalse)
            case 0x06: return op.k
            default: Issue.record("unknown opcode \(op.code)"); return 0
            }
            pc += 1
        }
        Issue.record("fell off the end")
        return 0
    }

    @Test func keepsTheListedPortsOnly() throws {
        let records = FrameDecoderTests.records()
        let frames = try records.map { try FrameDecoder.decode($0.bytes).get() }
        // The IPv4 session's server port and the UDP datagram's destination.
        let ports: [UInt16] = [36959, 60536]
        let program = CaptureFilter.program(ports: ports, snapLength: 256)
        for (record, frame) in zip(records, frames) {
            let wanted = ports.contains(frame.source.port) || ports.contains(frame.destination.port)
            #expect(Self.run(program, on: record.bytes) == (wanted ? 256 : 0), "\(frame.source) > \(frame.destination)")
        }
        #expect(records.indices.filter { Self.run(program, on: records[$0].bytes) > 0 }.count == 11)
        // IPv6 too: the RST session's port.
        let v6 = CaptureFilter.program(ports: [35825], snapLength: 128)
        #expect(records.filter { Self.run(v6, on: $0.bytes) == 128 }.count == 6)
        // No ports: everything, cut.
        #expect(CaptureFilter.program(ports: [], snapLength: 64).count == 1)
        #expect(records.allSatisfy { Self.run(CaptureFilter.program(ports: [], snapLength: 64), on: $0.bytes) == 64 })
    }

    /// Truncated and non-IP frames are dropped, never read past their end.
    @Test func shortAndForeignFramesAreDropped() {
        let program = CaptureFilter.program(ports: [80], snapLength: 256)
        #expect(Self.run(program, on: []) == 0)
        #expect(Self.run(program, on: [UInt8](repeating: 0, count: 13) + [0x06]) == 0)
        var arp = [UInt8](repeating: 0, count: 60)
        arp[12] = 0x08; arp[13] = 0x06
        #expect(Self.run(program, on: arp) == 0)
        // Every jump lands inside the program.
        let many = CaptureFilter.program(ports: Array(1...UInt16(CaptureFilter.maximumPorts + 5)), snapLength: 256)
        for (index, op) in many.enumerated() where op.code == 0x15 || op.code == 0x45 {
            #expect(index + 1 + Int(max(op.jumpTrue, op.jumpFalse)) < many.count)
        }
    }
}
