import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

struct TransitionProgramTests {
    static var layout: TraceLayout? { TracePageTests.layout }

    @Test func theProgramIsWholeAndEndsWithExit() throws {
        let program = try TransitionProgram(layout: try #require(Self.layout))
        let code = try program.instructions(offsets: .init(socketNet: 48, namespaceInode: 160), namespace: 4026531840,
                                            ring: 3, counters: 4)
        #expect(code.count % 8 == 0 && code.count / 8 < 4096)
        #expect(Array(code.suffix(8)) == [0x95, 0, 0, 0, 0, 0, 0, 0])
        // Every jump lands inside the program.
        for index in 0..<(code.count / 8) where [0x05, 0x15, 0x55, 0x56].contains(code[index * 8]) {
            let offset = Int(Int16(bitPattern: UInt16(code[index * 8 + 2]) | UInt16(code[index * 8 + 3]) << 8))
            #expect((0..<(code.count / 8)).contains(index + 1 + offset))
        }
        #expect(program.recordBytes == TransitionProgram.headerBytes + 72)
    }

    /// A ring record as the program writes it decodes to the transition, time and CPU included.
    @Test func aRingRecordDecodes() throws {
        let layout = try #require(Self.layout)
        let program = try TransitionProgram(layout: layout)
        var record = [UInt8](repeating: 0, count: program.recordBytes)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (i, byte) in $0.enumerated() { record[offset + i] = byte } }
        }
        let base = TransitionProgram.headerBytes
        put(UInt64(1_500_000_000), at: 0)
        put(UInt32(1), at: 8)
        put(layout.eventID, at: base + layout.type.offset)
        put(Int32(4242), at: base + layout.pid.offset)
        put(UInt64(0xFFFF_8880_1234_5678), at: base + layout.socket.offset)
        put(Int32(2), at: base + layout.oldState.offset)
        put(Int32(1), at: base + layout.newState.offset)
        put(UInt16(40001), at: base + layout.sourcePort.offset)
        put(UInt16(80), at: base + layout.destinationPort.offset)
        put(UInt16(2), at: base + layout.family.offset)
        put(UInt16(6), at: base + layout.proto.offset)
        put(UInt32(0x0100_007F), at: base + layout.sourceV4.offset)
        put(UInt32(0x0200_007F), at: base + layout.destinationV4.offset)
        let event = try #require(record.withUnsafeBytes { program.event($0) })
        #expect(event.time == 1.5 && event.cpu == 1 && event.pid == 4242 && event.socket == 0xFFFF_8880_1234_5678)
        #expect(event.from == .synSent && event.to == .established && event.source == .ebpf)
        #expect(event.local.description == "127.0.0.1:40001" && event.remote.description == "127.0.0.2:80")
        // Short, or another protocol: nothing.
        #expect(record.dropLast().withUnsafeBytes { program.event($0) } == nil)
        put(UInt16(132), at: base + layout.proto.offset)
        #expect(record.withUnsafeBytes { program.event($0) } == nil)
    }
}
