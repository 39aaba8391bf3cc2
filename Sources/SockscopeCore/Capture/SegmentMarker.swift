/// What the analysis says about a segment, named as Wireshark's TCP analysis names it, so that a
/// learner who opens the same capture in Wireshark finds the same words.
public enum SegmentMarker: String, Hashable, Sendable, CaseIterable {
    /// Sequence space sent again: the segment starts before what its sender had already sent.
    case retransmission = "retransmission"
    /// A retransmission that answers two or more duplicate ACKs at once, not a timeout.
    case fastRetransmission = "fast retransmission"
    /// The receiver repeats its last ACK (same ack, same window) while data is outstanding: a
    /// segment after a gap arrived.
    case duplicateACK = "duplicate ACK"
    /// The sender's receive buffer is full: it advertises a window of 0.
    case zeroWindow = "zero window"
    /// A segment sent into a zero window to learn when it opens again. Linux sends these as a bare
    /// ACK one byte behind (like a keep-alive); sent while the peer's window is 0, it is a probe.
    case windowProbe = "window probe"
    /// The same ACK with a different window: the receiver read data and says it has room again.
    case windowUpdate = "window update"
    /// A bare ACK one byte behind the sender's next sequence number on an idle connection: "are
    /// you still there?" (SO_KEEPALIVE).
    case keepAlive = "keep-alive"
    /// The segment starts after the sender's next sequence number: a segment before it was not
    /// captured (lost on the way, or dropped by the capture).
    case previousSegmentNotCaptured = "previous segment not captured"
}
