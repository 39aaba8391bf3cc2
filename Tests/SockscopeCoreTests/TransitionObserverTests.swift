import Testing
@testable import SockscopeCore

/// The one observer every mode feeds: our own calls in the kernel's order, the tracepoint's
/// records fused with the tables, endings explained by their RSTs.
struct TransitionObserverTests {
    static let ours = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let peer = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)
    static let key = ConnectionKey(proto: .tcp, local: ours, remote: peer)

    static func event(_ from: TCPState, _ to: TCPState, at time: Double, local: SocketEndpoint = ours) -> TraceEvent {
        var event = TraceEvent(time: time, socket: 7, local: local, remote: peer, ipv6: false, from: from, to: to)
        event.source = .ebpf
        return event
    }

    static func pairs(_ transitions: [Transition]) -> [String] {
        transitions.map { "\($0.from?.name ?? "-")>\($0.to?.name ?? "-")" }
    }

    /// On loopback the kernel stamps the whole handshake before connect() returns and the loop
    /// logs our dial: stamped when connect() was called, our SYN_SENT comes first in time, and the
    /// tracepoint's own record of it (no port yet) is not told twice.
    @Test func ourDialPrecedesTheKernelsEstablished() {
        var observer = TransitionObserver(tracing: true, patience: TransitionFusion.ebpfPatience)
        let dial = observer.dialing(Self.key, since: 10.000)
        let traced = observer.traced(Self.event(.close, .synSent, at: 10.001, local: SocketEndpoint(address: Self.ours.address, port: 0)))
            + observer.traced(Self.event(.synSent, .established, at: 10.002))
        #expect(Self.pairs(dial) == ["CLOSE>SYN_SENT"] && dial.first?.source == .socket)
        #expect(Self.pairs(traced) == ["SYN_SENT>ESTABLISHED"])
        let told = (dial + traced).sorted { $0.time < $1.time }
        #expect(Self.pairs(told) == ["CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED"])
        // A second dial of someone else's to the same peer is theirs: told.
        #expect(Self.pairs(observer.traced(Self.event(.close, .synSent, at: 11))) == ["CLOSE>SYN_SENT"])
    }

    /// Without the tracepoint our transitions are told first-hand, from our calls and TCP_INFO;
    /// with it the kernel says them and our calls add nothing.
    @Test func firstHandOnlyWithoutTheTracepoint() {
        var alone = TransitionObserver(tracing: false)
        #expect(Self.pairs(alone.dialing(Self.key, since: 1)) == ["CLOSE>SYN_SENT"])
        #expect(Self.pairs(alone.opened(Self.key, accepted: false, state: .established, at: 1.1)) == ["SYN_SENT>ESTABLISHED"])
        // close() from ESTABLISHED: the FIN (FIN_WAIT1); the lookup then finds a timewait socket.
        let closed = alone.closed(Self.key, before: .established, reset: false, at: 2) { _ in .timeWait }
        #expect(Self.pairs(closed) == ["ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>TIME_WAIT"])

        var traced = TransitionObserver(tracing: true)
        _ = traced.dialing(Self.key, since: 1)
        #expect(traced.opened(Self.key, accepted: false, state: .established, at: 1.1).isEmpty)
        #expect(traced.closed(Self.key, before: .established, reset: false, at: 2) { _ in .timeWait }.isEmpty)
    }

    /// A lab settles a handoff at once with an exact lookup: one arrow into TIME_WAIT, or a close
    /// where no timewait socket is kept; an orphan that stays FIN_WAIT2 is no arrow.
    @Test func aHandoffSettledAtOnce() {
        var observer = TransitionObserver(tracing: true)
        #expect(Self.pairs(observer.traced(Self.event(.finWait2, .close, at: 1)) { _ in .timeWait }) == ["FIN_WAIT2>TIME_WAIT"])
        #expect(Self.pairs(observer.traced(Self.event(.finWait1, .close, at: 2)) { _ in nil }) == ["FIN_WAIT1>CLOSE"])
        #expect(observer.traced(Self.event(.finWait2, .close, at: 3)) { _ in .finWait2 }.isEmpty)
        #expect(observer.heldCount == 0)
        // Without a lookup the ending waits for a table reading.
        #expect(observer.traced(Self.event(.closing, .close, at: 4)).isEmpty && observer.heldCount == 1)
    }

    /// An ending is explained by the RST behind it; without the capture, a fresh "no reset" may
    /// be a report not read yet, and the ending keeps its general sentence until `resetWait`.
    @Test func endingsExplainedByTheirResets() {
        var observer = TransitionObserver(tracing: true, kernelResets: true)
        let ending = observer.traced(Self.event(.established, .close, at: 5)).first
        #expect(ending.map { observer.explained($0, now: 5.001).cause } == .some(nil))
        #expect(ending.map { observer.explained($0, now: 5 + 2 * TransitionObserver.resetWait).cause } == .noReset)
        observer.saw(ResetTracepoints.Reset(time: 5.0001, sender: Self.peer, receiver: Self.ours, reason: "NOT_SPECIFIED"))
        let explained = ending.map { observer.explained($0, now: 5.001) }
        #expect(explained?.cause == .resetReceived && explained?.resetReason == "NOT_SPECIFIED")

        // The capture's segments are stamped on the wall clock: moved onto the monotonic one.
        var captured = TransitionObserver(tracing: true, capturing: true, wallOffset: 1000)
        let closed = captured.traced(Self.event(.established, .close, at: 7)).first
        #expect(closed.map { captured.explained($0, now: 7).cause } == .noReset)
        captured.saw(ResetMemoryTests.reset(from: Self.ours, to: Self.peer, at: 1007.0001))
        #expect(closed.map { captured.explained($0, now: 7).cause } == .resetSent)
    }
}
