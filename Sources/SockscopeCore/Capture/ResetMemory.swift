/// The RSTs the capture saw lately, by connection, so that a transition to CLOSE is explained by
/// the segment that caused it rather than by a guess: which end sent the RST, or that none was
/// sent at all (a timeout, a duplicate handshake). Bounded: old entries go when it fills.
public struct ResetMemory: Sendable {
    var resets: [EndpointPair: (time: Double, sender: SocketEndpoint)] = [:]
    /// A RST and the state change it causes are microseconds apart; a second covers a reader
    /// that fell behind, and the clocks of the two sources (wall time, both) agreeing to a ms.
    public static let window = 1.0
    static let limit = 4096

    public init() {}

    public mutating func record(_ segment: Segment) {
        guard let tcp = segment.tcp, tcp.flags.contains(.rst) else { return }
        if resets.count >= Self.limit {
            resets = resets.filter { segment.time - $0.value.time < Self.window }
        }
        resets[EndpointPair(segment.frame.source, segment.frame.destination)] = (segment.time, segment.frame.source)
    }

    /// Why a socket of `entry` ended, from the capture: it sent or received a RST near `time`, or
    /// neither (none was captured for it).
    public func cause(of entry: SocketEntry, at time: Double) -> Transition.Cause {
        guard let reset = resets[EndpointPair(entry.local, entry.remote)], abs(reset.time - time) < Self.window else { return .noReset }
        return reset.sender == entry.local ? .resetSent : .resetReceived
    }
}
