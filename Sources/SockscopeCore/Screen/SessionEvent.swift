/// What happened to the screen's sessions, as the engine reports it (the App translates its
/// addresses into text and keys): the model turns each into notes in the conversation, session
/// statuses and the header — the screen's choreography, in one pure place.
public enum SessionEvent: Sendable, Equatable {
    public enum Opening: Sendable, Equatable { case dialed, accepted, heard }

    public enum ConnectFailure: Sendable, Equatable {
        case refused
        case timedOut
        case other(String)
    }

    public enum Ending: Sendable, Equatable {
        case finished
        case closedByUs
        case reset
        case resetByPeer
        case failed(String)
        /// -w: no byte moved for this many seconds.
        case idle(Double)
    }

    /// Our listener (or datagram socket waiting for its first peer): session 0 in the table.
    case listening(key: ConnectionKey?)
    /// Our dial started (connect() in progress: SYN_SENT); it will be session `session`.
    case connecting(session: Int, peer: String, key: ConnectionKey?)
    /// The dial failed: refused (a RST answered the SYN), timed out (no answer), or another errno.
    case connectFailed(peer: String, failure: ConnectFailure)
    case opened(session: Int, peer: String, key: ConnectionKey?, how: Opening)
    case refused(peer: String, limit: Int)
    case acceptPaused(reason: String)
    case acceptResumed
    /// The peer sent FIN; `canStillSend`: our write half is still open.
    case peerFinished(session: Int, canStillSend: Bool)
    /// We sent FIN; `stillReading`: the peer may still send.
    case shutDown(session: Int, stillReading: Bool)
    case datagramRefused(session: Int, reason: String)
    case closed(session: Int, ending: Ending)
}
