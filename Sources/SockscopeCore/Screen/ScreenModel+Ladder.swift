/// The ladder's part of the model: segments and state changes placed on their connection's ladder.
extension ScreenModel {
    /// The screen's height decides when the user has not: a ladder needs room (`tallEnough`).
    public static let tallEnough = 40
    /// Set by the loop from the terminal's size at each draw.
    public var ladderOnScreen: Bool { ladderUnavailable == nil && !watchOnly && (ladderShown ?? autoLadder) }

    /// The selected connection's ladder; before any connection is selected (a dial still in its
    /// handshake), the first one.
    public var selectedLadder: Ladder? {
        if let selected, let ladder = ladders[selected] { return ladder }
        return ladders.min { $0.key < $1.key }?.value
    }

    /// A connection begins its ladder when it opens: our dialer on the left, or the peer that
    /// dialed our listener.
    public mutating func startLadder(connection: Int, ours: SocketEndpoint, peer: SocketEndpoint, dialed: Bool, at time: Double) {
        guard ladders[connection] == nil else { return }
        ladders[connection] = Ladder(ours: ours, peer: peer, dialed: dialed)
        dirty = true
    }

    /// A segment of one of our connections; returns whether one took it.
    @discardableResult
    public mutating func addSegment(_ segment: Segment) -> Bool {
        for (id, ladder) in ladders where ladder.carries(segment) {
            ladders[id]?.add(segment)
            dirty = true
            return true
        }
        return false
    }

    /// A transition of one of our connections' sockets (or their peers'), written on its column.
    public mutating func addToLadder(_ transition: Transition) {
        guard let state = transition.to?.tcp else { return }
        for (id, ladder) in ladders where ladder.side(of: transition.entry) != nil {
            ladders[id]?.add(state: state, of: transition.entry, at: transition.time)
            dirty = true
        }
    }

    /// What our application did on a connection (shutdown(), close(), EOF read), on our column:
    /// a call that sends (shutdown, close) goes before the FIN or RST it sent.
    public mutating func addAction(_ text: String, connection: Int, sends: Bool, at time: Double) {
        guard let side = ladders[connection]?.ours else { return }
        ladders[connection]?.add(action: text, by: side, at: time, causedWithin: sends ? 0.05 : 0)
        dirty = true
    }

    /// TLS records one of our connections sent or received, beside the segments that carry them.
    public mutating func addRecords(_ records: [TLSRecord], connection: Int) {
        guard let ours = ladders[connection]?.ours else { return }
        for record in records {
            ladders[connection]?.add(record: record, sentBy: record.ours ? ours : (ours == .left ? .right : .left))
        }
        dirty = true
    }

    /// A dialed connection's ladder begins with connect(), before its SYN.
    public mutating func addConnect(connection: Int) {
        guard let side = ladders[connection]?.ours else { return }
        ladders[connection]?.addConnect(by: side)
    }
}
