/// The RSTs the capture saw (or the kernel reported) lately, by connection, so that a transition to CLOSE is explained by
/// the segment that caused it rather than by a guess: which end sent the RST, or that none was
/// sent at all (a timeout, a duplicate handshake). Bounded: old entries go when it fills.
public struct ResetMemory: Sendable {
    var resets: [EndpointPair: (time: Double, sender: SocketEndpoint, reason: String?)] = [:]
    /// A RST and the state change it causes are microseconds apart; a second covers a reader
    /// that fell behind, and the clocks of the two sources (wall time, both) agreeing to a ms.
    public static let window = 1.0
    static let limit = 4096

    public init() {}

    public mutating func record(_ segment: Segment) {
        guard let tcp = segment.tcp, tcp.flags.contains(.rst) else { return }
        record(sender: segment.frame.source, receiver: segment.frame.destination, at: segment.time)
    }

    /// A RST the kernel reported sending or receiving (eBPF), on the clock the transitions use,
    /// with the kernel's reason for one it sent.
    public mutating func record(sender: SocketEndpoint, receiver: SocketEndpoint, at time: Double, reason: String? = nil) {
        if resets.count >= Self.limit {
            resets = resets.filter { time - $0.value.time < Self.window }
        }
        let pair = EndpointPair(sender, receiver)
        // The capture's segment and the kernel's report are the same RST: keep the reason.
        let known = resets[pair].flatMap { abs($0.time - time) < Self.window && $0.sender == sender ? $0.reason : nil }
        resets[pair] = (time, sender, reason ?? known)
    }

    /// A RST the kernel reported (eBPF), its time moved by `clockOffset` onto the clock the
    /// transitions are compared on.
    public mutating func record(_ reset: ResetTracepoints.Reset, clockOffset: Double = 0) {
        record(sender: reset.sender, receiver: reset.receiver, at: reset.time + clockOffset, reason: reset.reason)
    }

    /// An ending (→ CLOSE) with what ended it: the RST and who sent it, and the sender's reason.
    public func explained(_ ending: Transition, at time: Double) -> Transition {
        var explained = ending
        explained.cause = cause(of: ending.entry, at: time)
        explained.resetReason = reason(of: ending.entry, at: time)
        return explained
    }

    /// The kernel's reason for the RST that ended `entry`'s socket: its own, or its peer's when
    /// the peer is in this namespace too (the kernel reports the RSTs its sockets send).
    public func reason(of entry: SocketEntry, at time: Double) -> String? {
        guard let reset = resets[EndpointPair(entry.local, entry.remote)], abs(reset.time - time) < Self.window else { return nil }
        return reset.reason
    }

    /// Why a socket of `entry` ended, from the capture: it sent or received a RST near `time`, or
    /// neither (none was captured for it).
    public func cause(of entry: SocketEntry, at time: Double) -> Transition.Cause {
        guard let reset = resets[EndpointPair(entry.local, entry.remote)], abs(reset.time - time) < Self.window else { return .noReset }
        return reset.sender == entry.local ? .resetSent : .resetReceived
    }
}
