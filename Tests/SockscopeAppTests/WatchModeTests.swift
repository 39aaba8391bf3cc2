import Glibc
import Testing
import TestSupport
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// `sockscope watch` in-process, without root: the tracepoint and the tables as fakes, the
/// screen a CellGrid, F10 pressed once the tables have been read a few times.
@Suite(.timeLimit(.minutes(1)))
struct WatchModeTests {
    static let ours = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 40000)
    static let peer = SocketEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 8080)

    /// The log shows the traced close fused with the tables' timewait socket — FIN_WAIT2 →
    /// TIME_WAIT, explained — the table shows the timewait socket, and the header the source.
    @Test func watchShowsTheKernelsTransitionsFused() async throws {
        try await offPool { () throws in
            let out = CapturedOutput(), err = CapturedOutput(), feed = FakeFeed()
            let grid = CellGrid(rows: 30, columns: 120)
            let timewait = SocketEntry(proto: .tcp, local: Self.ours, remote: Self.peer, stateCode: TCPState.timeWait.rawValue,
                                       timer: .timeWait, timerTicks: 6000)
            let table = FakeTable([timewait])
            table.onRead = { if table.reads == 4 { grid.press([.function(10)]) } }
            let t = Traced.monotonic()
            feed.queue([
                Traced.event(.established, .finWait1, at: t, socket: 1, local: Self.ours, remote: Self.peer),
                Traced.event(.finWait1, .finWait2, at: t + 0.0001, socket: 1, local: Self.ours, remote: Self.peer),
                Traced.event(.finWait2, .close, at: t + 0.001, socket: 1, local: Self.ours, remote: Self.peer),
            ])
            var io = SystemIO.forTest(stdout: out, stderr: err, feed: feed, table: table)
            io.makeScreen = { _ in grid }
            let status = WatchMode(filter: StatesFilter(), interval: 0.05, io: io).run()
            #expect(status == .success, "\(err.text)")
            let screen = grid.text
            #expect(screen.contains("FIN_WAIT1 → FIN_WAIT2"), "\(screen)")
            #expect(screen.contains("FIN_WAIT2 → TIME_WAIT"), "\(screen)")
            #expect(!screen.contains("FIN_WAIT2 → CLOSE"), "\(screen)")
            #expect(screen.contains("eBPF"), "\(screen)")
            #expect(feed.stopped)
        }
    }
}
