/// What one direction of a TCP conversation has sent so far, as the analysis needs it.
struct TCPFlow: Sendable {
    /// The initial sequence number (the SYN's), else the first sequence number seen.
    var base: UInt32?
    /// The sequence number after the last byte (SYN and FIN count one) sent so far.
    var next: UInt32?
    var lastAck: UInt32?
    var window: UInt16?
    /// The shift this side's SYN announced; `.some(nil)` for a SYN without the option, nil when
    /// its SYN was not seen.
    var announcedScale: UInt8??
    /// Duplicate ACKs this side sent in a row (a fast retransmission answers two or more).
    var duplicateACKs = 0
    /// Whether its last segment was a keep-alive or a window probe (its answer is no dup ACK).
    var lastWasProbe = false

    /// Whether `a` comes after `b` in sequence space (RFC 1982 serial arithmetic).
    static func after(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) > 0 }
}
