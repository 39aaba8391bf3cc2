import CLinux
import Glibc
import SockscopeCore

/// The one poll() loop under both faces (nc's `readwrite()`, generalised to many peers for -k):
/// connections, accepting, datagrams, the poll set with named slots. Pipe mode runs it with
/// standard input and output as the local ends; the screen plugs in as its `face` and takes the
/// received bytes and the events instead, and acts on connections through the methods below.
/// When a connection or the session is over is decided by `RelayRules` (pure, in Core), the same
/// for both faces.
///
/// Standard input is read into one buffer that every connection sends from, each at its own
/// offset: broadcast under -k costs no copies, and one connection is exactly nc's loop. Lines
/// typed in the screen are queued per connection instead, and go first.
public final class Engine {
    struct Connection {
        let id: Int
        var fd: Int32
        var address: SocketAddress?
        /// Set for peers of an unconnected datagram socket: replies go out with sendto().
        var replyTo: SocketAddress?
        /// Where its bytes go through: the socket, or stages over it (`ByteStream`).
        var stream: ByteStream
        var flow: RelayRules.Peer
        /// Absolute offset in the standard-input stream up to which this connection has it.
        var sentUpTo: Int
        var ownsFD: Bool
        /// Whether the end of the peer's stream has been reported.
        var reportedEndOfStream = false
        /// Bytes for this connection alone (the screen's lines): one datagram each on UDP.
        var queued: [[UInt8]] = []
        var queuedOffset = 0
        var queuedBytes = 0
        /// Why it can no longer be used (ECONNRESET…), for the close event.
        var failure: Int32?
        /// /hold: not read until /release, so that the kernel's receive buffer fills and the
        /// window we advertise closes (flow control made visible).
        var held = false
    }

    let settings: EngineSettings
    let stdinFD: Int32
    let stdout: StandardOutput
    public let signalFD: Int32
    let clock: () -> Double
    /// The screen, or nil for pipe mode.
    public weak var face: EngineFace?
    /// -v lines of pipe mode (the face, when there is one, gets every event instead).
    let onEvent: (EngineEvent) -> Void
    public weak var recorder: TrafficRecorder?
    /// Called with TCP_INFO after each socket event of a TCP connection; nil costs nothing.
    public var onSocketEvent: ((SocketEvent) -> Void)?
    /// Called before standard output is written, before each poll() and when `run` returns:
    /// pipe mode's -v lines leave in one write, ahead of the received bytes that follow what
    /// they describe.
    public var flushEvents: (() -> Void)?
    /// Bytes received from peers and sent to them, over the run (--progress).
    public internal(set) var bytesReceived = 0
    public internal(set) var bytesSent = 0
    /// accept(2), replaceable so that a test can run out of descriptors without the whole
    /// process doing so.
    public var accepter: (Int32) throws(SystemError) -> (fd: Int32, peer: SocketAddress)? = { listener throws(SystemError) in
        try Socket.accept(listener)
    }
    /// Told of the bytes a face queues for a connection (`send(_:to:)`), once per connection:
    /// the screen shows what a relay (--exec, --broker, `proxy`) sent.
    public var onSend: ((_ bytes: [UInt8], _ id: Int) -> Void)?
    /// The stream a new stream connection's bytes go through, given its socket (nil: the socket
    /// itself). A stage such as TLS is set here.
    public var makeStream: ((Int32) -> ByteStream)?

    var local: RelayRules.Local
    var connections: [Connection] = []
    var nextID = 1
    var everConnected = false
    /// The session's end was reported to the face, which keeps the engine running.
    var sessionOver = false
    /// A dial in its handshake (`addConnecting`): the socket, the peer, since when.
    var connecting: (fd: Int32, peer: SocketAddress, since: Double)?
    /// The name's other addresses, tried in turn when the dial in progress fails, and how one is
    /// started (`addConnecting(_:peer:since:then:start:)`).
    var dialNext: [SocketAddress] = []
    var dialStart: ((SocketAddress) -> Result<(fd: Int32, connected: Bool), Dialer.Failure>)?
    /// A face's dials in their handshake (`dial(_:with:)`), any number at once.
    var dials: [PendingDial] = []
    var listener: Int32 = -1
    var datagramServer: Int32 = -1
    var answerFirstPeerOnly = false
    public internal(set) var acceptPaused = false
    var refusedDatagramPeers: Set<SocketAddress> = []

