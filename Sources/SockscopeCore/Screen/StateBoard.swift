/// The live state table of the screen: the latest sample of the socket tables, which of them are
/// ours (pinned on top, each followed by its other end when that end is on this host too), which
/// changed a moment ago, and TCP_INFO of each shown. Frozen by /pause; narrowed by /filter.
public struct StateBoard: Sendable {
    public enum Kind: Sendable, Equatable {
        /// One of our connections' sockets (connection 0 is our listener).
        case own(connection: Int)
        /// The other end of our connection `of`, when both ends are on this host.
        case localPeer(of: Int)
        case other
    }

    public struct Row: Sendable, Equatable {
        public var entry: SocketEntry
        public var kind: Kind
        public var owner: StatesTable.Owner?
        public var info: TCPInfo?
        /// Whether its state changed within `highlightSeconds`.
        public var changed: Bool
        /// Seconds left in the pending timer (the TIME_WAIT countdown), counted from the sample.
        public var timerLeft: Double?
        /// Seconds in its current state; `atLeast` when it was already there when the table
        /// was first read.
        public var age: Double?
        public var ageIsLowerBound = false
        /// The fields that changed within `highlightSeconds` (as `watch -d` marks them).
        public var changedFields: Set<Field> = []
    }

    /// A field of a row that can change between two readings.
    public enum Field: Sendable, Hashable { case state, recvQueue, sendQueue, timer }

    /// How long a row that changed state stands out.
    public static let highlightSeconds = 2.0

    var owned: [ConnectionKey: Int] = [:]
    var differ = SnapshotDiffer()
    var changedAt: [ConnectionKey: Double] = [:]
    /// TCP_INFO of ours, read with getsockopt (exact, and fresh at each event).
    var infos: [ConnectionKey: TCPInfo] = [:]
    /// TCP_INFO of the sockets shown, from the last reading of the tables (INET_DIAG_INFO).
    var sampledInfos: [ConnectionKey: TCPInfo] = [:]
    /// The table's rows in the last draw (the loop sets it): whose TCP_INFO a reading keeps.
    public var shownKeys: Set<ConnectionKey> = []
    /// A few words after an own row's `#N`, by connection: which target a leg to a proxy carries,
    /// which tunnel a proxy's leg belongs to (escaped for the terminal).
    public var ownNotes: [Int: String] = [:]
    /// When each field of a socket last changed (its last reading is the differ's).
    var fieldsChangedAt: [ConnectionKey: [Field: Double]] = [:]
    var firstReadingAt: Double?
    public var sort = TableSort.natural
    public var owners: [UInt64: StatesTable.Owner] = [:]
    /// The sample on screen, in stable order (protocol, local, peer), and when it was taken.
    public private(set) var entries: [SocketEntry] = []
    public private(set) var sampledAt = 0.0
    public var paused = false
    public var showAll = false
    public var filter = TableFilter()

    public init() {}

    /// Marks a socket as ours: `connection` 0 is the listener.
    public mutating func own(_ key: ConnectionKey, connection: Int) { owned[key] = connection }

    public func connection(of key: ConnectionKey) -> Int? { owned[key] }

    /// Our connection dialing `remote`: the tracepoint reports a connecting socket (CLOSE → SYN_SENT)
    /// before it has a local port.
    public func connection(dialing remote: SocketEndpoint, proto: SocketProtocol) -> Int? {
        owned.first { $0.key.remote == remote && $0.key.proto == proto && $0.value > 0 }?.value
    }

    public mutating func setInfo(_ info: TCPInfo?, for key: ConnectionKey) { infos[key] = info }

    /// Whether a reading should keep this socket's TCP_INFO: it is shown, ours, or the other end
    /// of ours (shown at the next draw even when the last did not).
    public func wantsInfo(_ key: ConnectionKey) -> Bool { shownKeys.contains(key) || isOursOrPeer(key) }

    /// One of our sockets, or the other end of one of our connections.
    public func isOursOrPeer(_ key: ConnectionKey) -> Bool {
        owned[key] != nil || owned[ConnectionKey(proto: key.proto, local: key.remote, remote: key.local)].map { $0 > 0 } == true
    }

    /// The TCP_INFO a reading of the tables gave (frozen with the table by /pause).
    public mutating func setSampledInfos(_ sampled: [ConnectionKey: TCPInfo]) {
        guard !paused else { return }
        sampledInfos = sampled
    }

