/// The tracepoint reports the TCP sockets of every network namespace on the machine; only ours
/// may be shown (an empty namespace once showed 87,007 transitions of another). The tracepoint
/// names no namespace, so each socket's life — its events from the first until it enters CLOSE —
/// is judged by the addresses and ports it names:
///
/// - **ours** when this namespace's socket table holds that tuple: an exact sock_diag lookup,
///   made by the caller for each life in `wanted` and reported with `lookedUp`; or when this
///   namespace's sock_diag destroy notice names it (`destroyed`): a socket too short-lived to be
///   found still announces its end, and only to its own namespace;
/// - **another namespace's** when neither has happened `patience` seconds after its last event
///   was read (read, not recorded: a reader that falls behind must not judge what it reads late;
///   and notices come from per-CPU kernel workqueues that can lag seconds behind on a busy
///   machine, so the patience is long).
///
/// A life is the kernel's address of the socket together with its tuple, which never changes in
/// a socket's life: every namespace allocates sockets from the same memory, so one address
/// serves a socket here and another there a moment later — and each CPU's events are read at
/// their own pace, so the two can interleave. The one event without a tuple, a connecting
/// socket's first (its port comes later), joins the life at its address that leaves SYN_SENT
/// towards the same peer. Decided events leave in arrival order among themselves; a life still
/// waiting does not hold others back (so lines can come a moment out of order). The one case
/// judged wrong: two namespaces with a socket of the very same addresses and ports at once.
public struct NamespaceSieve: Sendable {
    enum Verdict: Sendable { case ours, foreign }

    struct Key: Hashable, Sendable {
        let socket: UInt64
        let tuple: ConnectionKey
    }

    struct Life: Sendable {
        let key: Key
        var verdict: Verdict?
        /// When its last event was read.
        var lastRead: Double
        /// Its first and last events, on the trace clock; `ended`: the last was into CLOSE.
        var start: Double
        var end: Double
        var ended = false
        /// It left SYN_SENT: a connecting socket, whose first event has no port.
        var connecting = false
        var hasBirth = false
        var lookedUp = false
    }

    public let patience: Double
    /// How long an ended life is kept for events read late (from another CPU's buffer).
    static let grace = 2.0
    var lives: [Int: Life] = [:]
    var current: [Key: Int] = [:]
    /// Lives that connect, by socket address: where a late first event goes.
    var connecting: [UInt64: [Int]] = [:]
    /// First events of connecting sockets (no port yet), by address, with when they were read.
    var births: [UInt64: [(event: TraceEvent, read: Double)]] = [:]
    var nextLife = 0
    /// Undecided or not yet released events, in arrival order, with their life.
    var waiting: [(event: TraceEvent, life: Int)] = []
    /// Tuples this namespace announced destroyed, and when. Kept `noticeMemory` seconds: a
    /// reader that falls behind reads a socket's last events well after its notice.
    var destroyedAt: [ConnectionKey: Double] = [:]
    static let noticeMemory = 10.0
    /// Bounds memory on a busy machine: past this many waiting events the oldest are dropped.
    static let limit = 200_000
    /// Events dropped as another namespace's.
    public private(set) var dropped = 0
    /// Events read and still waiting for their namespace's verdict.
    public var undecided: Int { waiting.count + births.values.reduce(0) { $0 + $1.count } }
    /// Events still waiting for a verdict that the bound pushed out: lost, for the caller to report.
    public private(set) var overflowed = 0

    public init(patience: Double = 10) {
        self.patience = patience
    }

    /// Events read `now`, in the kernel's order.
    public mutating func add(_ events: [TraceEvent], at now: Double) {
        for event in events {
            if event.from == .close && event.to == .synSent && event.local.port == 0 {
                if let id = lifeForLateBirth(event) {
                    join(event, id, at: now)
                } else {
                    births[event.socket, default: []].append((event, now))
                }
                continue
            }
            let key = Key(socket: event.socket, tuple: ConnectionKey(proto: event.ipv6 ? .tcp6 : .tcp, local: event.local, remote: event.remote))
            var id = current[key] ?? -1
            // The same address and tuple after that life ended: a new socket (the tuple reused).
            if id >= 0, let life = lives[id], life.ended && event.time > life.end { id = -1 }
            if id < 0 {
                id = nextLife
                nextLife += 1
                current[key] = id
                lives[id] = Life(key: key, verdict: destroyedAt[key.tuple] != nil ? .ours : nil, lastRead: now,
                                 start: event.time, end: event.time)
            }
            // Leaving SYN_SENT marks a connecting socket, whose first event has no port — even when
            // a later event of it, from another CPU, was read first.
            if event.from == .synSent, lives[id]?.connecting == false {
                lives[id]?.connecting = true
                connecting[event.socket, default: []].append(id)
                adoptBirth(of: id, before: event)
            }
            join(event, id, at: now)
        }
        if waiting.count > Self.limit {
            let excess = waiting.count - Self.limit
            overflowed += excess
            waiting.removeFirst(excess)
        }
    }

