import Testing
import TestSupport
@testable import SockscopeCore

struct TraceEventTests {
    @Test func parsesTheLinesThisKernelWrites() {
        let events = fixture("trace-pipe.txt").split(separator: "\n").compactMap(TraceEvent.parse)
        // Three IPv4 TCP events captured here, one IPv6; MPTCP and other events are not ours.
        #expect(events.count == 4)
        #expect(events[0].from == .close && events[0].to == .listen && events[0].remote.port == 0)
        #expect(events[1].from == .close && events[1].to == .synSent && events[1].local.port == 0)
        #expect(events[0].local.description.hasPrefix("127.0.0.1:") && events[0].task.hasPrefix("nc-"))
        let v6 = events[3]
        #expect(v6.ipv6 && v6.local.description == "[::1]:8080" && v6.remote.description == "[::1]:40000")
        #expect(v6.time == 2700.000001 && v6.from == .established && v6.to == .closeWait)
    }

    @Test func rejectsGarbage() {
        for line in ["", "inet_sock_set_state:", "x 1.0: inet_sock_set_state: protocol=IPPROTO_TCP sport=a",
                     "x 1.0: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=1 dport=2 saddr=1.2.3 daddr=1.2.3.4 oldstate=TCP_CLOSE newstate=TCP_LISTEN"] {
            #expect(TraceEvent.parse(Substring(line)) == nil, "\(line)")
        }
    }

    @Test func parsesAddressText() {
        #expect(IPAddress(text: "::ffff:127.0.0.1")?.description == "::ffff:127.0.0.1")
        #expect(IPAddress(text: "2001:db8::1")?.description == "2001:db8::1")
        #expect(IPAddress(text: "::")?.isUnspecified == true)
        #expect(IPAddress(text: "1:2:3:4:5:6:7:8:9") == nil && IPAddress(text: "1::2::3") == nil && IPAddress(text: "256.0.0.1") == nil)
    }
}

struct TraceDurationsTests {
    func event(_ t: Double, _ local: UInt16, _ remote: UInt16, _ from: TCPState, _ to: TCPState) -> TraceEvent {
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        return TraceEvent(time: t, local: SocketEndpoint(address: lo, port: local),
                          remote: SocketEndpoint(address: lo, port: remote), ipv6: false, from: from, to: to, task: "")
    }

    @Test func connectBeforeThePortIsBound() {
        var durations = TraceDurations()
        #expect(durations.duration(of: event(1.0, 0, 80, .close, .synSent)) == nil)
        #expect(durations.duration(of: event(1.5, 5000, 80, .synSent, .established)) == 0.5)
        #expect(durations.duration(of: event(3.5, 5000, 80, .established, .finWait1)) == 2.0)
    }

    @Test func childSocketsBirthHasNoDuration() {
        var durations = TraceDurations()
        #expect(durations.duration(of: event(1.0, 80, 0, .close, .listen)) == nil)
        #expect(durations.duration(of: event(2.0, 80, 5000, .listen, .synRecv)) == nil)
        #expect(durations.duration(of: event(2.25, 80, 5000, .synRecv, .established)) == 0.25)
        #expect(durations.duration(of: event(9.0, 80, 0, .listen, .close)) == 8.0)
    }
}

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
        states.states = try StatesFilter.stateNames("time-wait,UNCONN")
        #expect(states.matches(entry(.tcp, 6)) && states.matches(entry(.udp6, 7)) && !states.matches(entry(.tcp, 1)))
        var port = StatesFilter()
        port.port = 443
        #expect(port.matches(entry(.tcp, 1, port: 5000, peer: 443)) && !port.matches(entry(.tcp, 1)))
        #expect(throws: UsageError.self) { try StatesFilter.stateNames("ESTABLISHED,nope") }
    }
}

/// Convention 7: the layout at several widths, compared with snapshots kept in Fixtures.
struct StatesTableTests {
    static let rows: [[String]] = [
        ["tcp", "LISTEN", "0", "0", "127.0.0.1:8080", "0.0.0.0:0", "-", "nginx[1234]"],
        ["tcp", "TIME_WAIT", "0", "0", "127.0.0.1:51234", "127.0.0.1:8080", "timewait 59.3s", "-"],
        ["tcp6", "ESTABLISHED", "1000", "20", "[2001:db8::1234:5678]:443", "[2001:db8::abcd:ef01]:55000", "on 200ms", "curl[42]"],
        ["udp", "UNCONN", "0", "0", "0.0.0.0:5353", "0.0.0.0:0", "-", "avahi-daemon[77]"],
    ]

    @Test(arguments: [120, 80, 60])
    func layoutSnapshot(width: Int) {
        let text = StatesTable.layout(Self.rows, width: width).joined(separator: "\n") + "\n"
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= width })
        assertSnapshot(text, named: "states-table-\(width).txt")
    }

    @Test func pipesGetWholeLines() {
        let lines = StatesTable.layout(Self.rows, width: nil)
        #expect(lines[3].hasSuffix("[2001:db8::abcd:ef01]:55000  on 200ms        curl[42]"))
    }

    @Test func jsonEscapesControlCharacters() {
        #expect(JSONValue.string("a\"b\\c\n\u{1b}").text == "\"a\\\"b\\\\c\\n\\u001b\"")
        #expect(JSONValue.object([("x", .null), ("y", .int(-1))]).text == "{\"x\":null,\"y\":-1}")
    }
}

struct ByteWriterTests {
    /// The fast writer produces exactly the object the reference encoder does.
    @Test func fastJSONMatchesTheReference() {
        for proto in SocketProtocol.allCases {
            let (entries, _) = ProcNetParser.parse(fixture("proc-net-\(proto.rawValue).txt"), proto: proto)
            for (index, entry) in entries.enumerated() {
                let owner = index % 2 == 0 ? StatesTable.Owner(pid: 42, command: "py\"thon\u{1}") : nil
                var out = ByteWriter()
                entry.writeJSON(owner: owner, to: &out)
                #expect(String(decoding: out.bytes, as: UTF8.self) == entry.json(owner: owner).text)
            }
        }
    }

    @Test func numbersAndBytes() {
        var out = ByteWriter()
        out.append(-120)
        out.append(byte: 0x20)
        out.append(UInt64(0))
        out.append(" ")
        out.append(UInt64.max)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "-120 0 18446744073709551615")
    }
}

extension SocketEntry {
    /// The same object built as a JSONValue tree: the reference the fast writer must match.
    func json(owner: StatesTable.Owner?) -> JSONValue {
        .object([
            ("proto", .string(proto.rawValue)), ("state", .string(stateName)),
            ("local", .string(local.description)), ("remote", .string(remote.description)),
            ("recvQ", .int(Int(recvQueue))), ("sendQ", .int(Int(sendQueue))),
            ("timer", .string(timer.name)), ("expiresMs", expiresMs.map { .int($0) } ?? .null),
            ("retransmits", .int(Int(retransmits))), ("uid", .int(Int(uid))), ("inode", .int(Int(inode))),
            ("pid", owner.map { .int(Int($0.pid)) } ?? .null),
            ("command", owner.map { .string($0.command) } ?? .null),
        ])
    }
}
