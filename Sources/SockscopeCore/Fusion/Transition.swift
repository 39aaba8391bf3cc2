/// One state change of one socket.
public struct Transition: Sendable, Equatable {
    /// Where a transition was seen: the tracepoint through eBPF or tracefs, a table reading, or
    /// our own call on a socket.
    public enum Source: String, Sendable {
        case ebpf, tracefs, proc, socket
        /// Told by the kernel as it happened (the tracepoint), not inferred.
        public var isTracepoint: Bool { self == .ebpf || self == .tracefs }
    }

    /// Why a connection ended, from the segments captured (nil: no capture to say).
    public enum Cause: String, Sendable {
        case resetSent = "reset sent"
        case resetReceived = "reset received"
        case noReset = "no reset"
    }

    public var time: Double
    /// The socket as last seen (its endpoints, protocol, uid, inode).
    public var entry: SocketEntry
    /// nil where a UDP socket appeared or vanished (it has no state before or after).
    public var from: SocketState?
    public var to: SocketState?
    /// Seconds spent in `from`, when known.
    public var duration: Double?
    public var source: Source
    /// Set for endings (→ CLOSE) when the capture is on, or eBPF reports the kernel's resets.
    public var cause: Cause?
    /// For an ending by a RST, the sender's kernel's reason (eBPF's tcp_send_reset: this
    /// socket's, or its peer's in this namespace): TCP_STATE, TCP_ABORT_ON_CLOSE …
    public var resetReason: String?
    /// Whose socket this is, when the session says (the explanation names it).
    public var role: SocketRole?

    public init(time: Double, entry: SocketEntry, from: SocketState?, to: SocketState?, duration: Double?,
                source: Source = .proc) {
        self.time = time
        self.entry = entry
        self.from = from
        self.to = to
        self.duration = duration
        self.source = source
    }

    /// The one-sentence explanation for learners, naming the socket by its role.
    public var explanation: String {
        SocketRole.name(in: generalExplanation, role)
    }

    var generalExplanation: String {
        if let from = from?.tcp, let to = to?.tcp, entry.proto.isTCP {
            if let cause, to == .close, let text = StateExplanations.ending(from: from, cause: cause, reason: resetReason) { return text }
            if from == .close && source == .proc { return StateExplanations.appeared(entry) }
            if to == .close && source == .proc { return StateExplanations.vanished(entry) }
            return StateExplanations.transition(from: from, to: to)
        }
        return from == nil ? StateExplanations.appeared(entry) : StateExplanations.vanished(entry)
    }
}
