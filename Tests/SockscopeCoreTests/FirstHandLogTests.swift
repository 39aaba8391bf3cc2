@testable import SockscopeCore
import Testing

/// Without root, our sockets' transitions from what we know first-hand, reconciled with the
/// polled tables' readings of them.
@Suite struct FirstHandLogTests {
    static let entry = SocketEntry(proto: .tcp, local: SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000),
                                   remote: SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080), stateCode: 2)

    func names(_ transitions: [Transition]) -> [String] {
        transitions.map { "\($0.from?.name ?? "-") → \($0.to?.name ?? "-")" }
    }

    /// The dial, connect() done, then shutdown() seen by TCP_INFO already acknowledged: the FIN
    /// of ours was sent first, so FIN_WAIT1 is told in between, at once.
    @Test func ourOwnStepsWithTheOneWayBetween() {
        var log = FirstHandLog()
        #expect(log.observe(Self.entry, state: .synSent, at: 1).isEmpty)
        let connected = log.observe(Self.entry, state: .established, at: 1.25)
        #expect(names(connected) == ["SYN_SENT → ESTABLISHED"] && connected[0].duration == 0.25 && connected[0].source == .socket)
        #expect(log.observe(Self.entry, state: .established, at: 2).isEmpty)
        let shut = log.observe(Self.entry, state: .finWait2, at: 3)
        #expect(names(shut) == ["ESTABLISHED → FIN_WAIT1", "FIN_WAIT1 → FIN_WAIT2"])
        #expect(shut[0].duration == 1.75 && shut[1].duration == nil)
        #expect(shut.map(\.entry.stateCode) == [TCPState.finWait1.rawValue, TCPState.finWait2.rawValue])
    }

    /// close() from each state: a FIN where one is owed, RST with SO_LINGER 0.
    @Test func whatCloseDoesAtOnce() {
        #expect(FirstHandLog.afterClose(.established, reset: false) == .finWait1)
        #expect(FirstHandLog.afterClose(.closeWait, reset: false) == .lastAck)
        #expect(FirstHandLog.afterClose(.finWait2, reset: false) == .finWait2)
        #expect(FirstHandLog.afterClose(.synSent, reset: false) == .close)
        #expect(FirstHandLog.afterClose(.established, reset: true) == .close)
    }

    /// The tables' readings of ours: a repeat of what we logged is dropped; a later change is
    /// told from the state we knew (not from their older reading); a vanish names that state.
    @Test func theTablesAreReconciled() throws {
        var log = FirstHandLog()
        _ = log.observe(Self.entry, state: .established, at: 1)
        _ = log.observe(Self.entry, state: .finWait1, at: 2)
        var seen = Self.entry
        seen.stateCode = TCPState.finWait1.rawValue
        let repeated = log.reconcile(Transition(time: 2.2, entry: seen, from: .tcp(.established), to: .tcp(.finWait1), duration: 1))
        #expect(repeated == nil)
        seen.stateCode = TCPState.timeWait.rawValue
        let reconciled = log.reconcile(Transition(time: 2.5, entry: seen, from: .tcp(.established), to: .tcp(.timeWait), duration: 1.5))
        let later = try #require(reconciled)
        #expect(later.from == .tcp(.finWait1) && later.duration == 0.5)
        let vanished = log.reconcile(Transition(time: 62.5, entry: seen, from: .tcp(.timeWait), to: .tcp(.close), duration: 60))
        let gone = try #require(vanished)
        #expect(gone.from == .tcp(.timeWait) && gone.entry.stateCode == TCPState.timeWait.rawValue)
        #expect(!log.knows(ConnectionKey(Self.entry)))
        // A socket we keep no record of passes unchanged.
        let other = Transition(time: 3, entry: seen, from: .tcp(.established), to: .tcp(.closeWait), duration: 1)
        let passed = log.reconcile(other)
        #expect(passed == other)
    }
}
