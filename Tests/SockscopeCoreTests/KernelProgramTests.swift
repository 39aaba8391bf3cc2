import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

/// A BTF blob built here, type by type, as the kernel lays it out (linux/btf.h).
struct BTFBuilder {
    var types: [UInt8] = []
    var strings: [UInt8] = [0]
    var count = 0

    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    mutating func name(_ text: String) -> UInt32 {
        guard !text.isEmpty else { return 0 }
        let offset = UInt32(strings.count)
        strings += Array(text.utf8) + [0]
        return offset
    }

    /// Adds a type; returns its id.
    mutating func add(_ name: String, kind: UInt32, count vlen: Int = 0, kindFlag: Bool = false, sizeOrType: UInt32,
                      trailing: [UInt8] = []) -> UInt32 {
        let nameOffset = self.name(name)
        types += Self.u32(nameOffset) + Self.u32(kind << 24 | UInt32(vlen) | (kindFlag ? 1 << 31 : 0)) + Self.u32(sizeOrType) + trailing
        count += 1
        return UInt32(count)
    }

    mutating func structure(_ name: String, size: UInt32, union: Bool = false, kindFlag: Bool = false,
                            _ members: [(String, UInt32, UInt32)]) -> UInt32 {
        var trailing: [UInt8] = []
        for (member, type, bits) in members { trailing += Self.u32(self.name(member)) + Self.u32(type) + Self.u32(bits) }
        return add(name, kind: union ? 5 : 4, count: members.count, kindFlag: kindFlag, sizeOrType: size, trailing: trailing)
    }

    var blob: [UInt8] {
        [0x9F, 0xEB, 1, 0] + Self.u32(24) + Self.u32(0) + Self.u32(UInt32(types.count)) + Self.u32(UInt32(types.count))
            + Self.u32(UInt32(strings.count)) + types + strings
    }

    /// The kernel's shape where it matters: `sock.__sk_common.skc_net.net` (through an anonymous
    /// union and a typedef) at 16, `net.ns.inum` at 24.
    static var kernelLike: [UInt8] {
        var b = BTFBuilder()
        let uint = b.add("unsigned int", kind: 1, sizeOrType: 4, trailing: u32(32))
        let bitfields = b.structure("flags", size: 4, kindFlag: true, [("inum", uint, 3 << 24 | 0)])
        let ns = b.structure("ns_common", size: 16, [("stash", uint, 0), ("inum", uint, 64)])
        let net = b.structure("net", size: 64, [("passive", uint, 0), ("flags", bitfields, 32), ("ns", ns, 128)])
        let pointer = b.add("", kind: 2, sizeOrType: net)
        let possible = b.structure("possible_net_t", size: 8, [("net", pointer, 0)])
        let anonymous = b.structure("", size: 8, union: true, [("skc_net", possible, 0)])
        let common = b.structure("sock_common", size: 32, [("skc_daddr", uint, 0), ("", anonymous, 128)])
        let typedef = b.add("sock_common_t", kind: 8, sizeOrType: common)
        let constant = b.add("", kind: 10, sizeOrType: typedef)
        _ = b.add("sock", kind: 7, sizeOrType: 0)  // a forward declaration first: skipped
        _ = b.structure("sock", size: 100, [("__sk_common", constant, 0)])
        return b.blob
    }
}

struct BTFTypesTests {
    @Test func membersAreFoundThroughAnonymousUnionsAndTypedefs() throws {
        let types = try #require(BTFTypes(BTFBuilder.kernelLike))
        let net = try #require(types.member(["__sk_common", "skc_net", "net"], in: "sock"))
        #expect(net == BTFTypes.Member(offset: 16, kind: .pointer, size: 8))
        let inode = try #require(types.member(["ns", "inum"], in: "net"))
        #expect(inode == BTFTypes.Member(offset: 24, kind: .int, size: 4))
        #expect(try TransitionProgram.Offsets(types) == TransitionProgram.Offsets(socketNet: 16, namespaceInode: 24))
        // A bit field has no byte address; a missing name is nil, not a guess.
        #expect(types.member(["flags", "inum"], in: "net") == nil)
        #expect(types.member(["__sk_common", "skc_family"], in: "sock") == nil)
        #expect(types.member(["ns"], in: "no_such_struct") == nil)
    }