    let input: ByteBuffer
    /// Absolute stream offset of `input.start`, and how far lines have been released (-i).
    var inputStartOffset = 0
    var released = 0
    var crlfEncoder = CRLFEncoder()
    /// -C reads into this, then encodes into `input`; made once, on the first read.
    lazy var crlfScratch = ByteBuffer(capacity: settings.bufferSize / 2)
    var nextRelease = 0.0
    /// Received bytes on their way to standard output — or, with a face, on their way to it.
    let output: ByteBuffer
    /// -q: when the session ends for quiet (`RelayRules.quietLimit`), when the quiet count
    /// began, and when a byte last arrived.
    var quitDeadline: Double?
    var quietSince: Double?
    var lastReceived = -Double.infinity
    var lastActivity: Double
    var splice: SpliceState
    /// Set when standard output failed (errno): the session ends (man page, DATA TRANSFER).
    var stdoutFailure: Int32?
    /// A face asked for something the rules act on (a FIN, a close) after this round's rules
    /// ran: the next round comes without waiting, or it would wait for an event that never comes.
    var rulesPending = false
    /// Which connection is served first this round: turns rotate, so none waits behind others.
    var firstServed = 0
    /// -k keeps all of standard input while it fits in the buffer, so that once input has ended
    /// every later client is sent the whole of it (`echo hi | sockscope -l -k -N 8080` greets
    /// every client). Too big to keep: later clients get only what they were there for.
    var retainsInput: Bool

    public init(settings: EngineSettings, stdin: Int32, stdout: Int32, signalFD: Int32,
                clock: @escaping () -> Double, onEvent: @escaping (EngineEvent) -> Void = { _ in }) {
        self.settings = settings
        stdinFD = stdin
        self.stdout = StandardOutput(stdout)
        self.signalFD = signalFD
        self.clock = clock
        self.onEvent = onEvent
        // The screen has no standard input to end: its keyboard stays open (end of input is per
        // connection there, Ctrl-D); pipe mode's -d has none from the start.
        local = RelayRules.Local(stdinOpen: settings.readStdin || settings.interactive, stdoutOpen: true)
        input = ByteBuffer(capacity: settings.bufferSize)
        output = ByteBuffer(capacity: settings.bufferSize)
        lastActivity = clock()
        retainsInput = settings.rules.keepListening && !settings.datagram && settings.readStdin
        splice = SpliceState(output: self.stdout)
    }

    deinit {
        for connection in connections where connection.ownsFD { close(connection.fd) }
        if listener >= 0 { close(listener) }
        if let connecting { close(connecting.fd) }
        for dial in dials where dial.fd >= 0 { close(dial.fd) }
        if datagramServer >= 0 { close(datagramServer) }
        for fd in splice.relay where fd >= 0 { close(fd) }
    }

    /// A connected socket (dialed, or UDP/Unix datagram already connected); returns its id.
    @discardableResult
    public func addConnection(_ fd: Int32, peer: SocketAddress?) -> Int {
        add(fd, peer: peer, how: .dialed)
    }

    /// A listening stream socket: accepted connections join (one, or many under -k).
    public func setListener(_ fd: Int32) { listener = fd }

    /// A bound, unconnected datagram socket. Without -k the first sender is connected to and
    /// answered alone (as nc); with -k every sender heard from receives standard input.
    public func setDatagramServer(_ fd: Int32, answerFirstPeerOnly: Bool) {
        datagramServer = fd
        self.answerFirstPeerOnly = answerFirstPeerOnly
    }

    var inputEndOffset: Int { inputStartOffset + input.count }

    func inputPointer(at offset: Int) -> UnsafeMutableRawPointer {
        input.base + (input.start + offset - inputStartOffset)
    }

    func markActivity() { lastActivity = clock() }

    /// Bytes arrived from a peer: activity for -w, and the end of a quiet spell for -q.
    func markReceived() {
        lastActivity = clock()
        lastReceived = lastActivity
    }

    func index(of id: Int) -> Int? { connections.firstIndex { $0.id == id } }

    func emit(_ event: EngineEvent) {
        if let face { face.engine(self, event: event) } else { onEvent(event) }
    }
}
