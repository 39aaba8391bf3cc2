/// The tracepoint reports the TCP sockets of every network namespace on the machine; only ours
/// may be shown (an empty namespace once showed 87,007 transitions of another). The tracepoint
/// names no namespace, so each socket's life — its events from the first until it enters CLOSE,
/// tied together by the kernel's address of the socket — is judged by the addresses and ports
/// its events name:
///
/// - **ours** when this namespace's socket table holds that tuple: an exact sock_diag lookup,
///   made by the caller for each life in `wanted` and reported with `lookedUp`; or when this
///   namespace's sock_diag destroy notice names it (`destroyed`): a socket too short-lived to be
///   found still announces its end, and only to its own namespace;
/// - **another namespace's** when it has ended and this namespace has since announced the end
///   of sockets that ended clearly after it (notices come from a kernel workqueue that can lag
///   seconds behind on a busy machine, so their progress is the clock, not the wall's); or, for
///   any socket, when nothing has placed it `patience` seconds after its last event was read.
///
/// A connecting socket's first event has no local port yet, so its life is looked up from the
/// next event on. Decided events leave in arrival order among themselves; a life still waiting
/// does not hold others back (so lines can come a moment out of order). The one case judged
/// wrong: two namespaces with a socket of the very same addresses and ports at the same time.
public struct NamespaceSieve: Sendable {
    /// What a lookup or a destroy notice is asked about.
    public struct Tuple: Hashable, Sendable {
        public var ipv6: Bool
        public var local: SocketEndpoint
        public var remote: SocketEndpoint
        public init(ipv6: Bool, local: SocketEndpoint, remote: SocketEndpoint) {
            self.ipv6 = ipv6
            self.local = local
            self.remote = remote
        }
    }

    enum Verdict: Sendable { case ours, foreign }

    struct Life: Sendable {
        var tuple: Tuple?
        var verdict: Verdict?
        /// When its last event was read.
        var lastEvent: Double
        /// When it entered CLOSE, on the trace clock.
        var endTime: Double?
        var lookedUp = false
        var ended = false

        init(verdict: Verdict? = nil, lastEvent: Double, endTime: Double? = nil, ended: Bool = false) {
            self.verdict = verdict
            self.lastEvent = lastEvent
            self.endTime = endTime
            self.ended = ended
        }
    }

    public let patience: Double
    /// The latest end (trace clock) of a socket this namespace has announced: the notices' progress.
    var noticeHorizon = -Double.infinity
    /// How far out of order notices may come (the workqueue runs on several CPUs).
    static let noticeDisorder = 0.25
    var lives: [Int: Life] = [:]
    /// The life each socket address is living now.
    var current: [UInt64: Int] = [:]
    var nextLife = 0
    /// Undecided or not yet released events, in arrival order, with their life.
    var waiting: [(event: TraceEvent, life: Int)] = []
    /// Tuples this namespace announced destroyed, and when. Kept `noticeMemory` seconds: a
    /// reader that falls behind reads a socket's last events well after its notice.
    var destroyedAt: [Tuple: Double] = [:]
    static let noticeMemory = 10.0
    /// Lives forgotten a moment ago, by socket: their verdict, when they ended (trace clock) and
    /// when they were forgotten. Each CPU has its own buffer, so a socket's first event (on one
    /// CPU) can be read after its last (on another): it belongs to the life that ended after it.
    var settled: [UInt64: (verdict: Verdict, endTime: Double, at: Double)] = [:]
    /// Bounds memory on a busy machine: past this many waiting events the oldest are dropped.
    static let limit = 200_000
    /// Events dropped as another namespace's, or for the bound: for the caller to report.
    public private(set) var dropped = 0

    public init(patience: Double = 10) {
        self.patience = patience
    }

