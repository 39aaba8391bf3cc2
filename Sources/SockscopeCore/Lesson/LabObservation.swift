/// A captured segment of the lesson, and whether one of its holds dropped it (nflog said so).
public struct LabSegment: Hashable, Sendable {
    public var segment: Segment
    public var dropped: Bool

    public init(segment: Segment, dropped: Bool = false) {
        self.segment = segment
        self.dropped = dropped
    }
}

/// What the lab has seen of its namespace: the expectations are checked against this, and the
/// narration reports it. Every field comes from the kernel: the socket table (sock_diag), the
/// calls' results, the capture and nflog, /proc/net/netstat.
public struct LabObservation: Sendable {
    /// The namespace's TCP and UDP sockets, as last read.
    public var table: [SocketEntry] = []
    /// TCP_INFO of the table's sockets (INET_DIAG_INFO), by connection.
    public var infos: [ConnectionKey: TCPInfo] = [:]
    /// The errno name a call of this end failed with (connect, send, recv).
    public var errors: [String: String] = [:]
    /// Bytes read at each end.
    public var received: [String: Int] = [:]
    /// Every segment of the run so far, in capture order.
    public var segments: [LabSegment] = []
    /// Counters as `TcpExt.SyncookiesSent`: how much each grew since the lesson began.
    public var counters: [String: Int] = [:]
    /// The first send() of each end's last write: bytes asked, bytes the kernel took.
    public struct Write: Sendable, Equatable {
        public var asked: Int
        public var taken: Int
        public init(asked: Int, taken: Int) {
            self.asked = asked
            self.taken = taken
        }
    }
    public var writes: [String: Write] = [:]

    public init() {}

    /// The end's socket in the table: a connection by both its endpoints, a listener or an
    /// unconnected UDP socket by its local one.
    public func entry(of end: LabEnd) -> SocketEntry? {
        table.first { entry in
            guard entry.proto.isTCP != end.datagram, entry.local == end.local else { return false }
            if let remote = end.remote, !end.datagram { return entry.remote == remote }
            if end.datagram { return true }
            return entry.tcpState == .listen
        }
    }

    public func info(of end: LabEnd) -> TCPInfo? {
        guard let entry = entry(of: end) else { return nil }
        return infos[ConnectionKey(entry)]
    }
}
