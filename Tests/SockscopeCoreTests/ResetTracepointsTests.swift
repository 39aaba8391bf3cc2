import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

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
