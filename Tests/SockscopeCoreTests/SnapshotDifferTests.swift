import Testing
@testable import SockscopeCore

struct SnapshotDifferTests {
    func entry(_ port: UInt16, _ state: TCPState, peer: UInt16 = 80, proto: SocketProtocol = .tcp) -> SocketEntry {
        let lo = IPAddress(bytes: [127, 0, 0, 1])
        return SocketEntry(proto: proto, local: SocketEndpoint(address: lo, port: port),
                           remote: SocketEndpoint(address: lo, port: peer), stateCode: state.rawValue)
    }

    @Test func firstSnapshotIsABaseline() {
        var differ = SnapshotDiffer()
        #expect(differ.update([entry(1000, .established)], at: 0).isEmpty)
    }

    @Test func appearedChangedVanishedWithDurations() {
        var differ = SnapshotDiffer()
        _ = differ.update([entry(1000, .established)], at: 0)
        // Known since the baseline: the time in ESTABLISHED is unknown.
        let first = differ.update([entry(1000, .finWait2), entry(2000, .synSent)], at: 1)
        #expect(first.map { "\($0.from?.name ?? "-")>\($0.to?.name ?? "-")" } == ["ESTABLISHED>FIN_WAIT2", "CLOSE>SYN_SENT"])
        #expect(first[0].duration == nil)
        // Both states were entered at t=1: now their durations are known.
        let second = differ.update([entry(1000, .timeWait), entry(2000, .established)], at: 1.5)
        #expect(second.map(\.duration) == [0.5, 0.5])
        let third = differ.update([entry(2000, .established)], at: 61.5)
        #expect(third.count == 1)
        #expect(third[0].from == .tcp(.timeWait) && third[0].to == .tcp(.close) && third[0].duration == 60)
        #expect(third[0].explanation.contains("TIME_WAIT expired"))
    }

    @Test func queueChangesAreNotTransitions() {
        var differ = SnapshotDiffer()
        _ = differ.update([entry(1000, .established)], at: 0)
        var busier = entry(1000, .established)
        busier.recvQueue = 500
        #expect(differ.update([busier], at: 1).isEmpty)
    }

    @Test func udpAppearsAndVanishesWithoutTCPStates() {
        var differ = SnapshotDiffer()
        _ = differ.update([], at: 0)
        let appeared = differ.update([entry(5353, .close, peer: 0, proto: .udp)], at: 1)
        #expect(appeared[0].from == nil && appeared[0].to == .udpUnconnected)
        let vanished = differ.update([], at: 2)
        #expect(vanished[0].from == .udpUnconnected && vanished[0].to == nil && vanished[0].duration == 1)
    }
}