    /// Events read `now`, in the kernel's order.
    public mutating func add(_ events: [TraceEvent], at now: Double) {
        for event in events {
            var id = current[event.socket] ?? -1
            if id >= 0, let life = lives[id], life.ended, let end = life.endTime, event.time < end {
                // Read late, from another CPU: it happened before this life ended.
            } else if id < 0 || lives[id]?.ended != false, let past = settled[event.socket], event.time < past.endTime {
                id = nextLife
                nextLife += 1
                lives[id] = Life(verdict: past.verdict, lastEvent: now, endTime: past.endTime, ended: true)
                waiting.append((event, id))
                continue
            } else if id < 0 || lives[id]?.ended != false {
                id = nextLife
                nextLife += 1
                current[event.socket] = id
                lives[id] = Life(lastEvent: now)
            }
            guard var life = lives[id] else { continue }
            life.lastEvent = now
            // A connecting socket gets its port after its first event: the tuple comes later.
            if life.tuple == nil && !(event.local.port == 0 && event.from == .close) {
                life.tuple = Tuple(ipv6: event.ipv6, local: event.local, remote: event.remote)
                if destroyedAt[life.tuple!] != nil { life.verdict = .ours }
            }
            if event.to == .close {
                life.ended = true
                life.endTime = event.time
                if life.verdict == .ours, life.tuple.map({ destroyedAt[$0] != nil }) == true {
                    noticeHorizon = max(noticeHorizon, event.time)
                }
            }
            lives[id] = life
            waiting.append((event, id))
        }
        if waiting.count > Self.limit {
            let excess = waiting.count - Self.limit
            dropped += excess
            waiting.removeFirst(excess)
        }
    }

    /// Lives to look up in this namespace's socket table: tuple known, not yet judged or looked up.
    public mutating func wanted() -> [(life: Int, tuple: Tuple)] {
        var list: [(Int, Tuple)] = []
        for (id, life) in lives where life.verdict == nil && !life.lookedUp {
            guard let tuple = life.tuple else { continue }
            lives[id]?.lookedUp = true
            list.append((id, tuple))
        }
        return list
    }

    public mutating func lookedUp(_ life: Int, found: Bool) {
        if found { lives[life]?.verdict = .ours }
    }

    /// This namespace destroyed a socket with this tuple (a sock_diag destroy notice).
    public mutating func destroyed(_ tuple: Tuple, at time: Double) {
        destroyedAt[tuple] = time
        for (id, life) in lives where life.tuple == tuple {
            if life.verdict == nil { lives[id]?.verdict = .ours }
            if let end = life.endTime { noticeHorizon = max(noticeHorizon, end) }
        }
    }

    /// The events now known to be ours, in arrival order; drops those of lives judged another
    /// namespace's, and forgets what is settled.
    public mutating func release(now: Double) -> [TraceEvent] {
        var out: [TraceEvent] = []
        var kept: [(event: TraceEvent, life: Int)] = []
        for entry in waiting {
            guard var life = lives[entry.life] else { continue }
            let passed = life.endTime.map { $0 + Self.noticeDisorder < noticeHorizon } ?? false
            if life.verdict == nil && (passed || now - life.lastEvent > patience) {
                life.verdict = .foreign
                lives[entry.life] = life
            }
            switch life.verdict {
            case .ours?: out.append(entry.event)
            case .foreign?: dropped += 1
            case nil: kept.append(entry)
            }
        }
        waiting = kept
        // A life is forgotten once it has ended and been judged (its events are gone). One of
        // ours that lives on is kept until it ends, so that its later events need no second
        // judgement; another namespace's (or one never judged) is forgotten past its patience,
        // and judged again if it speaks again.
        let stillWaiting = Set(waiting.map(\.life))
        var socketOf: [Int: UInt64] = [:]
        for (socket, id) in current { socketOf[id] = socket }
        for (id, life) in lives where !stillWaiting.contains(id) {
            let over = life.ended && life.verdict != nil
            let stale = life.verdict != .ours && now - life.lastEvent > patience
            guard over || stale else { continue }
            if over, let verdict = life.verdict, let end = life.endTime, let socket = socketOf[id] {
                settled[socket] = (verdict, end, now)
            }
            lives[id] = nil
        }
        current = current.filter { lives[$0.value] != nil }
        settled = settled.filter { now - $0.value.at <= Self.noticeMemory }
        if settled.count > Self.limit { settled.removeAll() }
        destroyedAt = destroyedAt.filter { now - $0.value <= Self.noticeMemory }
        if destroyedAt.count > Self.limit { destroyedAt.removeAll() }
        return out
    }
}
