import Glibc
import Testing
import TestSupport
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport

/// `states --events` in-process, without root: the tracepoint and the tables as fakes.
@Suite(.timeLimit(.minutes(1)))
struct EventsModeTests {
    static let ours = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let peer = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)

    static func options(duration: Double) -> StatesMode.Options {
        var options = StatesMode.Options()
        options.events = true
        options.json = true
        options.duration = duration
        return options
    }

    /// `FROM>TO` of each transition line, in the order written.
    static func pairs(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard let object = JSONReader.parse(line), object.text("kind") == "transition" else { return nil }
            return "\(object.text("from") ?? "-")>\(object.text("to") ?? "-")"
        }
    }

    /// A dial's whole life from the tracepoint, its ending fused with the timewait socket the
    /// tables show (one arrow into TIME_WAIT), in the kernel's order; what the kernel lost is
    /// a `lost` line, never silence.
    @Test func aConnectionsLifeInOrderFusedAndItsLossCounted() async throws {
        try await offPool { () throws in
            let out = CapturedOutput(), err = CapturedOutput(), feed = FakeFeed()
            let table = FakeTable([SocketEntry(proto: .tcp, local: Self.ours, remote: Self.peer, stateCode: TCPState.timeWait.rawValue,
                                               timer: .timeWait, timerTicks: 6000)])
            let t = Traced.monotonic()
            let unbound = SocketEndpoint(address: Self.ours.address, port: 0)
            feed.queue([
                Traced.event(.close, .synSent, at: t, socket: 1, local: unbound, remote: Self.peer),
                Traced.event(.synSent, .established, at: t + 0.0001, socket: 1, local: Self.ours, remote: Self.peer),
                Traced.event(.established, .finWait1, at: t + 0.001, socket: 1, local: Self.ours, remote: Self.peer),
                Traced.event(.finWait1, .finWait2, at: t + 0.0011, socket: 1, local: Self.ours, remote: Self.peer),
                Traced.event(.finWait2, .close, at: t + 0.002, socket: 1, local: Self.ours, remote: Self.peer),
            ], lost: 3)
            let status = EventsMode(options: Self.options(duration: 0.4), io: .forTest(stdout: out, stderr: err, feed: feed, table: table)).run()
            #expect(status == .success, "\(err.text)")
            let lines = out.lines
            #expect(lines.first?.hasPrefix(#"{"kind":"start","sources":["ebpf","proc"]"#) == true)
            #expect(Self.pairs(lines) == ["CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>FIN_WAIT2",
                                          "FIN_WAIT2>TIME_WAIT"])
            #expect(lines.contains(#"{"kind":"lost","events":3}"#))
            #expect(feed.stopped && table.reads >= 2)
        }
    }

    /// The tables prove a transition the tracepoint never reported (a LAST_ACK socket gone with
    /// no traced close): told from the tables once the fusion's patience is over, and counted.
    @Test func whatTheTracepointNeverReportedIsCounted() async throws {
        try await offPool { () throws in
            let out = CapturedOutput(), err = CapturedOutput(), feed = FakeFeed()
            let table = FakeTable([SocketEntry(proto: .tcp, local: Self.ours, remote: Self.peer, stateCode: TCPState.lastAck.rawValue)])
            let t = Traced.monotonic()
            feed.queue([Traced.event(.closeWait, .lastAck, at: t, socket: 2, local: Self.ours, remote: Self.peer)])
            // The socket vanishes from the tables after the first reading; no record says so.
            var readings = 0
            table.onRead = {
                readings += 1
                if readings == 2 { table.entries = [] }
            }
            let status = EventsMode(options: Self.options(duration: 0.4), io: .forTest(stdout: out, stderr: err, feed: feed, table: table)).run()
            #expect(status == .success, "\(err.text)")
            #expect(Self.pairs(out.lines) == ["CLOSE_WAIT>LAST_ACK", "LAST_ACK>CLOSE"])
            #expect(out.lines.contains(#"{"kind":"lost","events":1,"at":"unreported"}"#))
        }
    }

    /// Without the tracepoint (no root): the start line says what is off and why, and the stream
    /// runs from the tables alone.
    @Test func withoutTheTracepointTheStartLineSaysWhy() async throws {
        try await offPool { () throws in
            let out = CapturedOutput(), err = CapturedOutput()
            let table = FakeTable([SocketEntry(proto: .tcp, local: Self.ours, remote: Self.peer, stateCode: TCPState.established.rawValue)])
            var readings = 0
            table.onRead = {
                readings += 1
                if readings == 2 { table.entries = [] }
            }
            let status = EventsMode(options: Self.options(duration: 0.4), io: .forTest(stdout: out, stderr: err, table: table)).run()
            #expect(status == .success)
            #expect(out.lines.first == #"{"kind":"start","sources":["proc"],"unavailable":{"ebpf":"needs root","tracefs":"needs root"}}"#)
            #expect(Self.pairs(out.lines) == ["ESTABLISHED>CLOSE"])
            #expect(err.text.contains("the tracepoint is off"))
        }
    }
}
