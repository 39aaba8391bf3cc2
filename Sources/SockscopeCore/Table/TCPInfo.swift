/// What TCP_INFO says about a socket (ours by getsockopt, any by sock_diag): its exact state
/// and its health.
public struct TCPInfo: Sendable, Equatable {
    public var state: TCPState?
    /// Smoothed round-trip time and its variation, and the lowest seen, in microseconds.
    public var rttMicros: UInt32
    public var rttVarianceMicros: UInt32
    public var minRTTMicros: UInt32
    /// Congestion window, in segments of `mss` bytes.
    public var congestionWindow: UInt32
    public var mss: UInt32
    /// Retransmissions in the connection's life, and unanswered ones right now.
    public var totalRetransmits: UInt32
    public var currentRetransmits: UInt8
    public var unacknowledged: UInt32
    public var bytesAcked: UInt64
    public var bytesReceived: UInt64
    public var deliveryRate: UInt64
    /// The window the peer advertised, scaled, in bytes (tcpi_snd_wnd, Linux 6.2): 0 when the
    /// peer's receive buffer is full. nil when the kernel does not say.
    public var sendWindow: UInt32?

    public init(state: TCPState?, rttMicros: UInt32 = 0, rttVarianceMicros: UInt32 = 0, minRTTMicros: UInt32 = 0,
                congestionWindow: UInt32 = 0, mss: UInt32 = 0, totalRetransmits: UInt32 = 0,
                currentRetransmits: UInt8 = 0, unacknowledged: UInt32 = 0, bytesAcked: UInt64 = 0,
                bytesReceived: UInt64 = 0, deliveryRate: UInt64 = 0, sendWindow: UInt32? = nil) {
        self.state = state
        self.rttMicros = rttMicros
        self.rttVarianceMicros = rttVarianceMicros
        self.minRTTMicros = minRTTMicros
        self.congestionWindow = congestionWindow
        self.mss = mss
        self.totalRetransmits = totalRetransmits
        self.currentRetransmits = currentRetransmits
        self.unacknowledged = unacknowledged
        self.bytesAcked = bytesAcked
        self.bytesReceived = bytesReceived
        self.deliveryRate = deliveryRate
        self.sendWindow = sendWindow
    }

    /// `rtt 0.045 ms ±0.02, cwnd 10, retrans 0`
    public var summary: String {
        func ms(_ micros: UInt32) -> String { DurationText.milliseconds(Double(micros) / 1e6) }
        return "rtt \(ms(rttMicros)) ms ±\(ms(rttVarianceMicros)), cwnd \(congestionWindow), retrans \(totalRetransmits)"
    }
}
