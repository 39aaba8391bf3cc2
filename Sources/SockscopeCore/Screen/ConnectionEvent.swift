/// What happened to the screen's connections, as the engine reports it (the App translates its
/// addresses into text and keys): the model turns each into notes in the conversation, connection
/// statuses and the header — the screen's choreography, in one pure place.
public enum ConnectionEvent: Sendable, Equatable {
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

    /// Our listener (or datagram socket waiting for its first peer): connection 0 in the table.
    case listening(key: ConnectionKey?)
    /// Our dial started (connect() in progress: SYN_SENT); it will be connection `connection`.
    case connecting(connection: Int, peer: String, key: ConnectionKey?)
    /// The dial failed: refused (a RST answered the SYN), timed out (no answer), or another errno.
    case connectFailed(peer: String, failure: ConnectFailure)
    case opened(connection: Int, peer: String, key: ConnectionKey?, how: Opening)
    case refused(peer: String, limit: Int)
    case acceptPaused(reason: String)
    case acceptResumed
    /// The peer sent FIN; `canStillSend`: our write half is still open.
    case peerFinished(connection: Int, canStillSend: Bool)
    /// We sent FIN; `stillReading`: the peer may still send.
    case shutDown(connection: Int, stillReading: Bool)
    case datagramRefused(connection: Int, reason: String)
    case closed(connection: Int, ending: Ending)
}
