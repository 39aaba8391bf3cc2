import Testing
import TestSupport
@testable import SockscopeCore

struct StatesFilterTests {
    func entry(_ proto: SocketProtocol, _ state: UInt8, port: UInt16 = 80, peer: UInt16 = 0) -> SocketEntry {
        let any = IPAddress(bytes: proto.isIPv6 ? [UInt8](repeating: 0, count: 16) : [0, 0, 0, 0])
        return SocketEntry(proto: proto, local: SocketEndpoint(address: any, port: port),
                           remote: SocketEndpoint(address: any, port: peer), stateCode: state)
    }

    @Test func protocolsFamiliesStatesPorts() throws {
        var filter = StatesFilter()
        #expect(filter.protocols == [.tcp, .tcp6, .udp, .udp6])
        filter.udp = true
        filter.ipv6Only = true
        #expect(filter.protocols == [.udp6])
        var listening = StatesFilter()
        listening.listening = true
        #expect(listening.matches(entry(.tcp, 10)) && listening.matches(entry(.udp, 7)))
        #expect(!listening.matches(entry(.tcp, 1)) && !listening.matches(entry(.udp, 1)))
        var states = StatesFilter()
        states.states = try StatesFilter.states("time-wait,UNCONN")
        #expect(states.matches(entry(.tcp, 6)) && states.matches(entry(.udp6, 7)) && !states.matches(entry(.tcp, 1)))
        var port = StatesFilter()
        port.port = 443
        #expect(port.matches(entry(.tcp, 1, port: 5000, peer: 443)) && !port.matches(entry(.tcp, 1)))
        #expect(throws: UsageError.self) { try StatesFilter.states("ESTABLISHED,nope") }
        // As in ss, ESTABLISHED also names a connected UDP socket.
        #expect(try StatesFilter.states("established") == [.tcp(.established), .udpConnected])
    }
}
