/// /diagram (Ctrl-T): RFC 9293's state diagram over the screen, with the selected socket's state
/// and its other end's lit, live. It does not take the keys: F5, /hold or the table's arrows work
/// under it, so a learner sends a FIN and watches both boxes move. Esc or Ctrl-T closes it.
extension ScreenModel {
    /// The socket the diagram lights, and its other end when that end is on this host.
    public struct DiagramSubject: Sendable, Equatable {
        public var row: StateBoard.Row
        public var peer: StateBoard.Row?
        /// Its last transition in the log, when the log has one.
        public var last: Transition?
    }

    /// The table's row under the cursor while the table has the focus; otherwise the selected
    /// connection's socket (our listener before any connection; in watch, the table's first row).
    public func diagramSubject(now: Double) -> DiagramSubject? { diagramSubject(rows: board.rows(now: now)) }

    /// The same from the table's rows of this frame (the view has them already).
    public func diagramSubject(rows: [StateBoard.Row]) -> DiagramSubject? {
        let subject: StateBoard.Row?
        if focus == .table || watchOnly {
            subject = rows.indices.contains(tableCursor) ? rows[tableCursor] : rows.first
        } else {
            let connection = selected ?? 0
            subject = rows.first { $0.kind == .own(connection: connection) } ?? rows.first { $0.kind == .own(connection: 0) }
        }
        guard let subject else { return nil }
        let key = ConnectionKey(subject.entry)
        let reversed = ConnectionKey(proto: key.proto, local: key.remote, remote: key.local)
        let peer = subject.entry.remote.port == 0 ? nil : rows.first { ConnectionKey($0.entry) == reversed }
        let last = log.items.last { ConnectionKey($0.transition.entry) == key }?.transition
        return DiagramSubject(row: subject, peer: peer, last: last)
    }
}
