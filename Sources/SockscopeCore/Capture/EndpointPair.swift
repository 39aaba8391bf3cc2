/// A connection's two ends without a direction: a segment and its answer, or a socket and its
/// peer's, name the same pair.
public struct EndpointPair: Hashable, Sendable {
    public let low: SocketEndpoint
    public let high: SocketEndpoint

    public init(_ a: SocketEndpoint, _ b: SocketEndpoint) {
        let aFirst = (a.address.high, a.address.low, a.port) < (b.address.high, b.address.low, b.port)
        (low, high) = aFirst ? (a, b) : (b, a)
    }
}
