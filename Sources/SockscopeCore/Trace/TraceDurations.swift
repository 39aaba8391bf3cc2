/// Time each traced socket spent in the state it leaves, from successive tracepoint events of the
/// same socket (the kernel's address of it identifies it for its whole life, port or not).
///
/// Events can arrive a moment out of the kernel's order: tracefs reads each CPU's buffer at its
/// own pace, and a socket's close() (one CPU) and the last ACK that frees it (another) are
/// microseconds apart. So each socket keeps the times of its last few changes, and an event's
/// duration runs from the latest of them before its own time, in whatever order they came.
public struct TraceDurations: Sendable {
    /// The times of a socket's last changes seen, in time order (at most `Recent.slots`).
    struct Recent: Sendable {
        static let slots = 4
        var times: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var count = 0

        subscript(index: Int) -> Double {
            get {
                switch index {
                case 0: times.0
                case 1: times.1
                case 2: times.2
                default: times.3
                }
            }
            set {
                switch index {
                case 0: times.0 = newValue
                case 1: times.1 = newValue
                case 2: times.2 = newValue
                default: times.3 = newValue
                }
            }
        }

        /// The latest time before `time`, if one is known.
        func latest(before time: Double) -> Double? {
            var found: Double?
            for index in 0..<count where self[index] <= time { found = self[index] }
            return found
        }

        /// Keeps `time` in order, dropping the oldest when full.
        mutating func insert(_ time: Double) {
            var index = count
            while index > 0 && self[index - 1] > time { index -= 1 }
            if count == Self.slots {
                guard index > 0 else { return }  // older than all kept: nothing to gain
                for shift in 0..<(index - 1) { self[shift] = self[shift + 1] }
                self[index - 1] = time
                return
            }
            var slot = count
            while slot > index {
                self[slot] = self[slot - 1]
                slot -= 1
            }
            self[index] = time
            count += 1
        }
    }

    private var recent: [UInt64: Recent] = [:]
    /// Bounds memory on a busy host: past this many sockets, all are forgotten (closed sockets are
    /// kept a while, for their late events).
    static let limit = 100_000

    public init() {}

    public mutating func duration(of event: TraceEvent) -> Double? {
        if recent.count > Self.limit { recent.removeAll() }
        // A socket's first state is a birth: a connecting socket's time in CLOSE, or a listener's
        // child's LISTEN (inherited from the listener), is not the kernel's to tell; and a new
        // life at an address an ended socket had.
        let birth = event.from == .close || (event.from == .listen && event.to == .synRecv)
        if birth {
            var fresh = Recent()
            fresh.insert(event.time)
            recent[event.socket] = fresh
            return nil
        }
        var times = recent[event.socket] ?? Recent()
        let since = times.latest(before: event.time)
        times.insert(event.time)
        recent[event.socket] = times
        return since.map { event.time - $0 }
    }
}