    @Test func aDamagedBlobIsRefusedOrFoundWanting() {
        let blob = BTFBuilder.kernelLike
        #expect(BTFTypes(Array(blob.dropFirst())) == nil)
        var wrongMagic = blob
        wrongMagic[0] = 0
        #expect(BTFTypes(wrongMagic) == nil)
        // Cut at every length: refused, or read without the missing part — never a trap.
        for length in 0..<blob.count {
            let types = BTFTypes(Array(blob.prefix(length)))
            #expect(types == nil || types?.member(["__sk_common", "skc_net", "net"], in: "sock") == nil)
        }
        // An unknown kind ends the reading.
        var unknown = BTFBuilder()
        _ = unknown.add("x", kind: 31, sizeOrType: 0)
        #expect(BTFTypes(unknown.blob) == nil)
    }

    @Test func aTypedefLoopEnds() {
        var b = BTFBuilder()
        // Type 1 is a typedef of type 2, which is a typedef of type 1.
        _ = b.add("a", kind: 8, sizeOrType: 2)
        _ = b.add("b", kind: 8, sizeOrType: 1)
        _ = b.structure("s", size: 8, [("m", 1, 0)])
        let types = BTFTypes(b.blob)
        #expect(types != nil)
        #expect(types?.member(["m", "x"], in: "s") == nil)
    }

    /// This kernel's own BTF, where it can be read: the program's two offsets are there.
    @Test(.enabled(if: access("/sys/kernel/btf/vmlinux", R_OK) == 0, "skipped: no kernel BTF"))
    func thisKernelsBTFHasTheOffsets() throws {
        let types = try #require(BTFTypes(readFile("/sys/kernel/btf/vmlinux")))
        let offsets = try TransitionProgram.Offsets(types)
        #expect(offsets.socketNet >= 0 && offsets.socketNet < 256)
        #expect(offsets.namespaceInode >= 0 && offsets.namespaceInode < 4096)
    }
}


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

/// The reset tracepoints, read with the layouts their format files give (this kernel's, as
/// fixtures): who sent a RST to whom, for a socket's own RST and one it received.
struct ResetTracepointsTests {
    static let received = """
        name: tcp_receive_reset
        ID: 2279
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
        \tfield:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;
        \tfield:__u16 sport;\toffset:16;\tsize:2;\tsigned:0;
        \tfield:__u16 dport;\toffset:18;\tsize:2;\tsigned:0;
        \tfield:__u16 family;\toffset:20;\tsize:2;\tsigned:0;
        \tfield:__u8 saddr[4];\toffset:22;\tsize:4;\tsigned:0;
        \tfield:__u8 daddr[4];\toffset:26;\tsize:4;\tsigned:0;
        \tfield:__u8 saddr_v6[16];\toffset:30;\tsize:16;\tsigned:0;
        \tfield:__u8 daddr_v6[16];\toffset:46;\tsize:16;\tsigned:0;
        \tfield:__u64 sock_cookie;\toffset:64;\tsize:8;\tsigned:0;
        """
    static let sent = """
        name: tcp_send_reset
        ID: 2280
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:const void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
        \tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;
        \tfield:int state;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:enum sk_rst_reason reason;\toffset:28;\tsize:4;\tsigned:0;
        \tfield:__u8 saddr[28];\toffset:32;\tsize:28;\tsigned:0;
        \tfield:__u8 daddr[28];\toffset:60;\tsize:28;\tsigned:0;

        print fmt: "skbaddr=%p skaddr=%p src=%pISpc dest=%pISpc state=%s reason=%s", REC->skbaddr, REC->skaddr, REC->saddr, REC->daddr, REC->state ? __print_symbolic(REC->state, { TCP_ESTABLISHED, "TCP_ESTABLISHED" }) : "UNKNOWN", __print_symbolic(REC->reason, { 0, "NOT_SPECIFIED" }, { 1, "NO_SOCKET" }, { 11, "TCP_ABORT_ON_CLOSE" }, { 14, "TCP_STATE" })
        """

