import Testing
@testable import SockscopeCore

/// An ending explained by the RST the capture saw, or by its absence.
struct ResetMemoryTests {
    static let dialer = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let server = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)

    static func reset(from source: SocketEndpoint, to destination: SocketEndpoint, at time: Double) -> Segment {
        let header = TCPHeader(flags: [.rst, .ack], sequence: 1, acknowledgment: 1, window: 0, urgentPointer: 0, dataLength: 0, options: [])
        var analyzer = SegmentAnalyzer()
        return analyzer.analyze(DecodedFrame(source: source, destination: destination, transport: .tcp(header)), time: time)
    }

    static func ending(_ from: TCPState, local: SocketEndpoint, remote: SocketEndpoint, cause: Transition.Cause) -> Transition {
        var transition = Transition(time: 10, entry: SocketEntry(proto: .tcp, local: local, remote: remote, stateCode: TCPState.close.rawValue),
                                    from: .tcp(from), to: .tcp(.close), duration: 0.1, source: .tracefs)
        transition.cause = cause
        return transition
    }

    @Test func whoSentIt() {
        var memory = ResetMemory()
        memory.record(Self.reset(from: Self.server, to: Self.dialer, at: 10.0001))
        let dialerEntry = SocketEntry(proto: .tcp, local: Self.dialer, remote: Self.server, stateCode: 7)
        let serverEntry = SocketEntry(proto: .tcp, local: Self.server, remote: Self.dialer, stateCode: 7)
        #expect(memory.cause(of: dialerEntry, at: 10) == .resetReceived)
        #expect(memory.cause(of: serverEntry, at: 10) == .resetSent)
        #expect(memory.cause(of: dialerEntry, at: 12) == .noReset)  // long after: not this ending's
        let other = SocketEntry(proto: .tcp, local: Self.dialer, remote: SocketEndpoint(address: Self.server.address, port: 1), stateCode: 7)
        #expect(memory.cause(of: other, at: 10) == .noReset)
    }

    @Test func endingsSayWhatHappened() {
        let refused = Self.ending(.synSent, local: Self.dialer, remote: Self.server, cause: .resetReceived).explanation
        #expect(refused.hasPrefix("SYN_SENT → CLOSE (CLOSED): the connection was refused") && refused.contains("ECONNREFUSED"))
        #expect(Self.ending(.synSent, local: Self.dialer, remote: Self.server, cause: .noReset).explanation.contains("ETIMEDOUT"))
        let duplicate = Self.ending(.synRecv, local: Self.server, remote: Self.dialer, cause: .noReset).explanation
        #expect(duplicate.contains("duplicate") && !duplicate.contains("reset by the peer"))
        let stalled = Self.ending(.finWait1, local: Self.dialer, remote: Self.server, cause: .resetReceived).explanation
        #expect(stalled.contains("a RST from the peer arrived") && !stalled.contains("FIN and ACK arrived together"))
        #expect(Self.ending(.established, local: Self.dialer, remote: Self.server, cause: .resetSent).explanation.contains("this socket sent a RST"))
        // Where the segments change nothing, the usual sentence stays.
        #expect(Self.ending(.lastAck, local: Self.server, remote: Self.dialer, cause: .noReset).explanation
                == SocketRole.name(in: StateExplanations.transition(from: .lastAck, to: .close), nil))
        #expect(Self.ending(.established, local: Self.dialer, remote: Self.server, cause: .resetSent)
            .json(wallTime: 1, owner: nil).text.contains("\"cause\":\"reset sent\""))
    }

    /// The kernel's report of a RST it sent (eBPF) carries its reason: both ends' endings say
    /// which abort it was — the one that sent it, and its peer in the same namespace — and the
    /// capture's segment of the same RST keeps it.
    @Test func theKernelsReasonExplainsBothEnds() {
        var memory = ResetMemory()
        memory.record(sender: Self.dialer, receiver: Self.server, at: 10.0001, reason: "TCP_ABORT_ON_CLOSE")
        memory.record(Self.reset(from: Self.dialer, to: Self.server, at: 10.0002))
        let dialerEntry = SocketEntry(proto: .tcp, local: Self.dialer, remote: Self.server, stateCode: 7)
        let serverEntry = SocketEntry(proto: .tcp, local: Self.server, remote: Self.dialer, stateCode: 7)
        #expect(memory.cause(of: dialerEntry, at: 10) == .resetSent && memory.cause(of: serverEntry, at: 10) == .resetReceived)
        #expect(memory.reason(of: dialerEntry, at: 10) == "TCP_ABORT_ON_CLOSE" && memory.reason(of: serverEntry, at: 10) == "TCP_ABORT_ON_CLOSE")
        #expect(memory.reason(of: dialerEntry, at: 12) == nil)
        var sent = Self.ending(.established, local: Self.dialer, remote: Self.server, cause: .resetSent)
        sent.resetReason = "TCP_ABORT_ON_CLOSE"
        #expect(sent.explanation.contains("this socket sent a RST: the application closed it with data still unread")
                && sent.explanation.hasSuffix("(the kernel's reason: TCP_ABORT_ON_CLOSE)."))
        #expect(sent.json(wallTime: 1, owner: nil).text.contains("\"cause\":\"reset sent\",\"resetReason\":\"TCP_ABORT_ON_CLOSE\""))
        var received = Self.ending(.established, local: Self.server, remote: Self.dialer, cause: .resetReceived)
        received.resetReason = "TCP_STATE"
        #expect(received.explanation.contains("a RST from the peer arrived — on the peer's side, the application aborted the connection"))
        // A reason the sentences do not know keeps the general one; the JSON still names it.
        var unknown = Self.ending(.established, local: Self.dialer, remote: Self.server, cause: .resetSent)
        unknown.resetReason = "MPTCP_RST_EMPTCP"
        #expect(unknown.explanation.contains("this socket sent a RST: it aborted the connection (SO_LINGER 0"))
        #expect(unknown.json(wallTime: 1, owner: nil).text.contains("\"resetReason\":\"MPTCP_RST_EMPTCP\""))
    }

    @Test func bounded() {
        var memory = ResetMemory()
        for port in 0..<10_000 {
            let peer = SocketEndpoint(address: Self.server.address, port: UInt16(10_000 + port))
            memory.record(Self.reset(from: peer, to: Self.dialer, at: Double(port)))
            #expect(memory.resets.count <= ResetMemory.limit)
        }
    }
}
