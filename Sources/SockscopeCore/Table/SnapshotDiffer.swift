/// Successive /proc snapshots diffed into transitions: a socket appeared, changed state or
/// vanished, each with the time spent in the state it left (when that is known).
public struct SnapshotDiffer: Sendable {
    struct Known: Sendable {
        var entry: SocketEntry
        /// When it entered its current state, or nil if it was already there at the first look.
        var since: Double?
        /// The snapshot that last saw it.
        var generation: Int
    }

    private var known: [ConnectionKey: Known] = [:]
    private var generation = 0

    public init() {}

    /// When a socket entered its current state, as far as the snapshots know: nil when it was
    /// already in it at the first look (or is not known).
    public func entered(_ key: ConnectionKey) -> Double? { known[key]?.since }

    /// The socket as the last snapshot saw it.
    public func last(_ key: ConnectionKey) -> SocketEntry? { known[key]?.entry }

    /// Diffs `entries` against the previous snapshot. The first call only records a baseline.
    /// One hash lookup per socket: a socket is marked with the snapshot that saw it, and those
    /// left unmarked have vanished.
    public mutating func update(_ entries: [SocketEntry], at time: Double) -> [Transition] {
        generation += 1
        let primed = generation > 1
        var transitions: [Transition] = []
        for entry in entries {
            let key = ConnectionKey(entry)
            if let index = known.index(forKey: key) {
                let previous = known.values[index]
                if previous.generation == generation { continue }  // the same pair twice (SO_REUSEPORT)
                if previous.entry.stateCode == entry.stateCode {
                    known.values[index].entry = entry  // queues and timers move without a transition
                    known.values[index].generation = generation
                    continue
                }
                transitions.append(Transition(time: time, entry: entry, from: previous.entry.state,
                                              to: entry.state, duration: previous.since.map { time - $0 }))
                known.values[index] = Known(entry: entry, since: time, generation: generation)
            } else {
                if primed {
                    transitions.append(Transition(time: time, entry: entry, from: entry.proto.isTCP ? .tcp(.close) : nil,
                                                  to: entry.state, duration: nil))
                }
                known[key] = Known(entry: entry, since: primed ? time : nil, generation: generation)
            }
        }
        var vanished: [ConnectionKey] = []
        for (key, previous) in known where previous.generation != generation {
            vanished.append(key)
            transitions.append(Transition(time: time, entry: previous.entry, from: previous.entry.state,
                                          to: previous.entry.proto.isTCP ? .tcp(.close) : nil,
                                          duration: previous.since.map { time - $0 }))
        }
        for key in vanished { known[key] = nil }
        // A stable order: by local endpoint, then remote (only the few that changed are sorted).
        return transitions.sorted { ($0.entry.local.address, $0.entry.local.port, $0.entry.remote.address, $0.entry.remote.port)
            < ($1.entry.local.address, $1.entry.local.port, $1.entry.remote.address, $1.entry.remote.port) }
    }
}
