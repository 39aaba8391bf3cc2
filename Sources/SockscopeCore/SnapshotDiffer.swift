/// Successive /proc snapshots diffed into transitions: a socket appeared, changed state or
/// vanished, each with the time spent in the state it left (when that is known).
public struct SnapshotDiffer: Sendable {
    /// A connection is its protocol and its two ends; the inode is not part of it, because a
    /// socket handed to TIME_WAIT reports inode 0.
    public struct Key: Hashable, Sendable {
        public let proto: SocketProtocol
        public let local: SocketEndpoint
        public let remote: SocketEndpoint

        public init(proto: SocketProtocol, local: SocketEndpoint, remote: SocketEndpoint) {
            self.proto = proto
            self.local = local
            self.remote = remote
        }
    }

    struct Known: Sendable {
        var entry: SocketEntry
        /// When it entered its current state, or nil if it was already there at the first look.
        var since: Double?
    }

    private var known: [Key: Known] = [:]
    private var primed = false

    public init() {}

    /// Diffs `entries` against the previous snapshot. The first call only records a baseline.
    public mutating func update(_ entries: [SocketEntry], at time: Double) -> [Transition] {
        var seen: [Key: SocketEntry] = [:]
        seen.reserveCapacity(entries.count)
        for entry in entries { seen[Key(proto: entry.proto, local: entry.local, remote: entry.remote)] = entry }
        defer { primed = true }
        guard primed else {
            known = seen.mapValues { Known(entry: $0, since: nil) }
            return []
        }
        var transitions: [Transition] = []
        for (key, entry) in seen {
            if let previous = known[key] {
                guard previous.entry.stateCode != entry.stateCode else {
                    known[key]?.entry = entry  // queues and timers move without a transition
                    continue
                }
                transitions.append(Transition(time: time, entry: entry, from: previous.entry.stateName,
                                              to: entry.stateName, duration: previous.since.map { time - $0 }))
            } else {
                transitions.append(Transition(time: time, entry: entry, from: entry.proto.isTCP ? TCPState.close.name : nil,
                                              to: entry.stateName, duration: nil))
            }
            known[key] = Known(entry: entry, since: time)
        }
        for (key, previous) in known where seen[key] == nil {
            transitions.append(Transition(time: time, entry: previous.entry, from: previous.entry.stateName,
                                          to: previous.entry.proto.isTCP ? TCPState.close.name : nil,
                                          duration: previous.since.map { time - $0 }))
            known[key] = nil
        }
        // A stable order: by local endpoint text, then remote.
        return transitions.sorted { ($0.entry.local.description, $0.entry.remote.description) < ($1.entry.local.description, $1.entry.remote.description) }
    }
}

/// One state change of one socket.
public struct Transition: Sendable, Equatable {
    public enum Source: String, Sendable { case tracefs, proc, socket }

    public var time: Double
    /// The socket as last seen (its endpoints, protocol, uid, inode).
    public var entry: SocketEntry
    /// State names; nil where a UDP socket appeared or vanished.
    public var from: String?
    public var to: String?
    /// Seconds spent in `from`, when known.
    public var duration: Double?
    public var source: Source

    public init(time: Double, entry: SocketEntry, from: String?, to: String?, duration: Double?, source: Source = .proc) {
        self.time = time
        self.entry = entry
        self.from = from
        self.to = to
        self.duration = duration
        self.source = source
    }

    /// The one-sentence explanation for learners.
    public var explanation: String {
        if let from = from.flatMap(TCPState.init(name:)), let to = to.flatMap(TCPState.init(name:)), entry.proto.isTCP {
            if from == .close && source == .proc { return StateExplanations.appeared(entry) }
            if to == .close && source == .proc { return StateExplanations.vanished(entry) }
            return StateExplanations.transition(from: from, to: to)
        }
        return from == nil ? StateExplanations.appeared(entry) : StateExplanations.vanished(entry)
    }
}