    /// Takes a new sample and returns its transitions (the first sample only sets a baseline).
    /// While paused the transitions are still found (the log goes on) but the table stands still.
    public mutating func update(_ sample: [SocketEntry], at time: Double) -> [Transition] {
        noteChangedFields(sample, at: time)
        let transitions = differ.update(sample, at: time)
        for transition in transitions { changedAt[ConnectionKey(transition.entry)] = time }
        if changedAt.count > 4096 { changedAt = changedAt.filter { time - $0.value < Self.highlightSeconds } }
        guard !paused else { return transitions }
        entries = sample.sorted(by: Self.order)
        sampledAt = time
        return transitions
    }

    /// Compares each socket's fields with its last reading, before the differ takes the new one
    /// (the first reading is the baseline).
    mutating func noteChangedFields(_ sample: [SocketEntry], at time: Double) {
        if firstReadingAt == nil { firstReadingAt = time }
        for entry in sample {
            let key = ConnectionKey(entry)
            guard let before = differ.last(key) else { continue }
            var fields: [Field] = []
            if before.stateCode != entry.stateCode { fields.append(.state) }
            if before.recvQueue != entry.recvQueue { fields.append(.recvQueue) }
            if before.sendQueue != entry.sendQueue { fields.append(.sendQueue) }
            if before.timer != entry.timer { fields.append(.timer) }
            for field in fields { fieldsChangedAt[key, default: [:]][field] = time }
        }
        // Only recent changes are shown: older ones (and vanished sockets') are let go.
        fieldsChangedAt = fieldsChangedAt.filter { $0.value.values.contains { time - $0 < Self.highlightSeconds } }
    }

    /// A change seen by a faster source (the tracepoint, TCP_INFO) before the next sample.
    public mutating func markChanged(_ key: ConnectionKey, at time: Double) { changedAt[key] = time }

    static func order(_ a: SocketEntry, _ b: SocketEntry) -> Bool {
        (a.proto.order, a.local.address, a.local.port, a.remote.address, a.remote.port)
            < (b.proto.order, b.local.address, b.local.port, b.remote.address, b.remote.port)
    }

    /// Those that pass the filter: ours first (by connection, each with its local peer), then, with
    /// /all, the rest.
    public func rows(now: Double) -> [Row] {
        var mine: [(connection: Int, rank: Int, row: Row)] = []
        var rest: [Row] = []
        var peers: [ConnectionKey: Int] = [:]
        for (key, connection) in owned where connection > 0 {
            peers[ConnectionKey(proto: key.proto, local: key.remote, remote: key.local)] = connection
        }
        for entry in entries where filter.matches(entry, owner: entry.inode == 0 ? nil : owners[entry.inode]) {
            let key = ConnectionKey(entry)
            if let connection = owned[key] {
                mine.append((connection, 0, row(entry, key: key, kind: .own(connection: connection), now: now)))
            } else if let connection = peers[key] {
                mine.append((connection, 1, row(entry, key: key, kind: .localPeer(of: connection), now: now)))
            } else if showAll {
                rest.append(row(entry, key: key, kind: .other, now: now))
            }
        }
        mine.sort { ($0.connection, $0.rank) < ($1.connection, $1.rank) }
        if sort != .natural { rest.sort(by: sort.orders) }
        return mine.map(\.row) + rest
    }

    func row(_ entry: SocketEntry, key: ConnectionKey, kind: Kind, now: Double) -> Row {
        let changed = changedAt[key].map { now - $0 < Self.highlightSeconds } ?? false
        let left = entry.expiresMs.map { max(0, Double($0) / 1000 - (now - sampledAt)) }
        var result = Row(entry: entry, kind: kind, owner: entry.inode == 0 ? nil : owners[entry.inode],
                         info: infos[key] ?? sampledInfos[key], changed: changed, timerLeft: left)
        // The tracepoint's time of the change, when it saw one, is closer than the reading's.
        if let entered = differ.entered(key) {
            result.age = now - min(entered, changedAt[key] ?? entered)
        } else if let firstReadingAt {
            result.age = now - firstReadingAt
            result.ageIsLowerBound = true
        }
        if let changes = fieldsChangedAt[key] {
            result.changedFields = Set(changes.filter { now - $0.value < Self.highlightSeconds }.keys)
        }
        return result
    }

    /// Sockets in the sample that are not ours, for the title ("ours 2 · system 312").
    public var systemCount: Int { entries.count }
}
