/// A captured segment (or UDP datagram) placed in its conversation: which side sent it, its
/// sequence numbers relative to each side's first one, its window scaled, and what the analysis
/// marks on it.
public struct Segment: Hashable, Sendable {
    /// Seconds, on the clock the capture stamped the frame with.
    public var time: Double
    /// The side that sent the SYN (else the first sender seen): the ladder's left column.
    public var initiator: SocketEndpoint
    public var responder: SocketEndpoint
    public var fromInitiator: Bool
    public var frame: DecodedFrame
    /// Sequence and acknowledgment numbers counted from each side's initial sequence number, as
    /// Wireshark shows them: the SYN is 0, the first ACK of it is 1. 0 for UDP.
    public var relativeSequence: UInt32
    public var relativeAcknowledgment: UInt32
    /// The shift the window field is scaled by: what both SYNs agreed on (0 in a SYN, or when
    /// either lacked the option); nil when the handshake was not seen (the scale is unknown).
    public var windowShift: Int?
    public var markers: [SegmentMarker]

    public init(time: Double, initiator: SocketEndpoint, responder: SocketEndpoint, fromInitiator: Bool,
                frame: DecodedFrame, relativeSequence: UInt32, relativeAcknowledgment: UInt32, windowShift: Int?,
                markers: [SegmentMarker]) {
        self.time = time
        self.initiator = initiator
        self.responder = responder
        self.fromInitiator = fromInitiator
        self.frame = frame
        self.relativeSequence = relativeSequence
        self.relativeAcknowledgment = relativeAcknowledgment
        self.windowShift = windowShift
        self.markers = markers
    }

    public var tcp: TCPHeader? { frame.tcp }

    /// The window in bytes the sender offers (RFC 7323 §2.2); nil when the scale is unknown.
    public var scaledWindow: Int? {
        guard let tcp, let windowShift else { return nil }
        return Int(tcp.window) << windowShift
    }

    /// Bytes of data the segment (or datagram) carries.
    public var length: Int {
        switch frame.transport {
        case .tcp(let header): header.dataLength
        case .udp(let length): length
        }
    }
}
