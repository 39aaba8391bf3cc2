import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

struct BPFAssemblerTests {
    @Test func instructionsAreEncodedAsTheKernelReadsThem() throws {
        var a = BPFAssembler()
        let done = a.newLabel()
        a.move(.r1, 5)
        a.loadMap(.r2, descriptor: 7)
        a.jumpIfNotEqual32(.r1, 0xF000_0001, to: done)
        a.load(.r3, .half, from: .r6, 30)
        a.store(.word, to: .frame, -4, .r3)
        a.place(done)
        a.exit()
        let bytes = try a.assemble()
        #expect(bytes.count == 7 * 8)
        #expect(Array(bytes[0..<8]) == [0xB7, 0x01, 0, 0, 5, 0, 0, 0])
        // The map's 16-byte load: BPF_PSEUDO_MAP_FD in the source register, then an empty half.
        #expect(Array(bytes[8..<24]) == [0x18, 0x12, 0, 0, 7, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
        // A jump over two instructions; the immediate is the namespace's number as a bit pattern.
        #expect(Array(bytes[24..<32]) == [0x56, 0x01, 2, 0, 0x01, 0, 0, 0xF0])
        #expect(Array(bytes[32..<40]) == [0x69, 0x63, 30, 0, 0, 0, 0, 0])
        #expect(Array(bytes[40..<48]) == [0x63, 0x3A, 0xFC, 0xFF, 0, 0, 0, 0])
        #expect(Array(bytes[48..<56]) == [0x95, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func aLabelNeverPlacedIsRefused() {
        var a = BPFAssembler()
        a.jump(to: a.newLabel())
        #expect(throws: BPFAssembler.Failure.unplacedLabel) { try a.assemble() }
    }
}
