import Testing
import TestSupport
@testable import SockscopeCore

struct TCPStateTests {
    @Test func codesAndNamesAreTheKernels() {
        #expect(TCPState.allCases.count == 12)
        #expect(TCPState(rawValue: 1)?.name == "ESTABLISHED" && TCPState(rawValue: 12)?.name == "NEW_SYN_RECV")
        #expect(TCPState(name: "fin-wait-1") == .finWait1 && TCPState(name: "TCP_FIN_WAIT2") == .finWait2)
        #expect(TCPState(name: "estab") == .established && TCPState(name: "time-wait") == .timeWait)
        #expect(TCPState(name: "nonsense") == nil)
        for state in TCPState.allCases { #expect(TCPState(name: state.name) == state) }
    }

    @Test func ipv6TextFollowsRFC5952() {
        func v6(_ groups: [UInt16]) -> String {
            IPAddress(bytes: groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }).description
        }
        #expect(v6([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(v6([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]) == "2001:db8::1:0:0:1")
        #expect(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]) == "2001:db8:0:1:1:1:1:1")
        #expect(v6([0xfe80, 0, 0, 0, 0x1, 0x2, 0x3, 0x4]) == "fe80::1:2:3:4")
    }
}