    func lifeForLateBirth(_ birth: TraceEvent) -> Int? {
        connecting[birth.socket]?.last { id in
            guard let life = lives[id] else { return false }
            return !life.hasBirth && life.key.tuple.remote == birth.remote && life.start >= birth.time
        }
    }

    /// A connecting socket's first event, read before the life it opens.
    mutating func adoptBirth(of id: Int, before event: TraceEvent) {
        guard var pending = births[event.socket],
              let index = pending.lastIndex(where: { $0.event.remote == event.remote && $0.event.time <= event.time })
        else { return }
        let birth = pending.remove(at: index)
        births[event.socket] = pending.isEmpty ? nil : pending
        join(birth.event, id, at: birth.read)
    }

    mutating func join(_ event: TraceEvent, _ id: Int, at now: Double) {
        guard var life = lives[id] else { return }
        life.lastRead = max(life.lastRead, now)
        life.start = min(life.start, event.time)
        if event.from == .close || (event.from == .listen && event.to == .synRecv) { life.hasBirth = true }
        if event.to == .close {
            life.ended = true
            life.end = event.time
        } else if !life.ended {
            life.end = max(life.end, event.time)
        }
        lives[id] = life
        waiting.append((event, id))
    }

    /// Lives to look up in this namespace's socket table: not yet judged or looked up.
    public mutating func wanted() -> [(life: Int, tuple: ConnectionKey)] {
        var list: [(Int, ConnectionKey)] = []
        for (id, life) in lives where life.verdict == nil && !life.lookedUp {
            lives[id]?.lookedUp = true
            list.append((id, life.key.tuple))
        }
        return list
    }

    public mutating func lookedUp(_ life: Int, found: Bool) {
        if found { lives[life]?.verdict = .ours }
    }

    /// This namespace destroyed a socket with this tuple (a sock_diag destroy notice).
    public mutating func destroyed(_ tuple: ConnectionKey, at time: Double) {
        destroyedAt[tuple] = time
        for (id, life) in lives where life.verdict == nil && life.key.tuple == tuple {
            lives[id]?.verdict = .ours
        }
    }

    /// The events now known to be ours, in arrival order; drops those of lives judged another
    /// namespace's, and forgets what is settled.
    public mutating func release(now: Double) -> [TraceEvent] {
        var out: [TraceEvent] = []
        var kept: [(event: TraceEvent, life: Int)] = []
        for entry in waiting {
            guard var life = lives[entry.life] else { continue }
            if life.verdict == nil && now - life.lastRead > patience {
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
        forget(now: now)
        return out
    }

    /// A life is forgotten a moment after it has ended and been judged (late events of it still
    /// find it meanwhile). One of ours that lives on is kept until it ends, so that its later
    /// events need no second judgement; another namespace's, or one never judged, is forgotten
    /// past its patience and judged again if it speaks again.
    mutating func forget(now: Double) {
        let stillWaiting = Set(waiting.map(\.life))
        var forgotten = false
        for (id, life) in lives where !stillWaiting.contains(id) {
            let over = life.ended && life.verdict != nil && now - life.lastRead > Self.grace
            let stale = life.verdict != .ours && now - life.lastRead > patience
            guard over || stale else { continue }
            lives[id] = nil
            if current[life.key] == id { current[life.key] = nil }
            forgotten = true
        }
        if forgotten { connecting = connecting.compactMapValues { ids in
            let alive = ids.filter { lives[$0] != nil }
            return alive.isEmpty ? nil : alive
        } }
        // First events that no life claimed: another namespace's connect that failed at once.
        for (socket, pending) in births {
            let fresh = pending.filter { now - $0.read <= patience }
            dropped += pending.count - fresh.count
            births[socket] = fresh.isEmpty ? nil : fresh
        }
        destroyedAt = destroyedAt.filter { now - $0.value <= Self.noticeMemory }
        if destroyedAt.count > Self.limit { destroyedAt.removeAll() }
    }
}