    static func record(_ length: Int, _ fill: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        fill(&bytes)
        return bytes
    }

    static func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8], bigEndian: Bool = false) {
        withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { for (i, byte) in $0.enumerated() { bytes[offset + i] = byte } }
    }

    @Test func bothEventsDecode() throws {
        let resets = ResetTracepoints(receiveFormat: Self.received, sendFormat: Self.sent)
        #expect(resets.copies.map(\.eventID) == [2279, 2280])
        #expect(resets.copies.map(\.socket) == [8, 16] && resets.copies.map(\.recordLength) == [64, 88])
        // Received on 127.0.0.1:80 from 127.0.0.2:40001 (ports in host order, addresses as on the wire).
        let received = Self.record(64) { bytes in
            Self.put(UInt16(2279), at: 0, in: &bytes)
            Self.put(UInt16(80), at: 16, in: &bytes)
            Self.put(UInt16(40001), at: 18, in: &bytes)
            Self.put(UInt16(2), at: 20, in: &bytes)
            Self.put(UInt32(0x7F00_0001), at: 22, in: &bytes, bigEndian: true)
            Self.put(UInt32(0x7F00_0002), at: 26, in: &bytes, bigEndian: true)
        }
        let one = try #require(received.withUnsafeBytes { resets.reset($0, time: 2_000_000_000) })
        #expect(one.time == 2 && one.sender.description == "127.0.0.2:40001" && one.receiver.description == "127.0.0.1:80")
        // Sent from [::1]:5000 to [::1]:6000: socket addresses, ports in network order.
        let sent = Self.record(88) { bytes in
            Self.put(UInt16(2280), at: 0, in: &bytes)
            for (offset, port) in [(32, UInt16(5000)), (60, UInt16(6000))] {
                Self.put(UInt16(10), at: offset, in: &bytes)
                Self.put(port, at: offset + 2, in: &bytes, bigEndian: true)
                bytes[offset + 8 + 15] = 1
            }
        }
        let two = try #require(sent.withUnsafeBytes { resets.reset($0, time: 0) })
        #expect(two.sender.description == "[::1]:5000" && two.receiver.description == "[::1]:6000")
        // The reason, named as the format's print line names it; a value it does not name, by number.
        #expect(two.reason == "NOT_SPECIFIED" && one.reason == nil)
        var named = sent, unnamed = sent
        Self.put(UInt32(11), at: 28, in: &named)
        Self.put(UInt32(99), at: 28, in: &unnamed)
        #expect(named.withUnsafeBytes { resets.reset($0, time: 0) }?.reason == "TCP_ABORT_ON_CLOSE")
        #expect(unnamed.withUnsafeBytes { resets.reset($0, time: 0) }?.reason == "reason 99")
        #expect(ResetTracepoints.reasonNames(Self.sent).count == 4 && ResetTracepoints.reasonNames("no print line").isEmpty)
        // Another event, a short record, an unknown family: nothing.
        #expect(Self.record(88) { Self.put(UInt16(7), at: 0, in: &$0) }.withUnsafeBytes { resets.reset($0, time: 0) } == nil)
        #expect(Array(received.prefix(40)).withUnsafeBytes { resets.reset($0, time: 0) } == nil)
        #expect(Self.record(88) { Self.put(UInt16(2280), at: 0, in: &$0) }.withUnsafeBytes { resets.reset($0, time: 0) } == nil)
    }

    /// A format laid out otherwise (a field of another size) is no source, never misread.
    @Test func anUnexpectedLayoutIsNoSource() {
        let widened = Self.received.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.contains("sport;") ? "\tfield:__u32 sport;\toffset:16;\tsize:4;\tsigned:0;" : String($0) }
            .joined(separator: "\n")
        let resets = ResetTracepoints(receiveFormat: widened, sendFormat: nil)
        #expect(resets.copies.isEmpty)
    }

    /// Each copy assembles into a whole program; a copy whose socket field is misplaced is refused.
    @Test func theCopyingProgramIsWholeOrRefused() throws {
        let resets = ResetTracepoints(receiveFormat: Self.received, sendFormat: Self.sent)
        for copy in resets.copies {
            let code = try TransitionProgram.copying(copy, offsets: .init(socketNet: 48, namespaceInode: 160), namespace: 1, ring: 3,
                                                     counters: 4)
            #expect(code.count % 8 == 0 && Array(code.suffix(8)) == [0x95, 0, 0, 0, 0, 0, 0, 0])
        }
        var bad = try #require(resets.copies.first)
        bad.socket = 12
        #expect(throws: TransitionProgram.Refusal.self) {
            try TransitionProgram.copying(bad, offsets: .init(socketNet: 48, namespaceInode: 160), namespace: 1, ring: 3, counters: 4)
        }
    }
}

