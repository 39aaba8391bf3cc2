/// The order of the system's rows in the screen's table (ours stay pinned on top): a key cycles
/// it, `/sort NAME` names it.
public enum TableSort: String, Sendable, CaseIterable {
    case natural, state, recvQ = "recv-q", sendQ = "send-q", local, peer, timer, age, process

    /// The one after (or before) this one, for the key that cycles.
    public func cycled(by step: Int) -> TableSort {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + step % all.count + all.count) % all.count]
    }

    /// Whether `a` goes before `b`; queues, timers and ages largest first (what one looks for).
    func orders(_ a: StateBoard.Row, _ b: StateBoard.Row) -> Bool {
        switch self {
        case .natural: return false
        case .state: return a.entry.stateName < b.entry.stateName
        case .recvQ: return a.entry.recvQueue > b.entry.recvQueue
        case .sendQ: return a.entry.sendQueue > b.entry.sendQueue
        case .local: return (a.entry.local.address, a.entry.local.port) < (b.entry.local.address, b.entry.local.port)
        case .peer: return (a.entry.remote.address, a.entry.remote.port) < (b.entry.remote.address, b.entry.remote.port)
        case .timer: return (a.timerLeft ?? -1) > (b.timerLeft ?? -1)
        case .age: return (a.age ?? 0) > (b.age ?? 0)
        case .process: return (a.owner?.command ?? "\u{10FFFF}") < (b.owner?.command ?? "\u{10FFFF}")
        }
    }

    /// A name as /sort takes it: the column's, any case, `recvq`/`rq` and `sendq`/`sq` too.
    public init?(name: String) {
        let word = name.lowercased().filter { $0 != "-" && $0 != "_" }
        let aliases: [String: TableSort] = ["none": .natural, "natural": .natural, "state": .state, "recvq": .recvQ, "rq": .recvQ,
                                            "sendq": .sendQ, "sq": .sendQ, "local": .local, "peer": .peer, "remote": .peer,
                                            "timer": .timer, "age": .age, "process": .process, "proc": .process]
        guard let sort = aliases[word] else { return nil }
        self = sort
    }
}
