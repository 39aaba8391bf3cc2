import Glibc
import Testing
import TestSupport
@testable import SockscopeCore

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