/// The retransmission tracepoint, read with this kernel's layout (a fixture): the socket's ends,
/// its state, and how `states --events` prints it and filters it.
struct RetransmitTracepointTests {
    static let format = """
        name: tcp_retransmit_skb
        ID: 2281
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:const void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
        \tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;
        \tfield:int state;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:__u16 sport;\toffset:28;\tsize:2;\tsigned:0;
        \tfield:__u16 dport;\toffset:30;\tsize:2;\tsigned:0;
        \tfield:__u16 family;\toffset:32;\tsize:2;\tsigned:0;
        \tfield:__u8 saddr[4];\toffset:34;\tsize:4;\tsigned:0;
        \tfield:__u8 daddr[4];\toffset:38;\tsize:4;\tsigned:0;
        \tfield:__u8 saddr_v6[16];\toffset:42;\tsize:16;\tsigned:0;
        \tfield:__u8 daddr_v6[16];\toffset:58;\tsize:16;\tsigned:0;
        """

    @Test func aRetransmissionDecodesPrintsAndFilters() throws {
        let tracepoint = try #require(RetransmitTracepoint(format: Self.format))
        #expect(tracepoint.copy.socket == 16 && tracepoint.copy.recordLength == 76 && tracepoint.copy.eventID == 2281)
        var record = [UInt8](repeating: 0, count: 76)
        ResetTracepointsTests.put(UInt16(2281), at: 0, in: &record)
        ResetTracepointsTests.put(Int32(2), at: 24, in: &record)  // SYN_SENT
        ResetTracepointsTests.put(UInt16(40000), at: 28, in: &record)
        ResetTracepointsTests.put(UInt16(8080), at: 30, in: &record)
        ResetTracepointsTests.put(UInt16(2), at: 32, in: &record)
        ResetTracepointsTests.put(UInt32(0x7F00_0001), at: 34, in: &record, bigEndian: true)
        ResetTracepointsTests.put(UInt32(0x7F00_0001), at: 38, in: &record, bigEndian: true)
        let resent = try #require(record.withUnsafeBytes { tracepoint.retransmit($0, time: 3_000_000_000) })
        #expect(resent.time == 3 && resent.state == .synSent)
        #expect(resent.line(clock: "T") == "T tcp 127.0.0.1:40000 127.0.0.1:8080 retransmit (SYN_SENT) ebpf")
        #expect(resent.json(wallTime: 5).text.hasPrefix(
            "{\"kind\":\"retransmit\",\"time\":5.0,\"proto\":\"tcp\",\"local\":\"127.0.0.1:40000\",\"remote\":\"127.0.0.1:8080\",\"state\":\"SYN_SENT\""))
        var filter = StatesFilter()
        filter.port = 8080
        #expect(resent.matches(filter))
        filter.port = 9
        #expect(!resent.matches(filter))
        // A state the kernel does not name is no state, not a trap; a short record or another event is nothing.
        ResetTracepointsTests.put(Int32(-5), at: 24, in: &record)
        #expect(record.withUnsafeBytes { tracepoint.retransmit($0, time: 0) }?.state == nil)
        #expect(Array(record.prefix(60)).withUnsafeBytes { tracepoint.retransmit($0, time: 0) } == nil)
        ResetTracepointsTests.put(UInt16(7), at: 0, in: &record)
        #expect(record.withUnsafeBytes { tracepoint.retransmit($0, time: 0) } == nil)
        #expect(RetransmitTracepoint(format: "ID: 1") == nil)
    }
}
