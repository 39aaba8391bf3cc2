import Glibc
import Testing
import TestSupport
@testable import SockscopeApp
@testable import SockscopeCore
import SockscopeTransport
import SockscopeTUI

/// The screen's loop in-process, on the one engine: a socketpair (or loopback) for the connection,
/// keys pressed into a CellGrid, a manual clock (DESIGN.md: all OS input through one struct).
@Suite(.timeLimit(.minutes(1)))
struct ScreenLoopTests {
    @Test func linesGoBothWays() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan()) { $0.addConnection(ours, peer: nil) }
        rig.type("hello")
        var heard: [UInt8] = []
        try rig.run(until: "the line reaches the peer") {
            heard += peer.read() ?? []
            return heard == Array("hello\n".utf8)
        }
        peer.write("world\u{1b}[2J\n")
        try rig.run(until: "the peer's line on the screen") { rig.text.contains("world\\x1b[2J") }
        #expect(rig.face.model.connection(1)?.bytesIn == 10 && rig.face.model.connection(1)?.bytesOut == 6)
    }

    /// Our dial in the kernel's order: on loopback the kernel stamps the whole handshake before
    /// the loop logs our connect(); the log's CLOSE → SYN_SENT is stamped when connect() was
    /// called, so it comes before the kernel's SYN_SENT → ESTABLISHED, once, in time and in order.
    @Test func ourDialsSynSentPrecedesTheKernelsEstablished() throws {
        let listener = try loopbackListener()
        defer { close(listener.fd) }
        let feed = FakeFeed()
        let rig = try ScreenRig(ScreenRig.plan(), trace: feed) { engine in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            _ = try? Socket.startConnect(fd, to: listener.address)
            guard let local = Socket.localAddress(fd).endpoint, let remote = listener.address.endpoint else { return }
            // connect() at 99.990; the kernel's records at 99.995 and 99.996; the loop at 100.
            feed.queue([
                Traced.event(.close, .synSent, at: 99.995, socket: 9, local: SocketEndpoint(address: local.address, port: 0), remote: remote),
                Traced.event(.synSent, .established, at: 99.996, socket: 9, local: local, remote: remote),
            ])
            engine.addConnecting(fd, peer: listener.address, since: 99.990)
        }
        try rig.run(until: "the kernel's ESTABLISHED is logged") {
            rig.face.model.log.items.contains { $0.transition.to == .tcp(.established) }
        }
        let ours = rig.face.model.log.items.map(\.transition).filter { $0.entry.remote.port == listener.address.endpoint?.port }
        #expect(ours.map { "\($0.from?.name ?? "-")>\($0.to?.name ?? "-")" } == ["CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED"])
        #expect(ours.map(\.time) == [99.990, 99.996])
        #expect(ours.first?.source == .socket && ours.last?.source == .ebpf)
    }

    /// A name with several addresses: the one refused is shown failed and the next is tried by
    /// the loop, on the screen, without blocking it; the one that answers is the connection.
    @Test func aRefusedAddressIsShownAndTheNextOneTried() throws {
        let listener = try loopbackListener()
        defer { close(listener.fd) }
        let closed = try loopbackListener()
        close(closed.fd)  // a port nothing listens on: refused
        let start = { (address: SocketAddress) in
            Dialer(datagram: false, timeout: nil, source: nil, sourcePort: nil, signalFD: -1).start(to: address)
        }
        let rig = try ScreenRig(ScreenRig.plan()) { engine in
            guard case .success(let first) = start(closed.address) else { return }
            engine.addConnecting(first.fd, peer: closed.address, then: [listener.address], start: start)
        }
        let closedPort = closed.address.endpoint?.port ?? 0, openPort = listener.address.endpoint?.port ?? 0
        try rig.run(until: "the second address connects") { rig.face.model.connections.first?.open == true }
        let notes = rig.face.model.conversation.entries.map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(notes.contains { $0.hasPrefix("connect() to 127.0.0.1:\(closedPort) failed: connection refused") })
        #expect(notes.contains { $0.hasPrefix("connecting to 127.0.0.1:\(openPort)") })
        #expect(rig.face.model.connections.count == 1 && rig.face.model.connections.first?.peer == "127.0.0.1:\(openPort)")
        var accepted = sockaddr_storage(), length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let server = withUnsafeMutablePointer(to: &accepted) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener.fd, $0, &length) }
        }
        #expect(server >= 0)
        if server >= 0 { close(server) }
    }

    /// A stage over the connection (TLS's place): what it tells is in the conversation, what it
    /// agreed on in the header — escaped, as everything from a peer.
    @Test func aStagesWordsReachTheConversationAndTheHeader() throws {
        final class TellingStage: ByteStream {
            let plain: PlainStream
            var told = false
            init(fd: Int32) { plain = PlainStream(fd: fd) }
            func send(_ bytes: UnsafeRawPointer, count: Int) -> Int { plain.send(bytes, count: count) }
            func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> Int { plain.receive(into: buffer, count: count) }
            func finishSending() { plain.finishSending() }
            func events(reading: Bool, writing: Bool) -> Int32 { plain.events(reading: reading, writing: writing) }
            var buffered: Int { 0 }
            var splicable: Bool { false }
            func advance() -> Bool { true }
            var failure: String? { nil }
            var summary: String? { told ? "TLSv9 \u{1b}[2J" : nil }
            func takeNotes() -> [StageNote] {
                guard !told else { return [] }
                told = true
                return [StageNote("TLS: agreed \u{1b}]0;title\u{07}")]
            }
        }
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan()) { engine in
            engine.makeStream = { TellingStage(fd: $0) }
            engine.addConnection(ours, peer: nil)
        }
        try rig.run(until: "the stage's words") { rig.text.contains("TLS: agreed") }
        let screen = rig.text
        #expect(screen.contains("TLS: agreed \\x1b]0;title\\x07"), "\(screen)")
        #expect(screen.split(separator: "\n").first?.contains("· TLSv9 \\x1b[2J") == true, "\(screen)")
    }

    /// /shutdown: FIN once what is queued has gone; reading goes on (FIN_WAIT2 while the peer
    /// still talks).
    @Test func shutdownSendsFinAndKeepsReading() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan()) { $0.addConnection(ours, peer: nil) }
        rig.type("last words")
        rig.type("/shutdown")
        var heard: [UInt8] = []
        var ended = false
        try rig.run(until: "the peer reads our line, then end of stream") {
            guard let bytes = peer.read() else { ended = true; return true }
            heard += bytes
            return false
        }
        #expect(ended && heard == Array("last words\n".utf8))
        #expect(rig.text.contains("we sent FIN (shutdown of our write half); reading goes on"))
        peer.write("still here\n")
        try rig.run(until: "the peer's late line") { rig.text.contains("still here") }
        #expect(rig.engine.openConnections.count == 1)
    }

    /// The peer's FIN: a dialed connection stays open (CLOSE_WAIT, as nc) until end of input;
    /// with -N, Ctrl-D then sends ours and the connection ends.
    @Test func peerFinThenCtrlDWithN() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan(endOfInput: .shutdownWrite)) { $0.addConnection(ours, peer: nil) }
        shutdown(peer.fd, Int32(SHUT_WR))
        try rig.run(until: "the peer's FIN noted") { rig.text.contains("the peer sent FIN: it will send nothing more") }
        try rig.settle()
        #expect(rig.engine.openConnections.count == 1, "held half-closed until end of input")
        rig.grid.press([.control("d")])
        try rig.run(until: "the connection ends") { rig.engine.openConnections.isEmpty }
        #expect(peer.read() == nil, "our FIN arrived")
        #expect(rig.face.model.connection(1)?.open == false)
        #expect(rig.outcome == nil, "the screen stays after its connection ends")
    }

    /// -k with clients that come and go: one that finishes is closed (no CLOSE_WAIT counting
    /// against --max-conns), so a third is served; /broadcast reaches every one.
    @Test func keepListeningServesClientsThatComeAndGo() throws {
        let listener = try loopbackListener()
        let rig = try ScreenRig(ScreenRig.plan(listen: true, keep: true, maxConnections: 2)) { $0.setListener(listener.fd) }
        let first = try listener.connect(), second = try listener.connect()
        defer { close(first.fd); close(second.fd) }
        try rig.run(until: "two connections") { rig.face.model.connections.count == 2 }
        rig.type("/broadcast to all")
        var heard: [[UInt8]] = [[], []]
        try rig.run(until: "both clients hear it") {
            heard[0] += first.read() ?? []
            heard[1] += second.read() ?? []
            return heard.allSatisfy { $0 == Array("to all\n".utf8) }
        }
        shutdown(first.fd, Int32(SHUT_WR))
        try rig.run(until: "the finished client is closed") { rig.engine.openConnections.count == 1 }
        let third = try listener.connect()
        defer { close(third.fd) }
        try rig.run(until: "a third client is served") { rig.face.model.connections.count == 3 }
        #expect(!rig.text.contains("refused"))
        #expect(rig.engine.openConnections.count == 2)
    }

    /// Out of descriptors: accepting pauses (the listener is no longer polled, so the loop does
    /// not spin) and resumes when a connection closes.
    @Test func outOfDescriptorsPausesAccepting() throws {
        let listener = try loopbackListener()
        let rig = try ScreenRig(ScreenRig.plan(listen: true, keep: true)) { $0.setListener(listener.fd) }
        let first = try listener.connect()
        defer { close(first.fd) }
        try rig.run(until: "one connection") { rig.face.model.connections.count == 1 }
        var attempts = 0
        rig.engine.accepter = { _ throws(SystemError) in
            attempts += 1
            throw SystemError("accept", code: EMFILE)
        }
        let waiting = try listener.connect()
        defer { close(waiting.fd) }
        try rig.run(until: "accepting paused") { rig.engine.acceptPaused }
        #expect(rig.text.contains("accept: Too many open files"))
        try rig.settle(rounds: 200)
        #expect(attempts == 1, "the listener is not polled again while paused (\(attempts) attempts)")
        rig.engine.accepter = { listener throws(SystemError) in try Socket.accept(listener) }
        shutdown(first.fd, Int32(SHUT_WR))
        try rig.run(until: "the waiting client is served") { rig.face.model.connections.count == 2 }
        #expect(!rig.engine.acceptPaused)
    }

    /// -w: when nothing has moved for that long the connection is closed; the screen stays.
    @Test func idleTimeoutClosesTheConnection() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan(timeout: 5)) { $0.addConnection(ours, peer: nil) }
        try rig.settle()
        #expect(rig.engine.openConnections.count == 1)
        rig.clock.now += 6
        try rig.run(until: "the idle connection closed") { rig.engine.openConnections.isEmpty }
        #expect(rig.text.contains("-w: nothing moved for 5 s: we closed the connection"))
        #expect(peer.read() == nil)
        #expect(rig.outcome == nil)
    }

    /// /reset: RST — the peer's next read fails with ECONNRESET.
    @Test func resetAbortsWithRST() throws {
        let listener = try loopbackListener()
        let client = try listener.connect()
        defer { close(client.fd) }
        let rig = try ScreenRig(ScreenRig.plan(listen: true)) { $0.setListener(listener.fd) }
        try rig.run(until: "the connection") { rig.face.model.connections.count == 1 }
        rig.type("/reset")
        try rig.run(until: "closed") { rig.engine.openConnections.isEmpty }
        var byte: UInt8 = 0
        #expect(recv(client.fd, &byte, 1, 0) == -1 && errno == ECONNRESET)
        #expect(rig.text.contains("we reset the connection (RST"))
    }

    /// Ctrl-Z: the terminal is given back before the stop and taken again after; other signals
    /// than the screen's own are left to end the engine.
    @Test func suspendGivesTheTerminalBack() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan()) { $0.addConnection(ours, peer: nil) }
        #expect(rig.face.handles(signal: SIGTSTP))
        #expect(rig.grid.suspensions == 1 && rig.grid.resumptions == 1)
        #expect(rig.face.handles(signal: SIGWINCH) && rig.face.handles(signal: SIGCONT))
        #expect(!rig.face.handles(signal: SIGTERM))
    }

    /// F10 (or /quit) leaves.
    @Test func quitLeaves() throws {
        let (ours, peer) = socketPair()
        defer { close(peer.fd) }
        let rig = try ScreenRig(ScreenRig.plan()) { $0.addConnection(ours, peer: nil) }
        rig.grid.press([.function(10)])
        try rig.run(until: "the screen leaves") { rig.outcome == .quit }
    }
}

/// A listening socket on 127.0.0.1, port 0, and clients for it.
struct LoopbackListener {
    let fd: Int32
    let address: SocketAddress

    func connect() throws -> FarEnd {
        FarEnd(fd: try Dialer(datagram: false, timeout: 5, source: nil, sourcePort: nil, signalFD: -1).connect(to: address).get())
    }
}

func loopbackListener() throws -> LoopbackListener {
    let wildcard = try #require(Resolver.resolve(host: "127.0.0.1", port: 0, family: .inet, datagram: false,
                                                 numeric: true, passive: true).first)
    let fd = try Listener.open(at: wildcard, datagram: false)
    return LoopbackListener(fd: fd, address: Socket.localAddress(fd))
}
