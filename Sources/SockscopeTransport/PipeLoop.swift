import CLinux
import Glibc
import SockscopeCore

/// The one poll() loop of pipe mode (nc's `readwrite()`, generalised to many peers for -k).
///
/// Standard input is read into one buffer that every peer sends from, each at its own offset:
/// broadcast under -k costs no copies, and one connection is exactly nc's loop. Bytes from peers
/// go to one output buffer and on to standard output. Which descriptors to watch and when a
/// connection or the session is over are decided by `RelayRules` (pure, in Core).
public final class PipeLoop {
    struct Peer {
        var fd: Int32
        var address: SocketAddress?
        /// Set for peers of an unconnected datagram socket: replies go out with sendto().
        var replyTo: SocketAddress?
        var flow: RelayRules.Peer
        /// Absolute offset in the standard-input stream up to which this peer has been sent.
        var sentUpTo: Int
        var ownsFD: Bool
        /// Whether the end of the peer's stream has been reported to `onSocketEvent`.
        var reportedEndOfStream = false
    }

    let settings: PipeSettings
    let stdinFD: Int32
    let stdout: StandardOutput
    let signalFD: Int32
    let clock: () -> Double
    let onEvent: (PipeEvent) -> Void
    public weak var recorder: TrafficRecorder?
    /// Called with TCP_INFO after each socket event of a TCP connection; nil costs nothing.
    public var onSocketEvent: ((SocketEvent) -> Void)?

    var local: RelayRules.Local
    var peers: [Peer] = []
    var everConnected = false
    var listener: Int32 = -1
    var datagramServer: Int32 = -1
    var answerFirstPeerOnly = false
    var acceptPaused = false
    var refusedDatagramPeers: Set<SocketAddress> = []

    let input: ByteBuffer
    /// Absolute stream offset of `input.start`, and how far lines have been released (-i).
    var inputStartOffset = 0
    var released = 0
    var crlfEncoder = CRLFEncoder()
    /// -C reads into this, then encodes into `input`; made once, on the first read.
    lazy var crlfScratch = ByteBuffer(capacity: settings.bufferSize / 2)
    var nextRelease = 0.0
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
    /// Which peer is served first this round: turns rotate, so no peer waits behind the others.
    var firstServed = 0
    /// -k keeps all of standard input while it fits in the buffer, so that once input has ended
    /// every later client is sent the whole of it (`echo hi | sockscope -l -k -N 8080` greets
    /// every client). Too big to keep: later clients get only what they were there for.
    var retainsInput: Bool

    public init(
        settings: PipeSettings, stdin: Int32, stdout: Int32, signalFD: Int32,
        clock: @escaping () -> Double, onEvent: @escaping (PipeEvent) -> Void
    ) {
        self.settings = settings
        stdinFD = stdin
        self.stdout = StandardOutput(stdout)
        self.signalFD = signalFD
        self.clock = clock
        self.onEvent = onEvent
        local = RelayRules.Local(stdinOpen: settings.readStdin, stdoutOpen: true)
        input = ByteBuffer(capacity: settings.bufferSize)
        output = ByteBuffer(capacity: settings.bufferSize)
        lastActivity = clock()
        retainsInput = settings.rules.keepListening && !settings.datagram && settings.readStdin
        splice = SpliceState(inputEnabled: Self.isPipe(stdin), output: self.stdout)
    }

    deinit {
        for peer in peers where peer.ownsFD { close(peer.fd) }
        if listener >= 0 { close(listener) }
        if datagramServer >= 0 { close(datagramServer) }
        for fd in splice.relay where fd >= 0 { close(fd) }
    }

    /// A connected socket (dialed, or UDP/Unix datagram already connected).
    public func addConnection(_ fd: Int32, peer: SocketAddress?) {
        // A client that comes after input has ended gets all of it, when it was kept; before
        // that, it joins the stream where it stands.
        let start = retainsInput && !local.stdinOpen ? inputStartOffset : inputEndOffset
        peers.append(Peer(fd: fd, address: peer, flow: .init(stream: !settings.datagram),
                          sentUpTo: start, ownsFD: true))
        everConnected = true
        report(.connected, peers.count - 1)
    }

    func report(_ kind: SocketEvent.Kind, _ index: Int) {
        guard let onSocketEvent, peers[index].ownsFD, let info = TCPInfoReader.read(peers[index].fd) else { return }
        onSocketEvent(SocketEvent(kind: kind, peer: peers[index].address, info: info))
    }

    /// A listening stream socket: accepted connections become peers (one, or many under -k).
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
}
