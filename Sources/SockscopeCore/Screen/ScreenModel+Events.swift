/// The screen's choreography: what each connection event shows (DESIGN.md convention 3: the loop
/// only reports; the model decides what the screen says).
extension ScreenModel {
    public mutating func apply(_ event: ConnectionEvent, at time: Double) {
        dirty = true
        switch event {
        case .listening(let key):
            if let key { board.own(key, connection: 0) }
        case .connecting(let connection, let peer, let key):
            openings[connection] = .dialed
            if let key {
                board.own(key, connection: connection)
                header.local = key.local.description
            }
            header.peer = peer
            note("connecting to \(peer): connect() sent a SYN; our dialer is in SYN_SENT until the peer answers", at: time)
        case .connectFailed(let peer, let failure):
            connectFailed = true
            let text: String
            switch failure {
            case .refused: text = "connect() to \(peer) failed: connection refused — the peer answered our SYN with a RST (nothing listens on that port; ECONNREFUSED)"
            case .timedOut: text = "connect() to \(peer) failed: timed out — no SYN-ACK came back for our SYN and its retransmissions (ETIMEDOUT)"
            case .other(let reason): text = "connect() to \(peer) failed: \(reason)"
            }
            note(text, at: time)
            say(text, at: time, for: 30)
            header.peer = "\(peer) (not connected)"
        case .opened(let connection, let peer, let key, let how):
            openings[connection] = how
            if let key {
                board.own(key, connection: connection)
                log.attribute(key, connection: connection)
            }
            addSession(Connection(id: connection, peer: peer), at: time)
            refreshPeerHeader(latest: peer)
        case .refused(let peer, let limit):
            note("refused \(peer): --max-conns \(limit) reached", at: time)
        case .acceptPaused(let reason):
            note("accept: \(reason): no more clients are taken until a connection closes", at: time)
        case .acceptResumed:
            note("a connection closed: clients are taken again", at: time)
        case .peerFinished(let connection, let canStillSend):
            note("the peer sent FIN: it will send nothing more\(canStillSend ? "; /shutdown or /close sends ours" : "")",
                 connection: connection, at: time)
            updateSession(connection) { $0.status = canStillSend ? "peer sent FIN" : "closing" }
        case .shutDown(let connection, let stillReading):
            note("we sent FIN (shutdown of our write half)\(stillReading ? "; reading goes on" : "")", connection: connection, at: time)
            updateSession(connection) {
                $0.canSend = false
                $0.status = stillReading ? "FIN sent" : "closing"
            }
        case .datagramRefused(let connection, let reason):
            note("the peer's port is closed or the datagram too large (\(reason))", connection: connection, at: time)
        case .closed(let connection, let ending):
            let (text, status): (String?, String)
            switch ending {
            case .finished: (text, status) = (nil, "closed")
            case .closedByUs: (text, status) = ("we closed the connection (FIN after any unsent data)", "closed")
            case .reset: (text, status) = ("we reset the connection (RST: SO_LINGER 0, then close)", "reset")
            case .resetByPeer: (text, status) = ("the peer reset the connection (RST)", "reset by peer")
            case .failed(let reason): (text, status) = (reason, "failed")
            case .idle(let secs): (text, status) = ("-w: nothing moved for \(Seconds.text(secs)) s: we closed the connection", "closed")
            }
            if let text { note(text, connection: connection, at: time) }
            updateSession(connection) {
                $0.open = false
                $0.canSend = false
                $0.status = status
            }
            refreshPeerHeader(latest: nil)
        }
    }

    /// Under -k the header counts the clients; with one connection it names the peer.
    mutating func refreshPeerHeader(latest peer: String?) {
        if multiConnection {
            let open = connections.filter(\.open).count
            header.peer = open == 1 ? "1 client" : "\(open) clients"
        } else if let peer {
            header.peer = peer
        }
    }
}

extension ScreenModel {
    /// The header's word on the connection: connecting, open, or ended and how (nil in watch).
    public var connectionStatus: (text: String, ended: Bool)? {
        guard !watchOnly else { return nil }
        if connectFailed { return ("not connected", true) }
        if multiConnection {
            let open = connections.filter(\.open).count
            return connections.isEmpty ? ("waiting", false) : ("\(open) open, \(connections.count - open) ended", false)
        }
        guard let connection = connections.last else { return (openings.isEmpty ? "waiting" : "connecting", false) }
        guard connection.open else { return ("ended: \(connection.status)", true) }
        if datagram { return ("UDP: datagrams, no connection", false) }
        return (connection.held ? "\(connection.status), held (F12 releases)" : connection.status, false)
    }
}
