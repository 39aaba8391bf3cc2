/// Time each traced socket spent in the state it leaves, from successive tracepoint events of the
/// same socket (the kernel's address of it identifies it for its whole life, port or not).
public struct TraceDurations: Sendable {
    private var lastChange: [UInt64: Double] = [:]
    /// Bounds memory on a busy host: sockets that never reported CLOSE are forgotten past this.
    static let limit = 100_000

    public init() {}

    public mutating func duration(of event: TraceEvent) -> Double? {
        // A socket's first state is a birth: a connecting socket's time in CLOSE, or a listener's
        // child's LISTEN (inherited from the listener), is not the kernel's to tell.
        let birth = event.from == .close || (event.from == .listen && event.to == .synRecv)
        let duration = birth ? nil : lastChange[event.socket].map { event.time - $0 }
        if lastChange.count > Self.limit { lastChange.removeAll() }
        lastChange[event.socket] = event.to == .close ? nil : event.time
        return duration
    }
}
