/// The transition log of the screen: the latest transitions, ours marked with their connection, in
/// the order they happened; bounded in memory.
public struct TransitionLog: Sendable {
    public struct Item: Sendable, Equatable {
        public var transition: Transition
        /// Our connection whose socket (or whose local peer's socket) changed; nil for others.
        public var connection: Int?
        /// Its place in the order of arrival, counted from 1 (a selection that survives both new
        /// items and old ones dropped).
        public var number = 0
    }

    public let limit: Int
    public private(set) var items: [Item] = []
    /// How many items were ever appended.
    public private(set) var count = 0

    public init(limit: Int = 1000) { self.limit = max(1, limit) }

    public mutating func append(_ transition: Transition, connection: Int?) {
        count += 1
        items.append(Item(transition: transition, connection: connection, number: count))
        if items.count > limit + limit / 8 { items.removeFirst(items.count - limit) }
    }

    /// What the log shows: ours only, or everything with /all.
    public func shown(all: Bool) -> [Item] { all ? items : items.filter { $0.connection != nil } }
}

extension TransitionLog {
    /// Which of our connections a socket belongs to: ours, the other end of ours, or — for a socket
    /// still connecting, which the tracepoint reports before it has a port — one whose peer is
    /// the same.
    public func connection(for entry: SocketEntry, in board: StateBoard) -> Int? {
        let key = ConnectionKey(entry)
        if let connection = board.connection(of: key) { return connection }
        if entry.local.port == 0 { return board.connection(dialing: entry.remote, proto: entry.proto) }
        return board.connection(of: ConnectionKey(proto: key.proto, local: key.remote, remote: key.local))
    }

    /// A connection just became ours (accepted, or connected): recent items about it (logged
    /// before we knew, such as the handshake) are attributed to it.
    public mutating func attribute(_ key: ConnectionKey, connection: Int) {
        let reversed = ConnectionKey(proto: key.proto, local: key.remote, remote: key.local)
        for index in items.indices.suffix(64) where items[index].connection == nil {
            let entry = items[index].transition.entry
            let itemKey = ConnectionKey(entry)
            let connecting = entry.local.port == 0 && entry.remote == key.remote && entry.proto == key.proto
            if itemKey == key || itemKey == reversed || connecting { items[index].connection = connection }
        }
    }
}
