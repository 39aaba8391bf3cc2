import SockscopeCore

/// What happened in the engine, for its face: -v lines in pipe mode, notes and statuses in the
/// screen. Connections are named by the id the engine gave them (from 1).
public enum EngineEvent: Sendable, Equatable {
    /// How a connection came: the model's own words (Core), so the screen needs no translation.
    public typealias Opening = ConnectionEvent.Opening

    public enum CloseReason: Sendable, Equatable {
        /// Both directions are done, by the end-of-input rules.
        case finished
        /// /close: we closed it (FIN after what was queued).
        case closedByUs
        /// /reset: we aborted it with RST.
        case reset
        /// The peer reset it (ECONNRESET).
        case resetByPeer
        /// Another error (errno).
        case failed(Int32)
        /// A stage of its stream failed (a TLS handshake, a record), in words.
        case streamFailed(String)
        /// -w: no byte moved for that long.
        case idle
    }

    /// A connection joined: the one dialed, one accepted, or a datagram peer first heard from.
    case opened(id: Int, peer: SocketAddress?, how: Opening)
    /// A dial started: connect() is in progress (SYN_SENT); `.opened` or `.connectFailed` follows.
    case connecting(peer: SocketAddress)
    /// The dial failed (errno: ECONNREFUSED for a RST, ETIMEDOUT for no answer or -w).
    case connectFailed(peer: SocketAddress, code: Int32)
    /// A face's dial (`Engine.dial`) failed: `id` never opens.
    case dialFailed(id: Int, peer: SocketAddress, code: Int32)
    case refusedOverLimit(SocketAddress)
    /// A client --allow did not name, or --deny did: closed at once.
    case refusedByFilter(SocketAddress)
    /// Accepting stopped (errno: out of descriptors or memory); it resumes when one closes.
    case acceptPaused(Int32)
    case acceptResumed
    /// The peer sent FIN: it will send nothing more.
    case peerFinished(id: Int)
    /// We sent FIN.
    case shutDown(id: Int)
    /// A datagram was refused (ICMP port unreachable: errno ECONNREFUSED) or too large.
    case datagramRefused(id: Int, code: Int32)
    case closed(id: Int, peer: SocketAddress?, reason: CloseReason)
    /// What a stage of the connection's stream tells (a TLS handshake done, how the peer ended).
    case streamNote(id: Int, note: StageNote)
    /// TLS records that passed (or more of one already told), for the ladder.
    case streamRecords(id: Int, records: [TLSRecord])
    /// The session's one connection is over (never under -k): pipe mode ends, the screen stays.
    case sessionFinished
}
