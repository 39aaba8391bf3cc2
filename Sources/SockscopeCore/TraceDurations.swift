/// Time each traced socket spent in the state it leaves, from successive tracepoint events.
/// The kernel reports CLOSE → SYN_SENT before the source port is bound (sport=0), so that first
/// step is matched to the next event towards the same peer.
public struct TraceDurations: Sendable {
    struct Key: Hashable, Sendable {
        let local: SocketEndpoint
        let remote: SocketEndpoint
    }

    private var lastChange: [Key: Double] = [:]
    private var pendingConnects: [SocketEndpoint: Double] = [:]
    /// Bounds memory on a busy host: sockets that never reported CLOSE are forgotten past this.
    static let limit = 100_000

    public init() {}

    public mutating func duration(of event: TraceEvent) -> Double? {
        let key = Key(local: event.local, remote: event.remote)
        var duration: Double?
        if let since = lastChange[key] {
            duration = event.time - since
        } else if event.from == .synSent, let since = pendingConnects.removeValue(forKey: event.remote) {
            duration = event.time - since
        }
        if lastChange.count > Self.limit { lastChange.removeAll() }
        if pendingConnects.count > Self.limit { pendingConnects.removeAll() }
        if event.from == .close && event.to == .synSent && event.local.port == 0 {
            pendingConnects[event.remote] = event.time
        } else if event.to == .close {
            lastChange[key] = nil
        } else {
            lastChange[key] = event.time
        }
        // A child socket's LISTEN → SYN_RECV is its birth: the time belongs to the listener.
        if event.from == .listen && event.to == .synRecv { return nil }
        return duration
    }
}
