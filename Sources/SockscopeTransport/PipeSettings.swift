import SockscopeCore

/// What the pipe loop needs to know about the session, besides its descriptors.
public struct PipeSettings: Sendable {
    public var rules: RelayRules
    public var readStdin: Bool
    /// Datagram peers: each read of standard input leaves as one datagram.
    public var datagram: Bool
    public var crlf: Bool
    /// -i: release standard input one line per interval.
    public var interval: Double?
    /// -w: quit when no byte moves for this long once connected.
    public var idleTimeout: Double?
    /// --max-conns: connections (or datagram peers) served at once under -k.
    public var maxConnections: Int
    /// Each direction's buffer. 1 MiB measured fastest here (shared/notes/measured-here.md).
    public var bufferSize: Int

    public init(plan: SessionPlan, bufferSize: Int = 1 << 20) {
        rules = RelayRules(plan: plan)
        readStdin = plan.readStdin
        datagram = plan.datagram
        crlf = plan.crlf
        interval = plan.interval
        idleTimeout = plan.timeout
        maxConnections = plan.maxConnections
        self.bufferSize = bufferSize
    }
}

/// What the loop reports while it runs; the App turns these into -v lines.
public enum PipeEvent: Sendable, Equatable {
    case accepted(SocketAddress)
    case refusedOverLimit(SocketAddress)
    /// A datagram arrived from a new peer, which will now receive standard input.
    case heard(SocketAddress)
    /// A peer's connection ended (under -k).
    case closed(SocketAddress)
}

/// Why the loop returned.
public enum PipeOutcome: Sendable, Equatable {
    case finished
    case idleTimeout
    case quitAfterEOF
    case signal(Int32)
    /// Writing standard output failed with this errno: what was received since is discarded.
    case stdoutFailed(Int32)
}

/// Observer of every chunk that crosses the network, for --hex-dump.
public protocol TrafficRecorder: AnyObject {
    func record(_ bytes: UnsafeRawBufferPointer, sent: Bool, peer: SocketAddress?)
    /// A signal that arrived while the recorder waited for its reader: the loop ends by it.
    var interruption: Int32? { get }
}

/// A moment in a connection's life at which TCP_INFO was read (DESIGN.md source 2).
public struct SocketEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case connected, shutDown, endOfStream, closing }
    public var kind: Kind
    public var peer: SocketAddress?
    public var info: TCPInfo
}
